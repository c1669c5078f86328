import { fstatSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { FileOwner } from '../../sandbox/beneath/hand-over.js';
import { closeQuietly, LEADS_OUT, openBase, openBeneath, type BeneathFailure } from '../../sandbox/beneath/open-beneath.js';
import { readHeld } from '../../sandbox/beneath/read-beneath.js';
import { KIND_REASONS, KIND_WORDS, UNBOUNDED, walkBeneath, type PassedOver, type WalkBounds } from '../../sandbox/beneath/walk-beneath.js';
import { DEFAULT_MAX_FILES, WORKSPACE_DEPTH, WORKSPACE_PATH_BYTES } from '../../sandbox/workspace-bounds.js';
import { entryStat, writeBeneath } from '../../sandbox/beneath/write-beneath.js';
import { LEADS_OUTSIDE } from '../../storage/inside-root.js';
import { throwIfStorageFailure } from '../../storage/storage-error.js';
import { isTemporaryName, TEMPORARY_NAME_SHAPE } from '../../storage/temporary-files.js';
import type { Agent } from '../../org/org.js';
import { toolError, toolOk, type ToolResult } from '../tool-result.js';
import { readWorkspaceFile } from './read-workspace-file.js';
import { displayParts, resolveWorkspacePath, type WorkspacePath } from './workspace-path.js';

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
  /**
   * Who the files and folders the tools make belong to, when not lemming's own user: the host
   * identity commands run as when lemming is root, so a command can change what write_file made.
   */
  owner?: FileOwner;
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

/**
 * Use a place's workspace folder, held open for the call: every path below it is opened from this
 * descriptor, part by part, following no link (sandbox/beneath/open-beneath.ts), so a command that
 * swaps a folder for a link while the tool works leads it nowhere. `missing` answers when the
 * workspace folder is not there (with `make`, it is made).
 */
function inWorkspace(root: string, place: WorkspacePath, options: { make?: boolean; missing: () => ToolResult }, use: (base: number) => ToolResult): ToolResult {
  const base = openBase(place.base, { make: options.make === true, within: root });
  if ('code' in base) {
    if (base.code === LEADS_OUT) return toolError(`${relative(root, place.base)} ${LEADS_OUTSIDE}`);
    return base.code === 'ENOENT' ? options.missing() : failed(place, base);
  }
  try {
    return use(base.fd);
  } finally {
    closeQuietly(base.fd);
  }
}

/**
 * Why a path could not be opened, as the model reads it. A missing part and a link are said here;
 * other errors are thrown as the file system's, named by the part that met them, for the tool
 * runner to word in the agent's terms (tool-failure.ts), and a full or read-only disk stops the run.
 */
function failed(place: WorkspacePath, failure: BeneathFailure): ToolResult {
  const at = displayParts(place, failure.part + 1);
  if (failure.code === 'ENOENT') return toolError(`${at} does not exist; list_files shows what there is`);
  if (failure.code === 'ELOOP') return toolError(`${at} is a symbolic link; lemming follows no link in a workspace`);
  const error = Object.assign(new Error(`${failure.code}: ${at}`), { code: failure.code, path: join(place.base, ...place.parts.slice(0, failure.part + 1)) });
  throwIfStorageFailure(error);
  throw error;
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
  // The path's shape first (text, not empty), as every file tool says it; readWorkspaceFile applies the rules.
  const checked = resolved(context, path, 'read');
  if ('isError' in checked) return checked;
  const start = lineNumber(lines.start, 'start_line');
  const end = lineNumber(lines.end, 'end_line');
  if (typeof start === 'object') return toolError(start.error);
  if (typeof end === 'object') return toolError(end.error);
  if (start !== undefined && end !== undefined && end < start) return toolError(`end_line ${end} is before start_line ${start}`);
  const ranged = start !== undefined || end !== undefined;
  const found = readWorkspaceFile(context.root, context.agent, String(path), ranged ? FILE_LIMITS.rangeBytes : FILE_LIMITS.readBytes);
  if ('refused' in found) {
    switch (found.refused) {
      case 'path':
        return toolError(found.error);
      case 'missing':
        return toolError(`${found.at} does not exist; list_files shows what there is`);
      case 'link':
        return toolError(`${found.at} is a symbolic link; lemming follows no link in a workspace`);
      case 'outside':
        return toolError(`${found.at} ${LEADS_OUTSIDE}`);
      case 'folder':
        return toolError(`${found.at} is a folder; use list_files`);
      case 'not-file':
        return toolError(`${found.at} is not a regular file`);
    }
  }
  const { place, read } = found;
  if (ranged) return toolOk(lineRange(read.text, place.display, start ?? 1, end, read.truncated));
  return toolOk(wholeText(read.text, read.size, read.truncated, place.display));
}

/** A file read whole, cut at the read cap at a line's end, saying which lines it shows and how to read on. */
function wholeText(text: string, size: number, truncated: boolean, display: string): string {
  if (!truncated) return text;
  const lineEnd = text.lastIndexOf('\n');
  // A first line longer than the cap: what fits is shown, and there is no line to read on from.
  if (lineEnd < 0) return `${text}\n[lemming: the file is ${size} bytes; only the first ${FILE_LIMITS.readBytes} are shown]`;
  const whole = text.slice(0, lineEnd + 1);
  const shown = whole.match(/\n/g)?.length ?? 0;
  return `${whole}[lemming: the file is ${size} bytes; only lines 1-${shown} are shown (a read shows at most ${FILE_LIMITS.readBytes} bytes); read on with read_file ${JSON.stringify({ path: display, start_line: shown + 1 })}]`;
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
  const name = place.parts.at(-1) ?? '';
  if (isTemporaryName(name)) {
    return { result: toolError(`${place.display}: names shaped like ${TEMPORARY_NAME_SHAPE} are lemming's own temporary files; choose another name`) };
  }
  let written = false;
  const result = inWorkspace(context.root, place, { make: true, missing: () => toolError(`${place.display} could not be written (ENOENT)`) }, (base) => {
    const folder = openBeneath(base, place.parts.slice(0, -1), { kind: 'folder', makeFolders: true, ...(context.owner ? { owner: context.owner } : {}) });
    if ('code' in folder) return failed(place, folder);
    try {
      const stat = entryStat(folder.fd, name);
      if (stat && !stat.isFile()) {
        const kind = stat.isSymbolicLink() ? 'a symbolic link' : stat.isDirectory() ? 'a folder' : 'not a regular file';
        return toolError(`${place.display} is ${kind}; only regular files are written`);
      }
      try {
        writeBeneath(folder.fd, name, content, place.absolute, context.owner);
      } catch (error) {
        // A full or read-only disk is not the model's to hear of (it would take the work as done): it stops the run.
        throwIfStorageFailure(error);
        return toolError(`${place.display} could not be written (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
      }
      written = true;
      return toolOk(`wrote ${Buffer.byteLength(content)} bytes to ${place.display}`);
    } finally {
      closeQuietly(folder.fd);
    }
  });
  return written ? { result, written: { path: place.fromRoot, bytes: Buffer.byteLength(content) } } : { result };
}

/** How a walk's entry is named to the model: below the place walked, as the model named that. */
function entryDisplay(place: WorkspacePath, parts: readonly string[]): string {
  return place.display === '.' ? parts.join('/') : `${place.display}/${parts.join('/')}`;
}

/**
 * How far a listing or a search walks: a workspace's bounds of shape (workspace-bounds.ts), and no
 * more entries than a workspace may hold by default; each tool has its own, smaller, caps on what it shows.
 */
const TOOL_BOUNDS: WalkBounds = { ...UNBOUNDED, depth: WORKSPACE_DEPTH, pathBytes: WORKSPACE_PATH_BYTES, entries: DEFAULT_MAX_FILES };

/** The folders a walk could not read. */
function unreadableOf(passed: readonly PassedOver[]): PassedOver[] {
  return passed.filter((entry) => entry.reason === 'unreadable');
}

/** The line that says which folders a listing or a search could not look into. */
function unreadableNote(place: WorkspacePath, unreadable: readonly PassedOver[]): string[] {
  if (unreadable.length === 0) return [];
  const named = unreadable.map((folder) => `${entryDisplay(place, folder.path.split('/'))} (${folder.code ?? 'EIO'})`);
  const shown = named.slice(0, 5).join(', ');
  return [`[lemming: ${unreadable.length} folder(s) could not be read and are not included: ${shown}${unreadable.length > 5 ? ', …' : ''}]`];
}

/**
 * list_files: files and folders under a path (default: the agent's workspace), in name order
 * folder by folder, capped, never following a link; lemming's temporary files are left out.
 */
export function listFilesTool(context: FileToolContext, path: unknown, recursive: unknown): ToolResult {
  const place = resolved(context, path ?? '.', 'read');
  if ('isError' in place) return place;
  const missing = (): ToolResult => toolOk(place.display === '.' ? 'your workspace is empty' : `${place.display} is empty or does not exist yet`);
  return inWorkspace(context.root, place, { missing }, (base) => {
    const opened = openBeneath(base, place.parts, { kind: 'file' });
    if ('code' in opened) return opened.code === 'ENOENT' ? missing() : failed(place, opened);
    try {
      if (!fstatSync(opened.fd).isDirectory()) return toolError(`${place.display} is not a folder`);
      const lines: string[] = [];
      let more = false;
      const bounds = recursive === false ? { ...TOOL_BOUNDS, depth: 0 } : TOOL_BOUNDS;
      const walked = walkBeneath(
        opened.fd,
        bounds,
        (entry) => {
          if (entry.passed === 'unreadable') return undefined;
          if (lines.length >= FILE_LIMITS.listEntries) {
            more = true;
            return 'stop';
          }
          const shown = entryDisplay(place, entry.parts);
          if (entry.passed === 'git') lines.push(`${shown}/ (a git repository's own folder, not listed)`);
          else if (entry.passed !== undefined && KIND_REASONS.has(entry.passed)) lines.push(`${shown} (${KIND_WORDS[entry.passed as keyof typeof KIND_WORDS]}, not followed)`);
          else lines.push(entry.stat.isDirectory() ? `${shown}/` : `${shown} (${entry.stat.size} bytes)`);
          return undefined;
        },
        { leaveOut: isTemporaryName },
      );
      const unreadable = unreadableOf(walked.passed);
      if (walked.stopped === 'entries') more = true;
      if (lines.length === 0 && unreadable.length === 0) return toolOk(`${place.display} is empty`);
      if (more) lines.push(`[lemming: more entries were left out; a listing is capped at ${FILE_LIMITS.listEntries}]`);
      lines.push(...unreadableNote(place, unreadable));
      return toolOk(lines.join('\n'));
    } finally {
      closeQuietly(opened.fd);
    }
  });
}

/** What a search found so far, and what it could not look at. */
interface Search {
  needle: string;
  matches: string[];
  more: boolean;
  skipped: number;
  unsearched: string[];
}

/** Search one file held open: its matching lines join the search's; false once the cap on matches is met. */
function searchFile(search: Search, fd: number, shown: string): boolean {
  const read = readHeld(fd, FILE_LIMITS.searchFileBytes);
  if (read === undefined) return true;
  if (read.truncated) {
    search.skipped += 1;
    return true;
  }
  const lines = read.text.split('\n');
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index] ?? '';
    if (!line.toLowerCase().includes(search.needle)) continue;
    if (search.matches.length >= FILE_LIMITS.searchMatches) {
      search.more = true;
      return false;
    }
    search.matches.push(`${shown}:${index + 1}: ${line.slice(0, 200)}`);
  }
  return true;
}

