import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { sendAsHuman } from '../engine/human/send-as-human.js';
import { EXIT, formatProblem, InvalidOrgError, LemmingError, type Problem } from '../errors.js';
import { bootstrapOrg } from '../org/bootstrap-org.js';
import { loadOrg } from '../org/load-org-once.js';
import { requireOrgFolder } from '../org/org-folder.js';
import { writeFileAtomic } from '../storage/atomic-write.js';
import { marbleOrg, marbleOrgName, type Renamed } from './marble-org.js';
import { parseMarbleRow, type MarbleRow } from './marble-row.js';

/** Which rows to import: the one on a line of the file, every row, or (neither) the file's only row. */
export interface MarbleSelection {
  row?: number;
  all?: boolean;
}

/** One row imported. */
export interface ImportedRow {
  line: number;
  scenario: string;
  taskId: string;
  mode: string;
  root: string;
  agents: number;
  renamed: Renamed[];
  /** The experiment file's variants, the row's own mode first. */
  variants: string[];
}

/** A MARBLE file is a few MB (research_main.jsonl: 1.8 MB); far past that is not one. */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

/** The file's rows, by line (blank lines are no rows), read and checked; every problem of the wanted rows at once. */
function readRows(file: string, selection: MarbleSelection): MarbleRow[] {
  if (selection.all && selection.row !== undefined) throw new LemmingError('usage', '--row and --all: pass one of them (--row N for the row on line N, --all for every row)', { exitCode: EXIT.usage });
  if (!existsSync(file) || !statSync(file).isFile()) throw new LemmingError('marble-missing', `${file}: there is no such file; import-marble reads a MultiAgentBench JSONL file (one task a line)`, { exitCode: EXIT.usage });
  if (statSync(file).size > MAX_FILE_BYTES) throw new LemmingError('marble-invalid', `${file}: is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB; a MultiAgentBench task file is a few MB`, { exitCode: EXIT.usage });
  const lines = readFileSync(file, 'utf8').split('\n');
  const rows = lines.flatMap((text, index) => (text.trim() === '' ? [] : [{ text, line: index + 1 }]));
  if (rows.length === 0) throw new LemmingError('marble-invalid', `${file}: holds no row; a MultiAgentBench task file holds one JSON object a line`, { exitCode: EXIT.usage });
  let wanted = rows;
  if (selection.row !== undefined) {
    wanted = rows.filter((row) => row.line === selection.row);
    if (wanted.length === 0) throw new LemmingError('marble-invalid', `${file}: line ${selection.row} holds no row; --row takes the line of a row: ${rows.slice(0, 10).map((row) => row.line).join(', ')}${rows.length > 10 ? ', …' : ''}`, { exitCode: EXIT.usage });
  } else if (!selection.all && rows.length > 1) {
    throw new LemmingError('marble-invalid', `${file}: holds ${rows.length} rows; pass --row N (the line of one, from ${rows[0]?.line}) or --all (a folder per row)`, { exitCode: EXIT.usage });
  }
  const problems: Problem[] = [];
  const parsed: MarbleRow[] = [];
  for (const { text, line } of wanted) {
    const result = parseMarbleRow(text, file, line);
    problems.push(...result.problems);
    if (result.row) parsed.push(result.row);
  }
  if (problems.length > 0) throw new LemmingError('marble-invalid', problems.map(formatProblem).join('\n'), { exitCode: EXIT.usage });
  return parsed;
}

/** Write one row's org at `root` (new or empty), its folders made as bootstrap makes them, then send the task as the human. */
function writeRow(row: MarbleRow, root: string, source: string): ImportedRow {
  const made = marbleOrg(row, source);
  for (const [path, content] of made.files) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileAtomic(join(root, path), content);
  }
  bootstrapOrg(root, root);
  let loaded: ReturnType<typeof loadOrg>;
  try {
    loaded = loadOrg(root);
  } catch (error) {
    if (!(error instanceof InvalidOrgError)) throw error;
    // A row that passed its checks but makes an invalid org is lemming's mistake, said with the row.
    throw new LemmingError('marble-invalid', `${source}:${row.line}: the org made from this row is invalid: ${error.problems.map(formatProblem).join('; ')}`, { exitCode: EXIT.failed });
  }
  sendAsHuman(root, loaded.org, made.message);
  return { line: row.line, scenario: row.scenario, taskId: row.taskId, mode: row.mode, root, agents: row.agents.length, renamed: made.renamed, variants: made.variants };
}

/** A folder `import-marble` may write an org into: missing or empty (it never writes over an org, nor into a person's folder). */
function requireNewFolder(root: string): void {
  requireOrgFolder(root, 'import-marble');
  if (existsSync(root) && readdirSync(root).length > 0) {
    throw new LemmingError('org-exists', `${root}: is not empty; import-marble writes a new org: pass --root DIR with a new or empty folder`, { exitCode: EXIT.usage });
  }
}

/**
 * `lemming import-marble FILE --root DIR`: MultiAgentBench task rows as orgs. One row (`--row N`,
 * or the file's only row) becomes the org at DIR; `--all` makes DIR a folder of orgs, one per
 * row, named `marble-<scenario>-<task_id>`. Every wanted row is checked before anything is
 * written, and each problem names the file, the line and the field.
 */
export function importMarble(file: string, root: string, selection: MarbleSelection): ImportedRow[] {
  const rows = readRows(file, selection);
  const source = basename(file);
  if (!selection.all) {
    requireNewFolder(root);
    return [writeRow(rows[0] as MarbleRow, resolve(root), source)];
  }
  requireNewFolder(root);
  const used = new Set<string>();
  const targets = rows.map((row) => {
    let name = marbleOrgName(row);
    // Two rows of one scenario and task id (two files joined): the later one gets its line.
    if (used.has(name)) name = `${name}-line-${row.line}`;
    used.add(name);
    return { row, root: resolve(root, name) };
  });
  return targets.map((target) => writeRow(target.row, target.root, source));
}
