import { createHash } from 'node:crypto';
import { linkSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { LemmingError } from '../../errors.js';
import type { ToolDefinition } from '../../providers/provider.js';
import { writeFileAtomic } from '../../storage/atomic-write.js';
import { readOwnFile } from '../../storage/read-own-file.js';
import { classified } from '../../storage/storage-error.js';
import { temporaryPathFor } from '../../storage/temporary-files.js';

/**
 * A piece of many call traces kept once: a piece of the system prompt that many prompts hold (the
 * org's list of everyone, the closing instructions) or the tools offered. Named by a digest of its
 * bytes, so equal content is one file and a file changed by hand no longer matches its name.
 */
export interface TracePart {
  /** `<digest>.txt` (text) or `<digest>.json` (the tools, as JSON). */
  name: string;
  bytes: Buffer;
  /** How a trace refers to it: `parts/<name>`, relative to the trace. One object, shared by every trace's JSON. */
  reference: { readonly file: string };
}

/** The folder beside an agent's traces that holds the parts they refer to, as `parts/<name>`. */
export const PARTS_FOLDER = 'parts';

const PART_NAME = /^([0-9a-f]{32})\.(txt|json)$/;

function digestOf(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 32);
}

function partOf(bytes: Buffer, extension: 'txt' | 'json'): TracePart {
  const name = `${digestOf(bytes)}.${extension}`;
  return { name, bytes, reference: { file: `${PARTS_FOLDER}/${name}` } };
}

/** Texts made parts, by content: the same few pieces serve every trace of a turn, so each is digested once. */
const textParts = new Map<string, TracePart>();

/** A piece of a prompt as a part. */
export function textPart(text: string): TracePart {
  let part = textParts.get(text);
  if (!part) {
    part = partOf(Buffer.from(text), 'txt');
    // Pieces change only with the org's files; a long run that changes them often starts afresh.
    if (textParts.size >= 1_000) textParts.clear();
    textParts.set(text, part);
  }
  return part;
}

/** The tools offered, by array: an agent's built-in tools are one array per resume list (turn/tools.ts). */
const toolParts = new WeakMap<readonly ToolDefinition[], TracePart>();

/** The tools offered as a part: JSON, as the trace would have held them. */
export function toolsPart(tools: readonly ToolDefinition[]): TracePart {
  let part = toolParts.get(tools);
  if (!part) {
    part = partOf(Buffer.from(JSON.stringify(tools, null, 2)), 'json');
    toolParts.set(tools, part);
  }
  return part;
}

/** By part name, a file this run has placed that holds its bytes, so the next agent's copy is a link, not a write. */
export type PartSources = Map<string, string>;

/**
 * Make sure an agent's `parts/` folder holds `part`. Once per agent and part in a run: whatever
 * is there under its name is replaced (a part left half-written by a crash, or edited by hand, is
 * made right again for the traces that refer to it), by a hard link to a copy this process already
 * placed when there is one, so N agents' folders share one file's bytes, else by writing it. Put in
 * place by a rename from a temporary of its own (storage/temporary-files.ts), so a trace read
 * meanwhile finds the part whole and a crash leaves only a temporary the next start sweeps.
 */
export function placePart(partsFolder: string, part: TracePart, sources: PartSources): void {
  const file = join(partsFolder, part.name);
  if (!linkedInto(sources.get(part.name), partsFolder, file)) writeFileAtomic(file, part.bytes);
  if (sources.size > 64) sources.clear();
  sources.set(part.name, file);
}

/**
 * Put a hard link to `source` at `file`, by a temporary and a rename: two system calls in the common
 * case, for every agent in a run's first turn. False when there is no source or the file system says
 * no (pruned, no links, too many): the part is then written.
 */
function linkedInto(source: string | undefined, folder: string, file: string): boolean {
  if (source === undefined) return false;
  const temporary = temporaryPathFor(file);
  if (!linked(source, temporary)) {
    // The folder may be missing: an agent's first trace of the run.
    try {
      mkdirSync(folder, { recursive: true });
    } catch (error) {
      throw classified(error, file);
    }
    if (!linked(source, temporary)) return false;
  }
  try {
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw classified(error, file);
  }
  return true;
}

/** A hard link to `source` at `file`; false when the file system says no. */
function linked(source: string, file: string): boolean {
  try {
    linkSync(source, file);
    return true;
  } catch {
    return false;
  }
}

/** Remove a part no kept trace refers to any more (by `remove`, so after the trace files handed over before it). */
export function removePart(partsFolder: string, name: string, sources: PartSources, remove: (file: string) => void): void {
  const file = join(partsFolder, name);
  if (sources.get(name) === file) sources.delete(name);
  remove(file);
}

/** Whether a file in `parts/` is named as a part is. */
export function isPartName(name: string): boolean {
  return PART_NAME.test(name);
}

/**
 * A part's content, read from the traces folder it is referred to from, checked against its name.
 * Throws a LemmingError naming the file (relative to the org root) when it is missing or changed.
 */
export function readPart(root: string, tracesFolder: string, reference: string, traceFile: string): string {
  const match = reference.startsWith(`${PARTS_FOLDER}/`) ? PART_NAME.exec(reference.slice(PARTS_FOLDER.length + 1)) : null;
  const shown = relative(root, join(tracesFolder, reference));
  const trace = relative(root, traceFile);
  if (!match) throw new LemmingError('unreadable', `${trace} refers to ${JSON.stringify(reference)}, which is not a part file (parts/<32 hex digits>.txt or .json)`);
  const read = readOwnFile(join(tracesFolder, reference));
  if (!('bytes' in read)) {
    throw new LemmingError('unreadable', `${shown} ${'absent' in read ? 'is missing' : read.problem}: ${trace} refers to it for a part of the prompt, so that trace cannot be shown`);
  }
  const bytes = read.bytes;
  if (digestOf(bytes) !== match[1]) {
    throw new LemmingError('unreadable', `${shown} was changed after ${trace} was written (its content no longer matches the digest in its name), so that trace cannot be shown as the model saw it`);
  }
  return bytes.toString('utf8');
}