/** search_files: lines containing a text (case-insensitive) in the files under a path, capped, never following a link. */
export function searchFilesTool(context: FileToolContext, query: unknown, path: unknown): ToolResult {
  if (typeof query !== 'string' || query.trim() === '') return toolError('query: expected the text to look for');
  const place = resolved(context, path ?? '.', 'read');
  if ('isError' in place) return place;
  const missing = (): ToolResult => toolOk(`no matches: ${place.display} does not exist yet`);
  return inWorkspace(context.root, place, { missing }, (base) => {
    const opened = openBeneath(base, place.parts, { kind: 'file' });
    if ('code' in opened) return opened.code === 'ENOENT' ? missing() : failed(place, opened);
    const search: Search = { needle: query.toLowerCase(), matches: [], more: false, skipped: 0, unsearched: [] };
    try {
      if (!fstatSync(opened.fd).isDirectory()) {
        searchFile(search, opened.fd, place.display);
      } else {
        let looked = 0;
        const walked = walkBeneath(opened.fd, TOOL_BOUNDS, (entry) => {
          if (entry.passed !== undefined) return undefined;
          looked += 1;
          if (looked > FILE_LIMITS.searchFiles) return 'stop';
          if (!entry.stat.isFile()) return undefined;
          if (entry.stat.size > FILE_LIMITS.searchFileBytes) {
            search.skipped += 1;
            return undefined;
          }
          const shown = entryDisplay(place, entry.parts);
          // Opened from its folder as it is now: a file swapped for a link since the listing is refused.
          const file = openBeneath(entry.folder, [entry.name], { kind: 'file' });
          if ('code' in file) {
            search.unsearched.push(`${shown} (cannot be read (${file.code}))`);
            return undefined;
          }
          try {
            return searchFile(search, file.fd, shown) ? undefined : 'stop';
          } finally {
            closeQuietly(file.fd);
          }
        }, { leaveOut: isTemporaryName });
        search.unsearched.unshift(...unreadableOf(walked.passed).map((folder) => `${entryDisplay(place, folder.path.split('/'))} (${folder.code ?? 'EIO'})`));
      }
    } finally {
      closeQuietly(opened.fd);
    }
    const notes: string[] = [];
    if (search.more) notes.push(`[lemming: more matches were left out; a search shows at most ${FILE_LIMITS.searchMatches}]`);
    if (search.skipped > 0) notes.push(`[lemming: ${search.skipped} file(s) larger than ${FILE_LIMITS.searchFileBytes} bytes were not searched]`);
    const { unsearched } = search;
    if (unsearched.length > 0) notes.push(`[lemming: ${unsearched.length} file(s) or folder(s) could not be read and were not searched: ${unsearched.slice(0, 5).join(', ')}${unsearched.length > 5 ? ', …' : ''}]`);
    if (search.matches.length === 0) return toolOk([`no matches for ${JSON.stringify(query)} in ${place.display}`, ...notes].join('\n'));
    return toolOk([...search.matches, ...notes].join('\n'));
  });
}
