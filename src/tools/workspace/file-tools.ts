import { lstatSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { writeFileAtomic } from '../../storage/atomic-write.js';
import { throwIfStorageFailure } from '../../storage/storage-error.js';
import { isTemporaryName, TEMPORARY_NAME_SHAPE } from '../../storage/temporary-files.js';
import { readRegularFile } from '../../mailbox/read-regular-file.js';
import type { Agent } from '../../org/org.js';
import { toolError, toolOk, type ToolResult } from '../tool-result.js';
import { resolveWorkspacePath, type WorkspacePath } from './workspace-path.js';

/** Caps on what one call may read, write, list or search; each result says when it hit one. */
export const FILE_LIMITS = {
  readBytes: 100_000,
  /** How far into a file a read of a range of lines may look for it. */
  rangeBytes: 10_000_000,
  writeChars: 1_000_000,
  listEntries: 200,
  searchMatches: 50,
  /** Files larger than this are skipped by a search, and the result says how many were. */
  searchFileBytes: 1_000_000,
  /** Files a search opens at most. */
  searchFiles: 2_000,
};

/** Where a file tool runs: the org root and the agent calling it. */
export interface FileToolContext {
  root: string;
  agent: Agent;
}

/** The outcome of a write, for the engine's log: which file, how large. */
export interface WrittenFile {
  path: string;
  bytes: number;
}

function resolved(context: FileToolContext, path: unknown, access: 'read' | 'write'): WorkspacePath | ToolResult {
  if (typeof path !== 'string' || path.trim() === '') return toolError('path: expected a path like "notes.md" or "shared/plan.md"');
  const place = resolveWorkspacePath(context.root, context.agent, path, access);
  return 'error' in place ? toolError(place.error) : place;
}

/** A line number a model gave: a whole number of 1 or more, or undefined when it gave none. */
function lineNumber(value: unknown, name: string): number | undefined | { error: string } {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) return { error: `${name}: expected a line number of 1 or more, for example 120` };
  return value;
}

/**
 * read_file: a text file from the agent's workspace or the shared one, whole or a range of its
 * lines, cut at the read cap; a cut read says which lines it holds and how to read on.
 */
export function readFileTool(context: FileToolContext, path: unknown, lines: { start?: unknown; end?: unknown } = {}): ToolResult {
  const place = resolved(context, path, 'read');
  if ('isError' in place) return place;
  const start = lineNumber(lines.start, 'start_line');
  const end = lineNumber(lines.end, 'end_line');
  if (typeof start === 'object') return toolError(start.error);
  if (typeof end === 'object') return toolError(end.error);
  if (start !== undefined && end !== undefined && end < start) return toolError(`end_line ${end} is before start_line ${start}`);
  const stat = lstatSync(place.absolute, { throwIfNoEntry: false });
  if (!stat) return toolError(`${place.display} does not exist; list_files shows what there is`);
  if (stat.isDirectory()) return toolError(`${place.display} is a folder; use list_files`);
  const ranged = start !== undefined || end !== undefined;
  const read = readRegularFile(place.absolute, ranged ? FILE_LIMITS.rangeBytes : FILE_LIMITS.readBytes);
  if ('error' in read) return toolError(`${place.display} ${read.error}`);
  if (!ranged) {
    if (!read.truncated) return toolOk(read.text);
    const lineEnd = read.text.lastIndexOf('\n');
    // A first line longer than the cap: what fits is shown, and there is no line to read on from.
    if (lineEnd < 0) return toolOk(`${read.text}\n[lemming: the file is ${stat.size} bytes; only the first ${FILE_LIMITS.readBytes} are shown]`);
    const whole = read.text.slice(0, lineEnd + 1);
    const shown = whole.match(/\n/g)?.length ?? 0;
    return toolOk(
      `${whole}[lemming: the file is ${stat.size} bytes; only lines 1-${shown} are shown (a read shows at most ${FILE_LIMITS.readBytes} bytes); read on with read_file ${JSON.stringify({ path: place.display, start_line: shown + 1 })}]`,
    );
  }
  return toolOk(lineRange(read.text, place.display, start ?? 1, end, read.truncated));
}

