import { showCredits } from '../format/format.js';

/**
 * What an entry of the history is: the org after a turn committed; hand edits found before a turn
 * (the files changed since the entry before, by anyone but the engine); the start of a fork; or
 * the first entry of a pruned history (`lemming history --prune-before N`): the org as it stood
 * when turn N began, which no turn stands for (the turns before N are gone).
 */
export type EntryKind = 'turn' | 'edits' | 'fork' | 'pruned';

/** The kinds that stand for a whole turn: `show --at`, `fork --at` and `diff --turns` read these. */
export const TURN_KINDS: readonly EntryKind[] = ['turn', 'fork'];

const ENTRY_KINDS: readonly EntryKind[] = ['turn', 'edits', 'fork', 'pruned'];

/** What an entry says it holds, kept in its commit message (subject for people, a JSON trailer for programs). */
export interface EntrySummary {
  kind: EntryKind;
  /** For `turn` and `fork`: the turn the org had finished. For `edits`: the turn they followed (they apply from the next). For `pruned`: the last turn dropped. */
  turn: number;
  /** New message files, by the agent whose outbox holds them. */
  messages: Record<string, number>;
  /** Credits charged in the turn, by the ledger lines the entry added. */
  credits: number;
  /** Files added, changed or removed since the entry before. */
  changed: number;
  /** For `edits`: the files changed (the first 50), relative to the root. */
  edited: string[];
  /** Proposals whose file changed, with the status they now have: `000004-hr-001 approved`. */
  proposals: string[];
  /** Said when an entry is not the plain record of its turn: the first, one recorded late, a fork's origin. */
  note?: string;
}

/** One entry as `lemming history` lists it. */
export interface HistoryEntry extends EntrySummary {
  /** The commit, for `git show` and friends. */
  commit: string;
  /** When it was recorded (ISO). */
  recorded: string;
}

const TRAILER = 'Lemming-Entry: ';

/** The subject line: what a person reads in `git log --oneline`. Pure. */
export function entrySubject(summary: EntrySummary): string {
  if (summary.kind === 'edits') {
    const shown = summary.edited.slice(0, 3).join(', ');
    const more = summary.changed > 3 ? `, and ${summary.changed - 3} more` : '';
    return `edits before turn ${summary.turn + 1}: ${summary.changed} file(s) changed (${shown}${more})`;
  }
  if (summary.kind === 'fork') return `fork at turn ${summary.turn}`;
  if (summary.kind === 'pruned') return `history pruned: entries before turn ${summary.turn + 1} dropped; the org as it stood when turn ${summary.turn + 1} began`;
  const senders = Object.entries(summary.messages);
  const count = senders.reduce((sum, [, n]) => sum + n, 0);
  const shown = senders.slice(0, 5).map(([agent, n]) => `${agent} ${n}`);
  if (senders.length > 5) shown.push(`${senders.length - 5} more agent(s)`);
  const by = senders.length === 0 ? '' : ` (${shown.join(', ')})`;
  const decided = summary.proposals.length === 0 ? '' : `, proposals: ${summary.proposals.join(', ')}`;
  return `turn ${summary.turn}: ${count} message(s)${by}, ${showCredits(summary.credits)} credits, ${summary.changed} file(s) changed${decided}`;
}

/** The whole commit message: subject, the note, and the summary as a trailer git's own tools show. Pure. */
export function entryMessage(summary: EntrySummary): string {
  const note = summary.note ? `\n${summary.note}\n` : '';
  return `${entrySubject(summary)}\n${note}\n${TRAILER}${JSON.stringify(summary)}\n`;
}

/**
 * The summary back from a commit message; undefined for a commit lemming did not write (no trailer,
 * or one without a known `kind` and a whole `turn`). The trailer is text anyone can edit (`git commit
 * --amend`, a rewrite of the branch): a field it lacks or holds in the wrong shape is read as empty
 * (no messages, 0 credits, no files) and named in the entry's note, so every reader (`history`, the
 * dashboard's turns, the writer's next entry) gets a whole summary and the listing says what it lost. Pure.
 */
export function parseEntryMessage(message: string): EntrySummary | undefined {
  const line = message.split('\n').find((text) => text.startsWith(TRAILER));
  if (!line) return undefined;
  let value: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(line.slice(TRAILER.length));
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
    value = parsed as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const { kind, turn } = value;
  if (typeof kind !== 'string' || !ENTRY_KINDS.includes(kind as EntryKind) || typeof turn !== 'number' || !Number.isInteger(turn) || turn < 0) return undefined;
  const unread: string[] = [];
  const field = <T>(name: string, valid: (given: unknown) => boolean, empty: T): T => {
    if (valid(value[name])) return value[name] as T;
    unread.push(name);
    return empty;
  };
  const count = (given: unknown): boolean => typeof given === 'number' && Number.isInteger(given) && given >= 0;
  const names = (given: unknown): boolean => Array.isArray(given) && given.every((item) => typeof item === 'string');
  const summary: EntrySummary = {
    kind: kind as EntryKind,
    turn,
    messages: field('messages', (given) => given !== null && typeof given === 'object' && !Array.isArray(given) && Object.values(given).every(count), {}),
    credits: field('credits', (given) => typeof given === 'number' && Number.isFinite(given) && given >= 0, 0),
    changed: field('changed', count, 0),
    edited: field('edited', names, []),
    proposals: field('proposals', names, []),
  };
  const note = typeof value.note === 'string' ? value.note : undefined;
  const said = unread.length === 0 ? undefined : `its ${TRAILER.slice(0, -2)} line was edited: ${unread.join(', ')} missing or unreadable, shown as none`;
  const notes = [note, said].filter((text): text is string => text !== undefined && text !== '');
  return notes.length === 0 ? summary : { ...summary, note: notes.join(' ') };
}
