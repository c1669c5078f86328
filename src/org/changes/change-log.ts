import { appendFileSync, closeSync, fstatSync, openSync, readSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
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
  try {
    appendFileSync(join(root, CHANGE_LOG_FILE), `${agent}\n`);
  } catch {
    // No cache folder yet (an org that never ran) or a read-only org: the engine's first turn looks at every agent anyway.
  }
}

/**
 * The engine's side of the log: the names appended since it last read. The log is emptied only when an
 * engine opens (before it looks at every agent once), so a line appended meanwhile is never lost.
 */
export class ChangeLogReader {
  private offset = 0;
  private readonly path: string;

  constructor(root: string) {
    this.path = join(root, CHANGE_LOG_FILE);
    try {
      truncateSync(this.path, 0);
    } catch {
      // No log yet: the first writer makes it.
    }
  }

  /** Names appended since the last call (valid agent names only: a line cut short by a crash is left out). */
  take(): string[] {
    let descriptor: number;
    try {
      descriptor = openSync(this.path, 'r');
    } catch {
      return [];
    }
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