/** Lines `start` to `end` of a file's text, cut at the read cap, with a note saying which lines these are of how many. */
function lineRange(text: string, display: string, start: number, end: number | undefined, truncated: boolean): string {
  const all = text.split('\n');
  if (all.at(-1) === '') all.pop();
  const total = truncated ? `at least ${all.length}` : String(all.length);
  if (start > all.length) return `[lemming: ${display} has ${total} line(s); there is no line ${start}]`;
  const picked: string[] = [];
  let size = 0;
  let last = start - 1;
  for (let index = start - 1; index < Math.min(all.length, end ?? all.length); index += 1) {
    const line = all[index] ?? '';
    if (size + line.length + 1 > FILE_LIMITS.readBytes && picked.length > 0) break;
    picked.push(line);
    size += line.length + 1;
    last = index + 1;
  }
  const more = last < Math.min(all.length, end ?? all.length) ? `; read on with read_file ${JSON.stringify({ path: display, start_line: last + 1, ...(end === undefined ? {} : { end_line: end }) })}` : '';
  return `${picked.join('\n')}\n[lemming: lines ${start}-${last} of ${total} of ${display}${more}]`;
}

/**
 * write_file: replace (or create) a file atomically, making folders as needed. A
 * link or anything but a regular file at the path is refused rather than written through,
 * and so is a name shaped like lemming's temporaries (a start-up sweep would remove it).
 */
export function writeFileTool(context: FileToolContext, path: unknown, content: unknown): { result: ToolResult; written?: WrittenFile } {
  const place = resolved(context, path, 'write');
  if ('isError' in place) return { result: place };
  if (typeof content !== 'string') return { result: toolError('content: expected the file\'s text') };
  if (content.length > FILE_LIMITS.writeChars) {
    return { result: toolError(`content is ${content.length} characters; a file written in one call is capped at ${FILE_LIMITS.writeChars}`) };
  }
  if (place.display === '.' || place.display === 'shared') return { result: toolError('give a file name, like "notes.md"') };
  if (isTemporaryName(basename(place.absolute))) {
    return { result: toolError(`${place.display}: names shaped like ${TEMPORARY_NAME_SHAPE} are lemming's own temporary files; choose another name`) };
  }
  const stat = lstatSync(place.absolute, { throwIfNoEntry: false });
  if (stat && !stat.isFile()) {
    const kind = stat.isSymbolicLink() ? 'a symbolic link' : stat.isDirectory() ? 'a folder' : 'not a regular file';
    return { result: toolError(`${place.display} is ${kind}; only regular files are written`) };
  }
  try {
    writeFileAtomic(place.absolute, content);
  } catch (error) {
    // A full or read-only disk is not the model's to hear of (it would take the work as done): it stops the run.
    throwIfStorageFailure(error);
    return { result: toolError(`${place.display} could not be written (${(error as NodeJS.ErrnoException).code ?? 'error'})`) };
  }
  const bytes = Buffer.byteLength(content);
  return { result: toolOk(`wrote ${bytes} bytes to ${place.display}`), written: { path: place.fromRoot, bytes } };
}

interface Entry {
  path: string;
  absolute: string;
  kind: 'file' | 'folder';
  size: number;
}

/**
 * Walk a folder without following links, skipping lemming's temporary files, in name order, up to `limit`
 * entries. The folder asked for must be readable (its error is the tool's result); a folder below
 * it that cannot be read is counted in `unreadable`, so no listing claims to be whole when it is not.
 */
