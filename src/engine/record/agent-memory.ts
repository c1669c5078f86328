import { readdirSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../storage/atomic-write.js';
import { readRegularFile } from '../../storage/read-regular-file.js';
import { MEMORY_KEY_PATTERN } from '../turn/interpret-response.js';
import { agentPaths } from './state-paths.js';
import { forgetAtNextCommand } from '../../invocation.js';
import { leadsOutside } from '../../storage/inside-root.js';

/** Notes are shown capped (org.yaml context.max_memory_chars); a larger file is not read whole. */
const MAX_NOTE_BYTES = 1024 * 1024;

const cache = new Map<string, { mtimeMs: number; notes: Map<string, string> }>();
/** Notes folders found missing at their last look this command: most agents never keep a note. */
const missing = new Set<string>();
forgetAtNextCommand(() => {
  cache.clear();
  missing.clear();
});

/**
 * An agent's notes, `agents/<name>/memory/<key>.md`, in key order. Read again only
 * when the folder changed (every write and every removal renames or unlinks in it).
 * `unchanged`: the change feed says nothing changed in the agent's folder since the last turn
 * (org/changes/change-feed.ts: a notes folder made by hand or by lemming is a change there, and
 * the engine's own notes are written here), so a folder missing at the last look is not looked for.
 * `missingNow`: a look made just now found no notes folder (the first look of a command at the
 * agent's folders, org/own-folders.ts), so it is not looked for again.
 */
export function readMemory(root: string, agent: string, unchanged = false, missingNow = false): Map<string, string> {
  const directory = agentPaths(root, agent).memory;
  if (unchanged && missing.has(directory)) return new Map();
  // No exception for a missing folder: most agents never keep a note, and a throw costs more than the stat.
  const stat = missingNow ? undefined : statSync(directory, { throwIfNoEntry: false });
  if (!stat) {
    if (missing.size >= 200_000) missing.clear();
    missing.add(directory);
    return new Map();
  }
  missing.delete(directory);
  const mtimeMs = stat.mtimeMs;
  const cached = cache.get(directory);
  if (cached && cached.mtimeMs === mtimeMs) return new Map(cached.notes);
  // A notes folder that lies outside the org (it, or agents/<name>, a link that leads out) is never read: its files are no notes of the agent's.
  const notes = leadsOutside(root, directory) ? new Map<string, string>() : readMemoryFiles(directory);
  cache.set(directory, { mtimeMs, notes });
  return new Map(notes);
}

function readMemoryFiles(directory: string): Map<string, string> {
  const notes = new Map<string, string>();
  let names: string[];
  try {
    names = readdirSync(directory).filter((name) => name.endsWith('.md')).sort();
  } catch {
    return notes;
  }
  for (const name of names) {
    const key = name.slice(0, -3);
    if (!MEMORY_KEY_PATTERN.test(key)) continue;
    // A note that is a link or a pipe is not read: it could show the model a file from outside the org, or stall the turn.
    const read = readRegularFile(join(directory, name), MAX_NOTE_BYTES);
    if ('text' in read) notes.set(key, read.text.replace(/\n$/, ''));
  }
  return notes;
}

/** Write a note, or forget it when the text is empty. Idempotent, so a replayed turn writes the same. */
export function writeMemory(root: string, agent: string, key: string, text: string): void {
  const directory = agentPaths(root, agent).memory;
  missing.delete(directory);
  const path = join(directory, `${key}.md`);
  if (text.trim() === '') {
    try {
      unlinkSync(path);
    } catch {
      // Nothing to forget.
    }
    return;
  }
  writeFileAtomic(path, text.endsWith('\n') ? text : `${text}\n`);
}
