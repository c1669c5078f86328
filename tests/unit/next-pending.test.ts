import { expect, test } from 'vitest';
import type { PendingItem } from '../../src/engine/record/engine-state.js';
import type { AgentOutcome, JournalRecord } from '../../src/engine/record/journal.js';
import { byTurnThenId } from '../../src/engine/record/pending-order.js';
import { nextPending } from '../../src/engine/turn/next-pending.js';

type Plan = Extract<JournalRecord, { type: 'plan' }>;

/** A seeded sequence, so a failure names a case that can be run again. */
function numbers(seed: number): (below: number) => number {
  let state = seed;
  return (below) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % below;
  };
}

const letter = (turn: number, n: number, to: string): PendingItem => ({ kind: 'message', id: `${String(turn).padStart(6, '0')}-x-${String(n).padStart(3, '0')}`, from: 'x', to, turn, file: `agents/x/outbox/${n}.md`, priority: 'normal' });

/**
 * The waiting mail after a turn by its plain definition: the letters no one read (nor taken back),
 * then the turn's new ones, each id and reader once (what waited first stays), in turn then id order.
 */
function byDefinition(pending: readonly PendingItem[], plan: Pick<Plan, 'discovered' | 'notices' | 'returned'>, outcomes: readonly AgentOutcome[]): PendingItem[] {
  const read = (item: PendingItem): boolean => (plan.returned ?? []).includes(item.id) || outcomes.some((outcome) => outcome.agent === item.to && outcome.read.includes(item.id));
  const seen = new Set<string>();
  const once = (item: PendingItem): boolean => !seen.has(`${item.id}\n${item.to}`) && seen.add(`${item.id}\n${item.to}`) !== undefined;
  const kept = pending.filter((item) => !read(item)).filter(once);
  const added = [...plan.discovered.pending, ...plan.notices].filter((item) => !read(item)).concat(outcomes.flatMap((outcome) => outcome.newMail)).filter(once);
  return [...kept, ...added].sort(byTurnThenId);
}

test('the waiting mail after a turn is its plain definition, for readers of one letter and of many, over turns in a row', () => {
  const agents = ['ana', 'bo', 'cy', 'di'];
  for (let seed = 1; seed <= 300; seed += 1) {
    const next = numbers(seed);
    // Some cases have readers with many letters: past the few a scan looks through.
    const many = next(3) === 0 ? 60 : 5;
    let pending = [...new Map(Array.from({ length: next(many) }, () => letter(next(4), next(many), agents[next(4)] as string)).map((item) => [`${item.id}\n${item.to}`, item])).values()].sort(byTurnThenId);
    for (let turn = 4; turn < 8; turn += 1) {
      const some = (): PendingItem => (pending.length > 0 && next(2) === 0 ? (pending[next(pending.length)] as PendingItem) : letter(next(turn + 2), next(many), agents[next(4)] as string));
      const outcomes: AgentOutcome[] = agents
        .filter(() => next(3) > 0)
        .map((agent) => ({ agent, read: Array.from({ length: next(many) }, () => (next(4) > 0 ? some().id : 'gone')), newMail: Array.from({ length: next(many) }, () => ({ ...some() })), humanNotices: [], activity: 'sent 1' }));
      const plan = { discovered: { hints: {}, taken: {}, joined: [], pending: Array.from({ length: next(3) }, some), humanNotices: [] }, notices: next(3) === 0 ? [some()] : [], returned: next(8) === 0 ? [some().id] : [] };
      const expected = byDefinition(pending, plan, outcomes);
      pending = nextPending({ pending }, plan, outcomes);
      expect(pending, `seed ${seed}, turn ${turn}`).toEqual(expected);
    }
  }
});
