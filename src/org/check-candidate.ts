import { join } from 'node:path';
import { editedReadAhead, MAX_EDITED_MARKDOWN_BYTES, MAX_ORG_YAML_BYTES, parseEdited, readEditedFileAndStat, type EditedRead } from '../editable/edited-file.js';
import { FolderReads } from '../storage/folder-reads.js';
import { folderProblems } from './agent-folder-listing.js';
import type { Problem } from '../errors.js';
import { assembleOrg, OrgAssembly, orgNeedsCommandChecks, type OrgFrame } from './assemble-org.js';
import { CHART_FILE, ORG_FILE } from './names.js';
import type { Org } from './org.js';
import { PARSE_CACHE_FILE, ParsedFileCache } from './parsed-file-cache.js';
import { parseChartFile, parseOrgFile, parseResume, type ChartFile, type Parsed, type ParsedResume } from './parse-files.js';
import type { OrgFile } from './schema.js';
import { agentFoldersOf } from './settled-org-cache.js';

/**
 * The org's files as a change would leave them: by path relative to the root, the new text of a
 * file, or null for a resume the change removes (an agent that leaves).
 */
export type FileChanges = ReadonlyMap<string, string | null>;

const RESUME_PATH = /^agents\/([^/]+)\/resume\.md$/;

/**
 * What is wrong with the org as it would be after `changes`, checked by the very parsers and
 * cross-checks `lemming validate` and every engine start use (each file's schema, then
 * assembleOrg), without writing anything. Only errors are returned: a change that leaves the org
 * with one must not be made, since no engine would start on it. Unchanged files come from the
 * parse cache when their text is the same, so a large org is read, not parsed, again.
 */
export function candidateProblems(root: string, changes: FileChanges): Problem[] {
  return candidateOrg(root, changes).problems;
}

/**
 * The org as it would be after `changes`, assembled by the same code (see candidateProblems), with
 * its errors; the org is absent when org.yaml or the chart would not parse. The checks of the org's
 * other files (lists, meetings, routing) are made against it.
 */
export function candidateOrg(root: string, changes: FileChanges): { org?: Org; problems: Problem[] } {
  const { org, problems } = orgOfFiles(root, changes);
  const errors = problems.filter((problem) => problem.severity === 'error');
  return org ? { org, problems: errors } : { problems: errors };
}

/**
 * The org its files make, with `changes` over them: each file through the one gate of editable files
 * and its own parser (an unchanged file's value from the parse cache when its text is the same), the
 * listing of `agents/` and the resumes read on two cores past a few thousand (storage/look-ahead.ts,
 * FolderReads), then assembleOrg. Every
 * problem, errors and warnings, in the order the whole load (load-org.ts) finds them: org.yaml, the
 * chart, the listing of `agents/`, the resumes, then the checks across files. The org is absent when
 * org.yaml or the chart does not parse, or the files disagree. `trust: false` (a read again when the
 * root or `agents/` moved while the thread trusted its listing) asks each resume's descriptor where it lies.
 */
