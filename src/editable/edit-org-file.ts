import { join } from 'node:path';
import { EXIT, formatProblem, LemmingError } from '../errors.js';
import { yaml } from '../lazy-modules.js';
import { splitFrontMatter } from '../mailbox/front-matter.js';
import { writeFileAtomic } from '../storage/atomic-write.js';
import { loadEditedFile, MAX_ORG_YAML_BYTES } from './edited-file.js';
import { parseYamlSource } from './yaml-source.js';

/** A YAML mapping as an edit sees it. */
export type Fields = Record<string, unknown>;

/** Whether a value is a YAML mapping (not a list, not a scalar). */
export function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * An org file read through the one loader of editable files, as the YAML (or front matter and
 * body) an edit changes; a file that cannot be read says which, where, and why. Undefined: a
 * resume without front matter.
 */
function readForEdit(root: string, file: string, frontMatter: boolean): { value: unknown; body: string } | undefined {
  const loaded = loadEditedFile(join(root, file), file, MAX_ORG_YAML_BYTES, (text) => {
    const parts = frontMatter ? splitFrontMatter(text) : { yaml: text, body: '' };
    if (!parts) return { problems: [], parts: undefined };
    return { ...parseYamlSource(parts.yaml, file, frontMatter ? 1 : 0), parts };
  });
  if (loaded.problems.length > 0) throw new LemmingError('edit-unreadable', `${file} cannot be edited: ${loaded.problems.map(formatProblem).join('; ')}`, { exitCode: EXIT.usage });
  if (!('parts' in loaded) || !loaded.parts || !loaded.source) return undefined;
  return { value: loaded.source.value, body: loaded.parts.body };
}

/** A YAML file of the org (`org/org.yaml`, `org/chart.yaml`) as it would be after `edit`. */
export function editedYaml(root: string, file: string, edit: (value: Fields) => Fields): string {
  const value = readForEdit(root, file, false)?.value;
  return yaml().stringify(edit(isFields(value) ? value : {}));
}

/**
 * A resume as it would be after `edit` of its front matter and body; undefined for a resume
 * without front matter (which no edit can make valid by itself).
 */
export function editedResume(root: string, file: string, edit: (front: Fields, body: string) => { front: Fields; body: string }): string | undefined {
  const read = readForEdit(root, file, true);
  if (!read) return undefined;
  const edited = edit(isFields(read.value) ? read.value : {}, read.body);
  return `---\n${yaml().stringify(edited.front)}---\n${edited.body}`;
}

/** Edit a YAML file of the org in place, as a person's edit would (written whole: temporary file, then rename). */
export function editYamlFile(root: string, file: string, edit: (value: Fields) => Fields): void {
  writeFileAtomic(join(root, file), editedYaml(root, file, edit));
}

/** Edit a resume's front matter (and body) in place; a resume without front matter is left as it is. */
export function editResumeFile(root: string, file: string, edit: (front: Fields, body: string) => { front: Fields; body: string }): void {
  const text = editedResume(root, file, edit);
  if (text !== undefined) writeFileAtomic(join(root, file), text);
}
