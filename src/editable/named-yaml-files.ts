import { readdirSync, type Dirent } from 'node:fs';
import { withExample, type Problem } from '../errors.js';
import { isValidAgentName, nameProblem } from '../org/names.js';
import { parseYamlSource, type YamlSource } from './yaml-source.js';
import { quoteName } from '../mailbox/message-text.js';

/**
 * The org's small named YAML files, one a thing (`org/lists/<name>.yaml`, `org/meetings/<name>.yaml`):
 * which there are, and how one file's problems are said. One rule for each kind of file.
 */

/** The names of the files `<name>.yaml` in `folder` whose names pass the name rule, in name order; none when the folder is missing. */
export function yamlNamesIn(folder: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(folder);
  } catch {
    return [];
  }
  return entries.flatMap((entry) => (entry.endsWith('.yaml') && isValidAgentName(entry.slice(0, -5)) ? [entry.slice(0, -5)] : [])).sort();
}

/**
 * The YAML files in `folder` (relative to `root`) that yamlNamesIn passes over, each a warning for
 * `validate`: a `.yml` file, or a name the name rule refuses (`Team.yaml`, `lemming.yaml`), with the
 * rule's own reason. Such a file is never read, so the list or meeting it holds is never used;
 * before, nothing said so. Each says the name it would be read under, when lower case gives one.
 * Folders (a meeting's transcripts) and hidden files are not YAML files of the org's; neither is any
 * other file (notes). `what` is `a mailing list`; `like` a valid name of the kind.
 */
export function unreadYamlFiles(root: string, folder: string, what: string, like: string): Problem[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(`${root}/${folder}`, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .filter((entry) => entry.isFile() && !entry.name.startsWith('.') && /\.ya?ml$/.test(entry.name))
    .map((entry) => entry.name)
    .filter((name) => !(name.endsWith('.yaml') && isValidAgentName(name.slice(0, -5))))
    .sort()
    .map((name) => {
      const base = name.replace(/\.ya?ml$/, '');
      const problem = nameProblem('agent', base);
      const lower = base.toLowerCase();
      const advice = isValidAgentName(lower) ? `: rename it ${folder}/${lower}.yaml` : `; name it like ${folder}/${like}.yaml`;
      const why = problem === undefined ? '' : `, and ${quoteName(base)} ${problem}`;
      return { file: `${folder}/${name}`, message: `is not read: ${what} is a file ${folder}/<name>.yaml${why}${advice}`, severity: 'warning' as const };
    });
}

/**
 * A collector of one file's problems: each names the file, the field (a dotted path) and its line
 * where the source has one; the first carries a valid example of the kind of file (`a valid <kind>
 * looks like`), once.
 */
export function problemsOfFile(source: YamlSource, file: string, kind: string, example: string): { found: Problem[]; problem: (field: string | undefined, message: string) => void } {
  const found: Problem[] = [];
  const problem = (field: string | undefined, message: string): void => {
    const line = source.lineOf(field === undefined ? [] : field.split('.'));
    found.push({ file, ...(field === undefined ? {} : { field }), ...(line === undefined ? {} : { line }), message: found.length === 0 ? withExample(message, kind, example) : message, severity: 'error' });
  };
  return { found, problem };
}

/**
 * The text of one such file, parsed as a map of known fields: its fields, with the collector of its
 * problems (problemsOfFile) holding any field it does not know; or its problems alone when it is not
 * YAML or not a map (`shape` says what it must be, for example "a map with `members:`").
 */
export function readFieldsOf(
  text: string,
  file: string,
  kind: string,
  example: string,
  fields: readonly string[],
  shape: string,
): { record: Record<string, unknown>; found: Problem[]; problem: (field: string | undefined, message: string) => void } | { problems: Problem[] } {
  const { source, problems } = parseYamlSource(text, file);
  if (!source) return { problems };
  const { found, problem } = problemsOfFile(source, file, kind, example);
  const value = source.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problem(undefined, `must be ${shape}`);
    return { problems: found };
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) if (!fields.includes(key)) problem(key, `unknown field ${quoteName(key)}; a ${kind} has ${fields.join(', ')}`);
  return { record, found, problem };
}
