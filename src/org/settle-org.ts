import type { Problem } from '../errors.js';
import { assembleOrg } from './assemble-org.js';
import type { Org } from './org.js';
import type { ChartFile, ParsedResume } from './parse-files.js';
import { schemas, type OrgFile } from './schema.js';

/** The line of a dotted path in a file's text, when the text is at hand. */
export type LineOf = (path: ReadonlyArray<string | number>) => number | undefined;

/** One version of an org file: its parsed value, and the stamp (mtime and size) it had when read. */
export interface Version<T> {
  stamp: string;
  value: T;
  /** Only for the version on disk now: the lines of an older one no longer match the file. */
  lineOf?: LineOf;
}

/** The versions of one file: the one on disk now (when it passed its own schema), and the one in force before. */
export interface FileVersions<T> {
  current?: Version<T>;
  last?: Version<T>;
}

/** What `settleOrg` weighs: every org file's versions. */
export interface SettleInput {
  root: string;
  /** The org's name when org.yaml has never had a valid version. */
  fallbackName: string;
  orgFile: FileVersions<OrgFile>;
  chart: FileVersions<ChartFile>;
  /** By agent name: every agent folder there is now whose resume has a version to use. */
  resumes: ReadonlyMap<string, FileVersions<ParsedResume>>;
  /** Agent folders whose resume is broken now: the chart may name them without a warning. */
  brokenResumes: ReadonlySet<string>;
}

/** The org made of each file's best usable version. */
export interface Settled {
  org: Org;
  /** The version in force of each file, by path relative to the root; a stand-in has none. */
  inForce: Map<string, Version<unknown>>;
  /** Errors found when checking the files on disk against each other, and warnings about the org in force. */
  problems: Problem[];
  /** org.yaml or the chart when it has never had a valid version: an empty stand-in takes its place. */
  standIns: string[];
}

const ORG = 'org/org.yaml';
const CHART = 'org/chart.yaml';
const resumeFile = (name: string): string => `agents/${name}/resume.md`;

type Pick = 'current' | 'last' | 'none';

/**
 * Each file's last valid version stands on its own: take every file's newest version, and
 * while the files disagree, put back the earlier version of a file the errors name (a
 * resume with no earlier version stays out), then of every edited file, until they agree.
 * So a broken chart does not hold back a valid resume, and a valid edit applies while
 * another file is broken. Pure.
 */
export function settleOrg(input: SettleInput): Settled {
  const versions = new Map<string, FileVersions<unknown>>([
    [ORG, input.orgFile],
    [CHART, input.chart],
  ]);
  // Each resume's path made once: every round of assembling looks each one up.
  // forEach, not for…of: no pair made per agent.
  const resumeFiles: Array<[string, string]> = [];
  input.resumes.forEach((resume, name) => {
    const file = resumeFile(name);
    resumeFiles.push([name, file]);
    versions.set(file, resume);
  });
  const pick = new Map<string, Pick>();
  versions.forEach((version, file) => pick.set(file, version.current ? 'current' : version.last ? 'last' : 'none'));
  const versionOf = <T>(file: string): Version<T> | undefined => {
    const choice = pick.get(file);
    const version = versions.get(file) as FileVersions<T> | undefined;
    return choice === 'current' ? version?.current : choice === 'last' ? version?.last : undefined;
  };
  const canGoBack = (file: string): boolean => {
    const version = versions.get(file);
    return pick.get(file) === 'current' && version?.last !== undefined && version.last.stamp !== version.current?.stamp;
  };

  let firstErrors: Problem[] | undefined;
  // Each round puts back or leaves out at least one file, so this ends; the bound is a guard.
  for (let round = 0; round <= versions.size + 2; round += 1) {
    const assembled = assemble(input, resumeFiles, versionOf);
    const errors = assembled.problems.filter((problem) => problem.severity === 'error');
    firstErrors ??= errors;
    if (errors.length === 0 && assembled.org) {
      const inForce = new Map<string, Version<unknown>>();
      for (const file of versions.keys()) {
        const version = versionOf<unknown>(file);
        if (version) inForce.set(file, version);
      }
      const warnings = assembled.problems.filter((problem) => problem.severity === 'warning');
      return { org: assembled.org, inForce, problems: [...firstErrors, ...warnings], standIns: assembled.standIns };
    }
    const named = [...new Set(errors.map((problem) => problem.file))].filter((file) => pick.has(file));
    // The files the errors name go back to their last valid version, or stay out when they never had one
    // (a new agent); when the named files are as they were, an edit elsewhere (org.yaml dropping a model)
    // is what disagrees, so every edited file goes back; a named file that still disagrees stays out.
    const steps: Array<[(file: string) => boolean, Pick]> = [
      [canGoBack, 'last'],
      [(file) => pick.get(file) === 'current' && versions.get(file)?.last === undefined, 'none'],
    ];
    let changed = false;
    for (const [applies, to] of steps) {
      for (const file of named.filter(applies)) {
        pick.set(file, to);
        changed = true;
      }
      if (changed) break;
    }
    if (!changed) {
      for (const file of [...pick.keys()].filter(canGoBack)) {
        pick.set(file, 'last');
        changed = true;
      }
    }
    if (!changed) {
      for (const file of named) {
        if (pick.get(file) === 'none') continue;
        pick.set(file, 'none');
        changed = true;
      }
    }
    if (!changed) break;
  }
  throw new Error('the org files could not be settled: a file named by its errors cannot be left out');
}

function assemble(
  input: SettleInput,
  resumeFiles: ReadonlyArray<readonly [string, string]>,
  versionOf: <T>(file: string) => Version<T> | undefined,
): { org?: Org; problems: Problem[]; standIns: string[] } {
  const orgFile = versionOf<OrgFile>(ORG);
  const chart = versionOf<ChartFile>(CHART);
  const resumes = new Map<string, ParsedResume>();
  const left = new Set<string>();
  for (const [name, file] of resumeFiles) {
    const resume = versionOf<ParsedResume>(file);
    if (resume) resumes.set(name, resume.value);
    else left.add(name);
  }
  for (const name of input.brokenResumes) if (!resumes.has(name)) left.add(name);
  const standIns = [...(orgFile ? [] : [ORG]), ...(chart ? [] : [CHART])];
  const assembled = assembleOrg({
    root: input.root,
    orgFile: orgFile?.value ?? {
      name: input.fallbackName,
      engine: schemas().engineSettingsSchema.parse({}),
      models: {},
      mcp_servers: {},
      needs_approval: [],
      command_tools: {},
      web: schemas().webSettingsSchema.parse({}),
      notify: [],
      history: { keep: false },
      outside_seats: [],
      memory: { keep: false, budget_tokens: 800, reflect: { every: 20, importance: 100 }, weights: { recency: 0.5, relevance: 3, importance: 2 }, importance: 'rule' },
    },
    orgLineOf: orgFile?.lineOf ?? (() => undefined),
    chart: chart?.value ?? { agents: {} },
    chartLineOf: chart?.lineOf ?? (() => undefined),
    resumes,
    // A resume left out for its errors (a misspelt model, with no valid version to fall back on) is still
    // there: its errors are said on its own file, and the chart is not told the agent does not exist.
    brokenResumes: left,
    checkModels: orgFile !== undefined,
    chartUsable: chart !== undefined,
  });
  return { ...assembled, standIns };
}
