import { closeSync, constants, fstatSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { openedOutside } from '../../storage/inside-root.js';
import { isValidAgentName } from '../names.js';

/**
 * Machine-local: the agents whose folders lemming's own writers outside a turn changed
 * (a send from the person's seat, the dashboard, an MCP seat, `add-agent`), one name a line.
 */
export const CHANGE_LOG_FILE = 'org/state/cache/changed-agents.log';

/**
 * Say that an agent's folder changed (its outbox has a new file, its resume was written), so an
 * engine running on this org looks at it at its next turn without visiting every agent. Any
 * process may call it, with or without the org's lock: one short append. A log that cannot be
 * written only makes the change wait for the engine's scan (see change-feed.ts).
 */
export function recordChange(root: string, agent: string): void {
  // No cache folder yet (an org that never ran) or a read-only org: the engine's first turn looks at every agent anyway.
  const descriptor = openLog(root, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT);
  if (descriptor === undefined) return;
  try {
    writeSync(descriptor, `${agent}\n`);
  } catch {
    // As above: the change waits for the engine's look.
  } finally {
    closeSync(descriptor);
  }
}

/**
 * The log opened as the org's own regular file, or undefined. A link in its place (or a cache folder
 * that leads out of the org), a pipe or a folder is not the log: an org planted with
 * `changed-agents.log` linked to `/etc/passwd` had a send append to that file and an engine empty it.
 * Without the log a change waits for the engine's look at every agent (change-feed.ts), nothing more.
 */
function openLog(root: string, flags: number): number | undefined {
  const path = join(root, CHANGE_LOG_FILE);
  let descriptor: number;
  try {
    descriptor = openSync(path, flags | constants.O_NOFOLLOW | constants.O_NONBLOCK, 0o644);
  } catch {
    return undefined;
  }
  try {
    if (fstatSync(descriptor).isFile() && !openedOutside(root, descriptor, path)) return descriptor;
  } catch {
    // Not told: not used.
  }
  closeSync(descriptor);
  return undefined;
}

/**
 * The engine's side of the log: the names appended since it last read. The log is emptied only when an
 * engine opens (before it looks at every agent once), so a line appended meanwhile is never lost.
 */
export class ChangeLogReader {
  private offset = 0;

  constructor(private readonly root: string) {
    // No log yet: the first writer makes it.
    const descriptor = openLog(root, constants.O_WRONLY);
    if (descriptor === undefined) return;
    try {
      ftruncateSync(descriptor, 0);
    } catch {
      // A read-only org: what it holds is read again, which only looks at those agents again.
    } finally {
      closeSync(descriptor);
    }
  }

  /** Names appended since the last call (valid agent names only: a line cut short by a crash is left out). */
  take(): string[] {
    const descriptor = openLog(this.root, constants.O_RDONLY);
    if (descriptor === undefined) return [];
    try {
      const size = fstatSync(descriptor).size;
      // Emptied by another engine since (a second process may not hold the lock): read it from the start.
      if (size < this.offset) this.offset = 0;
      if (size === this.offset) return [];
      const buffer = Buffer.alloc(size - this.offset);
      const read = readSync(descriptor, buffer, 0, buffer.length, this.offset);
      const text = buffer.subarray(0, read).toString('utf8');
      // Only whole lines: a line still being appended is read at the next call.
      const end = text.lastIndexOf('\n') + 1;
      this.offset += Buffer.byteLength(text.slice(0, end));
      return text.slice(0, end).split('\n').filter((name) => name !== '' && isValidAgentName(name));
    } finally {
      closeSync(descriptor);
    }
  }
}