export function orgOfFiles(root: string, changes: FileChanges, trust = true): { org?: Org; problems: Problem[] } {
  const cache = new ParsedFileCache(join(root, PARSE_CACHE_FILE));
  const problems: Problem[] = [];
  const parse = <T>(file: string, parser: (text: string, file: string) => Parsed<T>, readAhead?: EditedRead): Parsed<T> => {
    // No change asked (a command that reads): no look-up of each of 100,000 paths in an empty map.
    const changed = changes.size === 0 ? undefined : changes.get(file);
    let text: string;
    if (changed !== undefined && changed !== null) text = changed;
    else {
      // The one gate of editable files: too large, not text or not a file is this file's error, never a throw.
      const { read } = readAhead ?? readEditedFileAndStat(join(root, file), file, file.startsWith('agents/') ? MAX_EDITED_MARKDOWN_BYTES : MAX_ORG_YAML_BYTES, root);
      if (!('text' in read)) {
        problems.push('problem' in read ? read.problem : { file, message: 'is missing', severity: 'error' });
        return { problems: [] };
      }
      text = read.text;
    }
    if (changed === undefined) {
      const kept = cache.getByContent(file, text) as T | undefined;
      if (kept !== undefined) return { value: kept, problems: [] };
    }
    const parsed = parseEdited(file, () => parser(text, file)) as Parsed<T>;
    problems.push(...parsed.problems);
    return parsed;
  };

  // The changes' resumes: at 100,000 agents with none asked (a command that reads), no path looked up in an empty map.
  const changedNames = [...changes.keys()].flatMap((file) => RESUME_PATH.exec(file)?.[1] ?? []);
  // `agents/` listed and its resumes read by the thread past a few thousand folders, while org.yaml and the chart are parsed here.
  const reads = FolderReads.of(`${root}/agents`, '/resume.md', MAX_EDITED_MARKDOWN_BYTES, root, trust);
  // Each valid resume and its agent's name, in name order: made a map only when the assembly as parsed is not
  // taken (at 100,000 agents, a map of every resume was some 5% of a cold `status`, for nothing when it is).
  const parsedNames: string[] = [];
  const parsedResumes: ParsedResume[] = [];
  // The org assembled as its resumes are parsed, on the listing's word that each folder has a valid resume (see below).
  let ahead: OrgAssembly | undefined;
  let held = true;
  let orgFile: Parsed<OrgFile>;
  let chart: Parsed<ChartFile>;
  try {
    orgFile = parse<OrgFile>(ORG_FILE, parseOrgFile);
    chart = parse<ChartFile>(CHART_FILE, parseChartFile);
    const listed = reads.names();
    const folders = listed && agentFoldersOf(listed);
    problems.push(...folderProblems(folders));
    // The listing as it is (sorted) when no change adds or removes an agent: at 100,000 agents, no set of them made and sorted again.
    const sorted = changedNames.length === 0 ? (folders?.names ?? []) : candidateNames(folders?.names ?? [], changes);
    const all = listed ?? [];
    // The org assembled agent by agent while the thread still reads (100,000 agents: some 0.2 s that ran alone after the
    // last read), as if each listed folder had a valid resume; taken only when every one had (after the loop), else
    // assembled again from what was parsed. No change asked: a change adds or removes agents the listing does not show.
    if (orgFile.value && chart.value && changedNames.length === 0) {
      ahead = new OrgAssembly(frameOf(root, orgFile, chart), sorted, orgNeedsCommandChecks(orgFile.value));
    }
    // Where each name is in the thread's listing (every folder, the ignored ones too): both are sorted, so one walk.
    let at = 0;
    for (const name of sorted) {
      const file = `agents/${name}/resume.md`;
      let readAhead: EditedRead | undefined;
      if (changedNames.length === 0 || !changes.has(file)) {
        while (at < all.length && (all[at] as string) < name) at += 1;
        if (all[at] === name) readAhead = editedReadAhead(reads.get(at++), file);
      }
      const parsed = parse<ParsedResume>(file, parseResume, readAhead);
      if (parsed.value) {
        parsedNames.push(name);
        parsedResumes.push(parsed.value);
        ahead?.add(name, parsed.value);
      } else ahead = undefined;
    }
    // A folder with no resume (or none the listing gave): the assembly's word on which agents exist was wrong.
    if (parsedNames.length !== sorted.length || ahead?.missedCommandChecks) ahead = undefined;
  } finally {
    held = reads.done();
  }
  // The root or agents/ moved while the thread trusted its listing: read again, each file asked where it lies.
  if (!held) return orgOfFiles(root, changes, false);
  if (!orgFile.value || !chart.value) return { problems };
  const assembled = ahead ? ahead.finish() : assembleOrg({ ...frameOf(root, orgFile, chart), resumes: new Map(parsedNames.map((name, at) => [name, parsedResumes[at] as ParsedResume])) });
  problems.push(...assembled.problems);
  return assembled.org ? { org: assembled.org, problems } : { problems };
}

/** org.yaml and the chart as the assembly takes them (both parsed). */
function frameOf(root: string, orgFile: Parsed<OrgFile>, chart: Parsed<ChartFile>): OrgFrame {
  return { root, orgFile: orgFile.value as OrgFile, orgLineOf: orgFile.lineOf ?? (() => undefined), chart: chart.value as ChartFile, chartLineOf: chart.lineOf ?? (() => undefined) };
}

/** The agents the listing and `changes` leave: a resume given is an agent, one removed (null) is none. Sorted. */
function candidateNames(listed: readonly string[], changes: FileChanges): string[] {
  const names = new Set(listed);
  for (const [file, text] of changes) {
    const name = RESUME_PATH.exec(file)?.[1];
    if (name === undefined) continue;
    if (text === null) names.delete(name);
    else names.add(name);
  }
  return [...names].sort();
}