function walk(absolute: string, display: string, recursive: boolean, limit: number): { entries: Entry[]; more: boolean; unreadable: string[] } {
  const entries: Entry[] = [];
  const unreadable: string[] = [];
  const queue: Array<[string, string]> = [[absolute, display]];
  while (queue.length > 0) {
    const [folder, name] = queue.shift() as [string, string];
    let children: string[];
    try {
      children = readdirSync(folder).sort();
    } catch (error) {
      if (folder === absolute) throw error;
      unreadable.push(`${name} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
      continue;
    }
    for (const child of children) {
      if (isTemporaryName(child)) continue;
      const childAbsolute = join(folder, child);
      const stat = lstatSync(childAbsolute, { throwIfNoEntry: false });
      if (!stat || (!stat.isFile() && !stat.isDirectory())) continue;
      if (entries.length >= limit) return { entries, more: true, unreadable };
      const path = name === '.' ? child : `${name}/${child}`;
      entries.push({ path, absolute: childAbsolute, kind: stat.isDirectory() ? 'folder' : 'file', size: stat.size });
      if (recursive && stat.isDirectory()) queue.push([childAbsolute, path]);
    }
  }
  return { entries, more: false, unreadable };
}

/** The line that says which folders a listing or a search could not look into. */
function unreadableNote(unreadable: readonly string[]): string[] {
  if (unreadable.length === 0) return [];
  const shown = unreadable.slice(0, 5).join(', ');
  return [`[lemming: ${unreadable.length} folder(s) could not be read and are not included: ${shown}${unreadable.length > 5 ? ', …' : ''}]`];
}

/** list_files: files and folders under a path (default: the agent's workspace), capped. */
export function listFilesTool(context: FileToolContext, path: unknown, recursive: unknown): ToolResult {
  const place = resolved(context, path ?? '.', 'read');
  if ('isError' in place) return place;
  const stat = lstatSync(place.absolute, { throwIfNoEntry: false });
  if (!stat) return toolOk(place.display === '.' ? 'your workspace is empty' : `${place.display} is empty or does not exist yet`);
  if (!stat.isDirectory()) return toolError(`${place.display} is not a folder`);
  const { entries, more, unreadable } = walk(place.absolute, place.display, recursive !== false, FILE_LIMITS.listEntries);
  if (entries.length === 0 && unreadable.length === 0) return toolOk(`${place.display} is empty`);
  const lines = entries.map((entry) => (entry.kind === 'folder' ? `${entry.path}/` : `${entry.path} (${entry.size} bytes)`));
  if (more) lines.push(`[lemming: more entries were left out; a listing is capped at ${FILE_LIMITS.listEntries}]`);
  lines.push(...unreadableNote(unreadable));
  return toolOk(lines.join('\n'));
}

/** search_files: lines containing a text (case-insensitive) in the files under a path, capped. */
export function searchFilesTool(context: FileToolContext, query: unknown, path: unknown): ToolResult {
  if (typeof query !== 'string' || query.trim() === '') return toolError('query: expected the text to look for');
  const place = resolved(context, path ?? '.', 'read');
  if ('isError' in place) return place;
  const stat = lstatSync(place.absolute, { throwIfNoEntry: false });
  if (!stat) return toolOk(`no matches: ${place.display} does not exist yet`);
  const walked = stat.isDirectory() ? walk(place.absolute, place.display, true, FILE_LIMITS.searchFiles) : undefined;
  const files = walked ? walked.entries.filter((entry) => entry.kind === 'file') : [{ path: place.display, absolute: place.absolute, kind: 'file' as const, size: stat.size }];
  const unsearched: string[] = [...(walked?.unreadable ?? [])];
  const needle = query.toLowerCase();
  const matches: string[] = [];
  let skipped = 0;
  let more = false;
  for (const file of files) {
    if (file.size > FILE_LIMITS.searchFileBytes) {
      skipped += 1;
      continue;
    }
    const read = readRegularFile(file.absolute, FILE_LIMITS.searchFileBytes);
    if ('error' in read) {
      unsearched.push(`${file.path} (${read.error})`);
      continue;
    }
    const lines = read.text.split('\n');
    for (let index = 0; index < lines.length; index += 1) {
      const line = lines[index] ?? '';
      if (!line.toLowerCase().includes(needle)) continue;
      if (matches.length >= FILE_LIMITS.searchMatches) {
        more = true;
        break;
      }
      matches.push(`${file.path}:${index + 1}: ${line.slice(0, 200)}`);
    }
    if (more) break;
  }
  const notes: string[] = [];
  if (more) notes.push(`[lemming: more matches were left out; a search shows at most ${FILE_LIMITS.searchMatches}]`);
  if (skipped > 0) notes.push(`[lemming: ${skipped} file(s) larger than ${FILE_LIMITS.searchFileBytes} bytes were not searched]`);
  if (unsearched.length > 0) notes.push(`[lemming: ${unsearched.length} file(s) or folder(s) could not be read and were not searched: ${unsearched.slice(0, 5).join(', ')}${unsearched.length > 5 ? ', …' : ''}]`);
  if (matches.length === 0) return toolOk([`no matches for ${JSON.stringify(query)} in ${place.display}`, ...notes].join('\n'));
  return toolOk([...matches, ...notes].join('\n'));
}
