import type { PendingItem } from './engine-state.js';

/** Waiting mail by recipient, each list in the order the state keeps (turn, then id). */
export interface MailByAgent {
  get(agent: string): readonly PendingItem[] | undefined;
  has(agent: string): boolean;
  /** The recipients, each once. */
  keys(): Iterable<string>;
}

/** Group waiting mail by recipient, in the order given. */
export function groupByRecipient(pending: readonly PendingItem[]): Map<string, PendingItem[]> {
  const byAgent = new Map<string, PendingItem[]>();
  for (const item of pending) {
    const list = byAgent.get(item.to);
    if (list) list.push(item);
    else byAgent.set(item.to, [item]);
  }
  return byAgent;
}

/**
 * The index of each state's waiting mail, kept with the list it was made from: made once when a
 * process first plans from a loaded state, then handed on by each commit (commit-turn.ts) with only
 * the agents that turn touched changed. So a turn at 100,000 agents with a letter each, of whom 1 %
 * are drawn (turn/activation.ts), looks at the mail of those drawn, not at every letter.
 */
const indexes = new WeakMap<readonly PendingItem[], ReadonlyMap<string, readonly PendingItem[]>>();

/** The waiting mail of this state's list by recipient (made at its first use, then kept). */
export function pendingByAgent(pending: readonly PendingItem[]): ReadonlyMap<string, readonly PendingItem[]> {
  let index = indexes.get(pending);
  if (!index) {
    index = groupByRecipient(pending);
    indexes.set(pending, index);
  }
  return index;
}

/**
 * The index of `pending`, handed over to be changed into the next list's (commit-turn's): `pending`
 * keeps none, so one asked for again is made again from the list, which no one changes.
 */
export function takePendingIndex(pending: readonly PendingItem[]): Map<string, readonly PendingItem[]> {
  const index = pendingByAgent(pending);
  indexes.delete(pending);
  return index as Map<string, readonly PendingItem[]>;
}

/** Keep `index` as the index of `pending`: the caller made both together and guarantees they agree. */
export function keepPendingIndex(pending: readonly PendingItem[], index: ReadonlyMap<string, readonly PendingItem[]>): void {
  indexes.set(pending, index);
}

/**
 * `base` with `added` after each recipient's own mail, as grouping `[...pending, ...added]` would
 * give: `base` is read through, not copied, and only the recipients `added` reaches have new lists.
 */
export function withAddedMail(base: MailByAgent, added: readonly PendingItem[]): MailByAgent {
  if (added.length === 0) return base;
  const grown = new Map<string, PendingItem[]>();
  for (const item of added) {
    const list = grown.get(item.to);
    if (list) list.push(item);
    else grown.set(item.to, [...(base.get(item.to) ?? []), item]);
  }
  return {
    get: (agent) => grown.get(agent) ?? base.get(agent),
    has: (agent) => grown.has(agent) || base.has(agent),
    *keys() {
      yield* base.keys();
      for (const agent of grown.keys()) if (!base.has(agent)) yield agent;
    },
  };
}

/**
 * The waiting mail of turn `turn` and later, from a list sorted by turn (as every committed state's
 * is): read from its end, so the letters of the last turn cost what they are, not what waits.
 */
export function mailFromTurn(pending: readonly PendingItem[], turn: number): PendingItem[] {
  let start = pending.length;
  while (start > 0 && (pending[start - 1] as PendingItem).turn >= turn) start -= 1;
  return pending.slice(start);
}
