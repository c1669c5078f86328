import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidOrgError, type Problem } from '../errors.js';
import { assembleOrg } from './assemble-org.js';
import { AGENT_NAME_HINT, isValidAgentName } from './names.js';
import type { Org } from './org.js';
import { ParsedFileCache } from './parsed-file-cache.js';
import { parseChartFile, parseOrgFile, parseResume, type Parsed, type ParsedResume } from './parse-files.js';

/** The org's name, engine settings and model registry, relative to the root. */
export const ORG_FILE = 'org/org.yaml';
/** Who reports to whom and who may send to and read from whom, relative to the root. */
export const CHART_FILE = 'org/chart.yaml';

interface CachedFile<T> {
  mtimeMs: number;
  size: number;
  parsed: Parsed<T>;
  /** Taken from the on-disk cache: the value, but no line numbers for cross-file errors. */
  fromDisk: boolean;
}

/** The outcome of one load: the org in force, its problems, and what changed since the last valid load. */
export interface OrgLoadResult {
  /** The org in force: the freshly loaded one, or the last valid one when the files are now broken. */
  org?: Org;
  /** Errors (the files are unusable) and warnings (usable, but look). */
  problems: Problem[];
  /** Files whose edits took effect with this load, relative to the root. */
  reloaded: string[];
  /** Agents that joined or left since the last valid load. */
  joined: string[];
  left: string[];
  /** True when the files are broken and `org` is the last valid version. */
  keptLastValid: boolean;
}

/**
 * Loads the org from its files, re-reading only files whose size or mtime changed,
 * so a turn can reload a large org cheaply and every hand edit takes effect next turn.
 */
export class OrgLoader {
  readonly root: string;
  private readonly cache = new Map<string, CachedFile<unknown>>();
  private lastValid?: Org;
  private lastValidStamps = new Map<string, string>();
  private readonly diskCache: ParsedFileCache;
  private useDiskCache = true;

  constructor(root: string) {
    this.root = root;
    this.diskCache = new ParsedFileCache(join(root, 'org', 'state', 'cache', 'parse-cache.json'));
  }

  /** Load the org, or throw InvalidOrgError when it has errors and there is no last valid version. */
  loadOrThrow(): OrgLoadResult {
    const result = this.load();
    if (!result.org) throw new InvalidOrgError(result.problems);
    return result;
  }

  load(): OrgLoadResult {
    const result = this.loadOnce(true);
    if ((result.org && !result.keptLastValid) || !this.usedDiskCache) return result;
    // Something is wrong across files: parse everything afresh, so each problem has its line.
    for (const [file, cached] of this.cache) if (cached.fromDisk) this.cache.delete(file);
    return this.loadOnce(false);
  }

  private usedDiskCache = false;

  private loadOnce(useDiskCache: boolean): OrgLoadResult {
    this.usedDiskCache = false;
    this.useDiskCache = useDiskCache;
    const problems: Problem[] = [];
    const stamps = new Map<string, string>();
    const orgFile = this.readParsed(ORG_FILE, parseOrgFile, problems, stamps);
    const chart = this.readParsed(CHART_FILE, parseChartFile, problems, stamps);
    const resumes = new Map<string, ParsedResume>();
    const brokenResumes = new Set<string>();
    for (const name of this.agentFolders(problems)) {
      const file = `agents/${name}/resume.md`;
      const resume = this.readParsed(file, (text) => parseResume(text, file), problems, stamps, 'agent');
      if (resume.value) resumes.set(name, resume.value);
      else brokenResumes.add(name);
    }
    let org: Org | undefined;
    if (this.lastValid && problems.length === 0 && sameStamps(stamps, this.lastValidStamps)) {
      // Nothing changed since the last load: the same org object, so what was computed for it stays valid.
      return { org: this.lastValid, problems, reloaded: [], joined: [], left: [], keptLastValid: false };
    }
    if (orgFile.value && chart.value) {
      // Cross-check what did parse, so one run of `validate` reports every problem.
      const assembled = assembleOrg({
        root: this.root,
        orgFile: orgFile.value,
        chart: chart.value,
        chartLineOf: chart.lineOf ?? (() => undefined),
        resumes,
        brokenResumes,
      });
      problems.push(...assembled.problems);
      if (problems.every((problem) => problem.severity !== 'error')) org = assembled.org;
    }
    if (!org) {
      return { ...(this.lastValid ? { org: this.lastValid } : {}), problems, reloaded: [], joined: [], left: [], keptLastValid: !!this.lastValid };
    }
    const previous = this.lastValid;
    const reloaded = previous ? [...stamps].filter(([file, stamp]) => this.lastValidStamps.get(file) !== stamp).map(([file]) => file) : [];
    const joined = previous ? [...org.agents.keys()].filter((name) => !previous.agents.has(name)) : [];
    const left = previous ? [...previous.agents.keys()].filter((name) => !org.agents.has(name)) : [];
    this.lastValid = org;
    this.lastValidStamps = stamps;
    this.diskCache.save(stamps.keys());
    return { org, problems, reloaded, joined, left, keptLastValid: false };
  }

