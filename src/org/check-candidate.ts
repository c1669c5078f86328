import { join } from 'node:path';
import { MAX_EDITED_MARKDOWN_BYTES, MAX_ORG_YAML_BYTES, parseEdited, readEditedFile } from '../editable/edited-file.js';
import type { Problem } from '../errors.js';
import { assembleOrg } from './assemble-org.js';
import { CHART_FILE, ORG_FILE } from './names.js';
import type { Org } from './org.js';
import { ParsedFileCache } from './parsed-file-cache.js';
import { parseChartFile, parseOrgFile, parseResume, type ChartFile, type Parsed, type ParsedResume } from './parse-files.js';
import type { OrgFile } from './schema.js';
import { agentFolders } from './settled-org-cache.js';

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
  const cache = new ParsedFileCache(join(root, 'org', 'state', 'cache', 'parse-cache.json'));
  const problems: Problem[] = [];
  const parse = <T>(file: string, parser: (text: string, file: string) => Parsed<T>): Parsed<T> => {
    const changed = changes.get(file);
    let text: string;
    if (changed !== undefined && changed !== null) text = changed;
    else {
      // The one gate of editable files: too large, not text or not a file is this file's error, never a throw.
      const read = readEditedFile(join(root, file), file, file.startsWith('agents/') ? MAX_EDITED_MARKDOWN_BYTES : MAX_ORG_YAML_BYTES, root);
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

  const orgFile = parse<OrgFile>(ORG_FILE, parseOrgFile);
  const chart = parse<ChartFile>(CHART_FILE, parseChartFile);
  const names = new Set(agentFolders(root)?.names ?? []);
  for (const [file, text] of changes) {
    const name = RESUME_PATH.exec(file)?.[1];
    if (name === undefined) continue;
    if (text === null) names.delete(name);
    else names.add(name);
  }
  const resumes = new Map<string, ParsedResume>();
  for (const name of [...names].sort()) {
    const parsed = parse<ParsedResume>(`agents/${name}/resume.md`, parseResume);
    if (parsed.value) resumes.set(name, parsed.value);
  }
  if (!orgFile.value || !chart.value) return { problems: problems.filter((problem) => problem.severity === 'error') };
  const assembled = assembleOrg({ root, orgFile: orgFile.value, chart: chart.value, chartLineOf: chart.lineOf ?? (() => undefined), resumes });
  const errors = [...problems, ...assembled.problems].filter((problem) => problem.severity === 'error');
  return assembled.org ? { org: assembled.org, problems: errors } : { problems: errors };
}
