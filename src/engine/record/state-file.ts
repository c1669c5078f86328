import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../mailbox/atomic-write.js';

/**
 * A small JSON file of the engine's under `org/state/`, `{ version: 1, agents: {...} }`:
 * read whole, replaced atomically. A missing or unreadable file reads as empty, because
 * what these files hold (failure streaks, unanswered mail) only ever adds notices.
 */
export function readAgentRecords<Entry>(path: string): Record<string, Entry> {
  try {
    const data = JSON.parse(readFileSync(path, 'utf8')) as { version?: unknown; agents?: unknown };
    return data.version === 1 && typeof data.agents === 'object' && data.agents !== null ? (data.agents as Record<string, Entry>) : {};
  } catch {
    return {};
  }
}

/** Replace the file with these records (temporary file, then rename). */
export function writeAgentRecords<Entry>(path: string, agents: Record<string, Entry>): void {
  writeFileAtomic(path, `${JSON.stringify({ version: 1, agents })}\n`);
}
