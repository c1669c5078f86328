
import { nameRecord } from '../../org/names.js';
import { writeFileAtomic } from '../../storage/atomic-write.js';
import { readSavedJson } from '../../storage/read-own-file.js';

/**
 * A small JSON file of the engine's under `org/state/`, `{ version: 1, agents: {...} }`:
 * read whole, replaced atomically. A missing or unreadable file reads as empty, because
 * what these files hold (failure streaks, unanswered mail) only ever adds notices.
 */
export function readAgentRecords<Entry>(path: string): Record<string, Entry> {
  try {
    const data = readSavedJson<{ version?: unknown; agents?: unknown }>(path) ?? {};
    // Keyed by agent names: copied into a record without a prototype (see org/names.ts).
    return data.version === 1 && typeof data.agents === 'object' && data.agents !== null && !Array.isArray(data.agents) ? nameRecord(data.agents as Record<string, Entry>) : nameRecord();
  } catch {
    return nameRecord();
  }
}

/** Replace the file with these records (temporary file, then rename). */
export function writeAgentRecords<Entry>(path: string, agents: Record<string, Entry>): void {
  writeFileAtomic(path, `${JSON.stringify({ version: 1, agents })}\n`);
}

/**
 * One such file in memory while a turn runs: each agent's entry, the file written whole by `save`
 * only when an entry changed, once at the turn's end. Each agent's entry goes into its journaled
 * outcome (`copyOf`) and is put back from there (`restore`) when a turn is finished after a crash.
 */
export class AgentRecords<Entry> {
  private changed = false;

  private constructor(
    private readonly path: string,
    private readonly entries: Record<string, Entry>,
  ) {}

  static read<Entry>(path: string): AgentRecords<Entry> {
    return new AgentRecords(path, readAgentRecords<Entry>(path));
  }

  get(agent: string): Entry | undefined {
    return this.entries[agent];
  }

  set(agent: string, entry: Entry): void {
    this.entries[agent] = entry;
    this.changed = true;
  }

  /** Remove the agent's entry; false when it had none. */
  delete(agent: string): boolean {
    if (this.entries[agent] === undefined) return false;
    delete this.entries[agent];
    this.changed = true;
    return true;
  }

  all(): Array<[string, Entry]> {
    return Object.entries(this.entries);
  }

  /** The agent's entry as it stands, as a copy (for the journal), or null when it has none. */
  copyOf(agent: string): Entry | null {
    const entry = this.entries[agent];
    return entry === undefined ? null : structuredClone(entry);
  }

  /** Put back an entry `copyOf` gave (null: none). */
  restore(agent: string, entry: Entry | null): void {
    if (entry === null) this.delete(agent);
    else this.set(agent, structuredClone(entry));
  }

  /** Write the file when an entry changed. */
  save(): void {
    if (!this.changed) return;
    this.changed = false;
    writeAgentRecords(this.path, this.entries);
  }
}
