import { statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { InvalidOrgError, type Problem } from '../errors.js';
import { CHART_FILE, ORG_FILE } from './names.js';
import type { Org } from './org.js';
import { PARSE_CACHE_FILE, ParsedFileCache } from './parsed-file-cache.js';
import { ParsedFiles } from './parsed-files.js';
import { parseChartFile, parseOrgFile, parseResume, type Parsed, type ParsedResume } from './parse-files.js';
import { registerOrgSecrets } from './org-secrets.js';
import { modelKeys, rawModelProblems } from './raw-model-check.js';
import { AgentFolderListing, folderProblems, type AgentFolders } from './agent-folder-listing.js';
import { currentStamps, fileStamp, readSettledOrgQuick, readSettledOrgUnder, readSettledStamps, saveSettledOrg, settledKey, settledOrgKept } from './settled-org-cache.js';
import type { OrgFile } from './schema.js';
import { LOOK_AHEAD_FROM } from '../storage/look-ahead.js';
import { StatAhead } from '../storage/stat-ahead.js';
import { settleOrg, type FileVersions, type Settled, type Version } from './settle-org.js';

export { CHART_FILE, ORG_FILE } from './names.js';

/** The outcome of one load: the org in force, its problems, and what changed since the last load. */
export interface OrgLoadResult {
  /**
   * The org in force: each file's newest valid version, or its last valid one while it is broken.
   * Before any valid load, a file that never was valid is left out (a resume) or stands in empty
   * (org.yaml, the chart): enough to show a person their org while they mend it.
   */
  org: Org;
  /** Errors (a file's edit is not used) and warnings (used, but look). */
  problems: Problem[];
  /** Files whose edits took effect with this load, relative to the root. */
  reloaded: string[];
  /** Files that had errors at the last load and have none now. */
  fixed: string[];
  /** Agents that joined or left since the last load. */
  joined: string[];
  left: string[];
  /** True when some file on disk has errors, so an earlier version of it (or none) is in force. */
  keptLastValid: boolean;
  /** org.yaml or the chart when neither now nor before did it have a valid version. */
  standIns: string[];
}

interface Computed {
  /** Undefined when no file changed since the last load. */
  settled?: Settled;
  problems: Problem[];
  stamps: Map<string, string>;
  /** Folders under agents/ ignored for their names: with the stamps, what the org was made from. */
  ignored: string[];
  usedDiskCache: boolean;
}

/**
 * Loads the org from its files, re-reading only files whose size or mtime changed,
 * so a turn can reload a large org cheaply and every hand edit takes effect next turn.
 * Each file's last valid version is kept apart (see settle-org.ts).
 */
export class OrgLoader {
  readonly root: string;
  private readonly diskCache: ParsedFileCache;
  /** Each file read and parsed again only when its size or mtime moved. */
  private readonly files: ParsedFiles;
  /** The folders under agents/, listed again only when that folder changed. */
  private readonly listing: AgentFolderListing;
  /** The version in force of each file, after the last load. */
  private inForce = new Map<string, Version<unknown>>();
  private last?: { result: OrgLoadResult; stamps: Map<string, string>; errorFiles: Set<string> };
  /** True once a load had no errors: from then on a broken file always has a valid version to fall back on. */
  private everValid = false;
  /** The key the settled org was last kept under by this loader (see settled-org-cache.ts). */
  private settledKey?: string;
  /**
   * Set while the org in force is the one kept settled (settled-org-cache.ts), taken by the first
   * load as every file's stamp matched: each file's stamp then, which is the version in force (the
   * org was settled with none broken). No file has been parsed, and no version is held in memory.
   */
  private seeded?: ReadonlyMap<string, string>;
  /**
   * Set while the org in force was taken by its quick key (a big org: readSettledOrgQuick), whose
   * resumes nobody has `stat`ed yet: the key of their stamps when kept, read at the first load
   * that compares stamps (the engine's first turn), not at the open.
   */
  private stampsKey?: string;
  /** Set when the stamps the org was kept with were gone: the next settled org replaces it whatever it compares as. */
  private unknownBefore = false;

  /** False: the first load reads the files, not the org kept settled (its caller just found none under them). */
  private readonly takesKept: boolean;

  /** `filesFrom`: org.yaml, the chart and the resumes are read there, read only, for the org at `root` (a dry run's scratch, dry-run/). */
  private readonly filesRoot: string;

  constructor(root: string, options: { takesKept?: boolean; filesFrom?: string } = {}) {
    this.root = root;
    this.filesRoot = options.filesFrom ?? root;
    this.takesKept = options.filesFrom === undefined && (options.takesKept ?? true);
    this.diskCache = new ParsedFileCache(join(root, PARSE_CACHE_FILE));
    this.files = new ParsedFiles(this.filesRoot, this.diskCache);
    this.listing = new AgentFolderListing(this.filesRoot);
  }

  /**
   * Load the org, or throw InvalidOrgError with every problem when a file has errors and
   * has never had a valid version (an engine starts only on a wholly valid org).
   */
  loadOrThrow(): OrgLoadResult {
    const result = this.load();
    if (!this.everValid) throw new InvalidOrgError(result.problems);
    return result;
  }

  /**
   * Load the org. `changed` (the agents whose folders may have changed since the last load, from
   * the engine's change feed) spares a look at every other resume: when org.yaml, the chart,
   * `agents/` and the resumes of those agents are as they were, the last result is returned after
   * a few `stat`s; otherwise only those resumes are looked at again. Without it every file is `stat`ed.
   */
  load(changed?: ReadonlySet<string>): OrgLoadResult {
    if (!this.last && this.takesKept) {
      const kept = this.fromSettled();
      if (kept) return kept;
    }
    // Without the change feed, every resume is looked at (a `stat` each): the files listed when the org was last settled.
    if (this.last && this.unchangedSince(changed ?? this.lastFolderNames ?? new Set())) return { ...this.last.result, reloaded: [], fixed: [], joined: [], left: [] };
    let computed = this.compute(true, changed);
    // A file taken from the on-disk cache has no line numbers: parse afresh the files whose problems need one.
    const lineless = computed.problems.filter((problem) => problem.line === undefined && this.files.fromDisk(problem.file));
    if (computed.usedDiskCache && lineless.length > 0) {
      for (const problem of lineless) this.files.forget(problem.file);
      computed = this.compute(false, changed);
    }
    return this.commit(computed);
  }

  /**
   * True when the last load still holds: the listing of `agents/` is the one kept, and org.yaml, the
   * chart and the resumes of the `changed` agents have the stamps they had. The other resumes are not
   * looked at: the change feed answers for them.
   */
  private unchangedSince(changed: ReadonlySet<string>): boolean {
    const last = this.last;
    if (!last || this.lastFolders === undefined) return false;
    if (this.listing.folders() !== this.lastFolders) return false;
    const stamps = this.lastStamps();
    const stampNow = (stat: { mtimeMs: number; size: number } | undefined): string | undefined => stat && fileStamp(stat);
    try {
      for (const file of [ORG_FILE, CHART_FILE]) if (stampNow(statSync(this.files.pathOf(file), { throwIfNoEntry: false })) !== stamps.get(file)) return false;
      const names = [...changed].filter((name) => this.lastFolderNames?.has(name));
      // A process's first turn looks at every resume: on two cores (look-ahead.ts).
      const ahead = StatAhead.of({ prefix: `${this.filesRoot}/agents/`, names, suffix: '/resume.md' });
      try {
        for (let index = 0; index < names.length; index += 1) {
          if (stampNow(ahead.get(index)) !== stamps.get(this.resumeFile(names[index] as string))) return false;
        }
      } finally {
        ahead.done();
      }
    } catch {
      return false;
    }
    return true;
  }

  /**
   * A first load that finds every file as it was when the org was last settled with no error
   * (a `stat` of each, nothing read): the org kept then, without the parse cache, the parsers or
   * settling 100,000 resumes again. Undefined when a file changed or nothing was kept.
   */
  private fromSettled(): OrgLoadResult | undefined {
    const quick = readSettledOrgQuick(this.root);
    if (quick) {
      // The listing the org was kept with: the agents (the org was settled with no error, so every valid folder is one) and the ignored.
      const folders = { names: [...quick.org.agents.keys()].sort(), ignored: quick.ignored };
      this.listing.prime(quick.agentsMtimeMs, folders);
      this.stampsKey = quick.key;
      return this.takeKept(quick, folders, new Map(), quick.key);
    }
    if (!settledOrgKept(this.root)) return undefined;
    const folders = this.listing.folders();
    const stamps = folders && currentStamps(this.root, folders.names);
    if (!folders || !stamps) return undefined;
    const key = settledKey(stamps, folders.ignored);
    const kept = readSettledOrgUnder(this.root, key);
    if (!kept) return undefined;
    this.seeded = stamps;
    const result = this.takeKept(kept, folders, stamps, key);
    // Kept before the org grew past a turn's look, or with `agents/` too fresh to trust: kept again under its quick key, once.
    saveSettledOrg(this.root, key, kept.org, kept.problems, stamps, folders.ignored, kept.memory ?? undefined);
    return result;
  }

  /** The kept org (settled with no error) as the last load's, made of these folders and stamps, kept under `key`. */
  private takeKept(kept: { org: Org; problems: Problem[] }, folders: AgentFolders, stamps: Map<string, string>, key: string): OrgLoadResult {
    const result: OrgLoadResult = { org: kept.org, problems: kept.problems, reloaded: [], fixed: [], joined: [], left: [], keptLastValid: false, standIns: [] };
    this.lastFolders = folders;
    this.lastFolderNames = new Set(folders.names);
    this.last = { result, stamps, errorFiles: new Set() };
    this.everValid = true;
    this.settledKey = key;
    return result;
  }

  /** The stamp of the version of `file` in force after the last load. */
  private inForceStamp(file: string): string | undefined {
    this.lastStamps();
    return this.inForce.get(file)?.stamp ?? this.seeded?.get(file);
  }

  /**
   * The stamps of the last load. For an org taken by its quick key, those it was kept with, read
   * now; when they were not kept (removed by hand), none: every file then reads as changed, and
   * the org is settled again from its files.
   */
  private lastStamps(): ReadonlyMap<string, string> {
    const last = this.last;
    if (!last) return new Map();
    if (this.stampsKey !== undefined) {
      const kept = readSettledStamps(this.root, this.stampsKey);
      this.stampsKey = undefined;
      last.stamps = kept ?? new Map<string, string>();
      this.seeded = last.stamps;
      // Nothing to say which file changed: the next org is the one settled from the files, not the kept one.
      this.unknownBefore = kept === undefined;
    }
    return last.stamps;
  }

  /** The listing the last load was made from, and its names as a set (for `unchangedSince`). */
  private lastFolders?: AgentFolders;
  private lastFolderNames?: ReadonlySet<string>;

  private compute(useDiskCache: boolean, changed?: ReadonlySet<string>): Computed {
    const reading = { useDiskCache, usedDiskCache: false };
    const problems: Problem[] = [];
    const stamps = new Map<string, string>();
    // Reads ahead that a load which threw left behind are not this load's.
    this.files.doneReading();
    const listingProblems: Problem[] = [];
    const folders = this.agentFolders(listingProblems);
    // A first load of an org this machine has no version of (written by a program, cloned) reads every resume: on two cores,
    // the thread starting while org.yaml and the chart are parsed here (at 100,000 agents the chart alone takes some 0.3 s).
    const files = this.resumeFilesOf(folders.names);
    if (!this.last && folders.names.length >= LOOK_AHEAD_FROM) this.files.readAhead(files, 'agent');
    const orgFile = this.files.read(ORG_FILE, parseOrgFile, problems, stamps, reading);
    const chart = this.files.read(CHART_FILE, parseChartFile, problems, stamps, reading);
    problems.push(...listingProblems);
    const resumes = new Map<string, FileVersions<ParsedResume>>();
    const brokenResumes = new Set<string>();
    const registry = modelKeys(orgFile);
    const parsedResumes: Array<Parsed<ParsedResume>> = [];
    for (let index = 0; index < folders.names.length; index += 1) {
      const name = folders.names[index] as string;
      const file = files[index] as string;
      // An agent the change feed does not name, read before: its resume as it was (no `stat`).
      const trusted = changed !== undefined && !changed.has(name) ? this.last?.stamps.get(file) : undefined;
      const resume = this.files.read(file, parseResume, problems, stamps, reading, 'agent', trusted);
      parsedResumes.push(resume);
      if (!resume.value) {
        brokenResumes.add(name);
        // Its other errors hold the model check back; report a misspelt model in the same pass.
        if (registry) problems.push(...rawModelProblems(file, resume, registry));
      }
    }
    this.files.doneReading();
    // Nothing changed (a steady turn, every resume stat'ed): no version of any file is made.
    if (this.last && sameStamps(stamps, this.lastStamps())) return { problems: this.last.result.problems, stamps, ignored: folders.ignored, usedDiskCache: false };
    folders.names.forEach((name, index) => {
      const versions = this.versions(files[index] as string, parsedResumes[index] as Parsed<ParsedResume>, stamps);
      if (versions.current || versions.last) resumes.set(name, versions);
    });
    const settled = settleOrg({
      root: this.root,
      fallbackName: basename(this.root),
      orgFile: this.versions(ORG_FILE, orgFile, stamps),
      chart: this.versions(CHART_FILE, chart, stamps),
      resumes,
      brokenResumes,
    });
    problems.push(...settled.problems);
    for (const name of this.last?.result.org.agents.keys() ?? []) {
      if (!settled.org.agents.has(name)) {
        problems.push({ file: `agents/${name}/`, message: `is gone, so ${name} leaves the org at the next turn`, severity: 'warning' });
      }
    }
    return { settled, problems, stamps, ignored: folders.ignored, usedDiskCache: reading.usedDiskCache };
  }

  private commit(computed: Computed): OrgLoadResult {
    const { settled, problems, stamps } = computed;
    const previous = this.last;
    if (!settled && previous) {
      // Nothing changed since the last load: the same org object, so what was computed for it stays valid.
      return { ...previous.result, reloaded: [], fixed: [], joined: [], left: [] };
    }
    if (!settled) throw new Error('a first load always settles the org');
    // Its secrets are known before anything of it is written or shown.
    registerOrgSecrets(settled.org);
    const errorFiles = new Set(problems.filter((problem) => problem.severity === 'error').map((problem) => problem.file));
    const before = this.unknownBefore ? undefined : previous?.result.org;
    this.unknownBefore = false;
    const reloaded = before
      ? [...settled.inForce].filter(([file, version]) => {
          const before = this.inForceStamp(file);
          return before !== undefined && before !== version.stamp;
        }).map(([file]) => file)
      : [];
    const fixed = previous ? [...previous.errorFiles].filter((file) => !errorFiles.has(file)) : [];
    const joined = before ? [...settled.org.agents.keys()].filter((name) => !before.agents.has(name)) : [];
    const left = before ? [...before.agents.keys()].filter((name) => !settled.org.agents.has(name)) : [];
    const unchanged = before && reloaded.length === 0 && joined.length === 0 && left.length === 0 && settled.standIns.length === previous?.result.standIns.length;
    const result: OrgLoadResult = {
      org: unchanged ? before : settled.org,
      problems,
      reloaded,
      fixed,
      joined,
      left,
      keptLastValid: errorFiles.size > 0,
      standIns: settled.standIns,
    };
    this.inForce = settled.inForce;
    this.seeded = undefined;
    // A departure is told once; a later load with no change repeats the rest.
    const steady = problems.filter((problem) => !left.some((name) => problem.file === `agents/${name}/`));
    this.last = { result: { ...result, problems: steady }, stamps, errorFiles };
    if (errorFiles.size === 0) {
      this.everValid = true;
      this.diskCache.save(stamps);
      // For the commands that only read (status, inbox): the whole org, kept under its files' stamps.
      const key = settledKey(stamps, computed.ignored);
      if (key !== this.settledKey) saveSettledOrg(this.root, key, result.org, steady, stamps, computed.ignored, (settled.inForce.get(ORG_FILE)?.value as OrgFile | undefined)?.memory);
      this.settledKey = key;
    }
    return result;
  }

  /** A file's versions: the one just parsed (if it passed its schema) and the one in force before. */
  private versions<T>(file: string, parsed: Parsed<T>, stamps: ReadonlyMap<string, string>): FileVersions<T> {
    const stamp = stamps.get(file);
    // A fresh loader falls back on the version this machine last loaded with the whole org valid.
    // So does one that took the kept settled org, which holds no version of its own yet.
    const last = (this.last && !this.seeded ? this.inForce.get(file) : (this.diskCache.lastSaved(file) as Version<T> | undefined)) as Version<T> | undefined;
    // Plain assignments, not spreads: this runs once per agent, in code a fresh process has not yet optimised.
    const versions: FileVersions<T> = {};
    if (parsed.value !== undefined && stamp !== undefined) {
      const current: Version<T> = { stamp, value: parsed.value };
      if (parsed.lineOf) current.lineOf = parsed.lineOf;
      versions.current = current;
    }
    if (last) versions.last = last;
    return versions;
  }

  /** Each resume's name relative to the root, made once: a turn asks it of every agent, and a string kept is hashed once as a key. */
  private readonly resumeFiles = new Map<string, string>();

  private resumeFile(name: string): string {
    let file = this.resumeFiles.get(name);
    if (file === undefined) {
      file = `agents/${name}/resume.md`;
      if (this.resumeFiles.size >= 2_000_000) this.resumeFiles.clear();
      this.resumeFiles.set(name, file);
    }
    return file;
  }

  /** The resume of each of `names`, in order: made again only when the listing is a new one (a steady turn's is the same list). */
  private resumeFilesOf(names: readonly string[]): readonly string[] {
    if (this.fileList?.names !== names) this.fileList = { names, files: names.map((name) => this.resumeFile(name)) };
    return this.fileList.files;
  }

  private fileList?: { names: readonly string[]; files: readonly string[] };

  private agentFolders(problems: Problem[]): { names: string[]; ignored: string[] } {
    const folders = this.listing.folders();
    if (folders !== this.lastFolders) {
      this.lastFolders = folders;
      this.lastFolderNames = folders ? new Set(folders.names) : undefined;
    }
    problems.push(...folderProblems(folders));
    return folders ?? { names: [], ignored: [] };
  }
}

function sameStamps(left: ReadonlyMap<string, string>, right: ReadonlyMap<string, string>): boolean {
  if (left.size !== right.size) return false;
  for (const [file, stamp] of left) if (right.get(file) !== stamp) return false;
  return true;
}
