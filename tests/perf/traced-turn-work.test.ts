import { afterEach, describe, expect, test, vi } from 'vitest';
import { NextAgentProvider } from '../../bench/bench-providers.js';
import { agentName, buildOrg } from '../../bench/build-org.js';
import { Engine } from '../../src/engine/engine.js';
import { listTraceTurns, readCallTrace } from '../../src/engine/record/call-trace.js';
import { tempDir } from '../helpers/org-files.js';

/**
 * What a turn with call traces kept does that a turn without them does not, counted, not timed (bench/results.md,
 * section 1: the traced turn at 1,000 agents against the same turn without). Here: the times written as text.
 * A trace's `at` is the time its answer arrived, written as the journal and the log write it (call-agent.ts,
 * isoText: one text a millisecond), so keeping traces adds no `toISOString` to a turn.
 */
const AGENTS = 20;
const AT = new Date('2026-11-29T12:00:00.000Z');

afterEach(() => {
  vi.restoreAllMocks();
});

/** The `toISOString` calls of an org's second turn (its first made the parts and folders), every agent called. */
async function timesWrittenInSecondTurn(keep: number | undefined): Promise<{ texts: number; root: string }> {
  const root = tempDir('lemming-traced-turn-work-');
  buildOrg(root, { agents: AGENTS, history: 0, withMail: AGENTS, ...(keep === undefined ? {} : { traces: keep }) });
  const provider = new NextAgentProvider(Array.from({ length: AGENTS }, (_, index) => agentName(index)));
  // One instant: every answer of the turn arrives within the same millisecond, as at 1,000 agents a dozen do.
  const engine = Engine.open({ root, providerFactory: () => provider, command: 'test', clock: () => new Date(AT) });
  try {
    for await (const event of engine.turn()) void event;
    const written = vi.spyOn(Date.prototype, 'toISOString');
    let called = 0;
    for await (const event of engine.turn()) if (event.type === 'turn-finished') called = event.stats.called;
    expect(called).toBe(AGENTS);
    const texts = written.mock.calls.length;
    written.mockRestore();
    return { texts, root };
  } finally {
    engine.close();
  }
}

describe('a turn with call traces kept, its work beside the same turn without', () => {
  test('keeping traces writes no time as text that the turn without does not write', async () => {
    const without = await timesWrittenInSecondTurn(undefined);
    const traced = await timesWrittenInSecondTurn(50);
    // Before: one more for each call, its trace's `at` made afresh (20 more here; 1,000 a turn at 1,000 agents).
    expect(traced.texts).toBe(without.texts);
    // The trace still says when its answer arrived.
    for (const agent of [agentName(0), agentName(AGENTS - 1)]) {
      const turn = listTraceTurns(traced.root, agent).at(-1) as number;
      expect(readCallTrace(traced.root, agent, turn)?.at).toBe(AT.toISOString());
    }
  });
});