  private agentFolders(problems: Problem[]): string[] {
    let entries;
    try {
      entries = readdirSync(join(this.root, 'agents'), { withFileTypes: true });
    } catch {
      problems.push({ file: 'agents/', message: 'is missing; run `lemming bootstrap` to write the default org', severity: 'error' });
      return [];
    }
    const names: string[] = [];
    for (const entry of entries) {
      if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
      if (!isValidAgentName(entry.name)) {
        problems.push({ file: `agents/${entry.name}/`, message: `is not a valid agent name, so this folder is ignored; ${AGENT_NAME_HINT}`, severity: 'warning' });
        continue;
      }
      names.push(entry.name);
    }
    return names.sort();
  }

  /**
   * Read and parse one file through the cache. A missing agent resume is an error
   * naming the folder; a missing org file says how to get one.
   */
  private readParsed<T>(
    file: string,
    parse: (text: string, file: string) => Parsed<T>,
    problems: Problem[],
    stamps: Map<string, string>,
    kind: 'org' | 'agent' = 'org',
  ): Parsed<T> {
    const path = join(this.root, file);
    let stat;
    try {
      stat = statSync(path);
    } catch {
      const message =
        kind === 'agent'
          ? `is missing: every folder under agents/ needs a resume.md (front matter with title, model and credits, then instructions)`
          : 'is missing; run `lemming bootstrap` to write the default org';
      problems.push({ file, message, severity: 'error' });
      return { problems: [] };
    }
    const stamp = `${stat.mtimeMs}:${stat.size}`;
    stamps.set(file, stamp);
    const cached = this.cache.get(file) as CachedFile<T> | undefined;
    if (cached && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size) {
      this.usedDiskCache ||= cached.fromDisk;
      problems.push(...cached.parsed.problems);
      return cached.parsed;
    }
    const fromDisk = this.useDiskCache ? (this.diskCache.get(file, stamp) as T | undefined) : undefined;
    if (fromDisk !== undefined) {
      const parsed: Parsed<T> = { value: fromDisk, problems: [] };
      this.cache.set(file, { mtimeMs: stat.mtimeMs, size: stat.size, parsed, fromDisk: true });
      this.usedDiskCache = true;
      return parsed;
    }
    const parsed = parse(readFileSync(path, 'utf8'), file);
    this.cache.set(file, { mtimeMs: stat.mtimeMs, size: stat.size, parsed, fromDisk: false });
    if (parsed.value !== undefined && parsed.problems.length === 0) this.diskCache.set(file, stamp, parsed.value);
    problems.push(...parsed.problems);
    return parsed;
  }
}

function sameStamps(left: ReadonlyMap<string, string>, right: ReadonlyMap<string, string>): boolean {
  if (left.size !== right.size) return false;
  for (const [file, stamp] of left) if (right.get(file) !== stamp) return false;
  return true;
}

/** Load an org once, throwing InvalidOrgError with every problem when it cannot be used. */
export function loadOrg(root: string): { org: Org; problems: Problem[] } {
  const result = new OrgLoader(root).loadOrThrow();
  if (!result.org) throw new InvalidOrgError(result.problems);
  return { org: result.org, problems: result.problems };
}
