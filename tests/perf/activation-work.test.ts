import { expect, test } from 'vitest';
import { NextAgentProvider } from '../../bench/bench-providers.js';
import { agentName, buildOrg } from '../../bench/build-org.js';
import { Engine } from '../../src/engine/engine.js';
import type { EngineState, PendingItem } from '../../src/engine/record/engine-state.js';
import type { TurnResult } from '../../src/engine/turn/run-turn.js';
import { tempDir } from '../helpers/org-files.js';
import { emptyStats } from '../../src/engine/run-totals.js';

/**
 * Each turn of an org of `agents` agents, every one with a letter waiting and activation drawing each
 * with probability 0.1: the agents it called, and how many of the letters that waited when the
 * engine opened the turn looked at (any field read). The letters are watched from the state the
 * engine loaded; the first turn may look at each once (the index by recipient is made then).
 */
async function lettersLookedAt(agents: number, turns: number): Promise<Array<{ called: number; looked: number }>> {
  const root = tempDir('lemming-activation-work-');
  buildOrg(root, { agents, history: 0, withMail: agents, activation: 0.1 });
  const provider = new NextAgentProvider(Array.from({ length: agents }, (_, index) => agentName(index)));
  const engine = Engine.open({ root, providerFactory: () => provider });
  const looked = new Set<PendingItem>();
  try {
    // The state as loaded from engine.json, each waiting letter behind a proxy that notes a read of any field.
    const state = (engine as unknown as { state: EngineState }).state;
    state.pending = state.pending.map((item) => {
      const watched: PendingItem = new Proxy(item, {
        get(target, field, receiver) {
          looked.add(watched);
          return Reflect.get(target, field, receiver) as unknown;
        },
      });
      return watched;
    });
    const perTurn: Array<{ called: number; looked: number }> = [];
    for (let turn = 0; turn < turns; turn += 1) {
      looked.clear();
      const result: TurnResult = { stats: emptyStats() };
      for await (const event of engine.turn(result)) void event;
      perTurn.push({ called: result.stats.called, looked: looked.size });
    }
    return perTurn;
  } finally {
    engine.close();
  }
}

// Counted, not timed (as tests/perf/scaling.test.ts counts file work): a busy machine cannot fail it.
test('a turn drawn at 10 % looks at the waiting letters of the agents it draws, at 60 agents as at 600, not at every letter', { timeout: 60_000 }, async () => {
  for (const agents of [60, 600]) {
    const [, ...steady] = await lettersLookedAt(agents, 3);
    for (const turn of steady) {
      expect(turn.called).toBeGreaterThan(0);
      expect(turn.called).toBeLessThan(agents * 0.2);
      // Each agent called reads its letter, and its new letter meets its recipient's (one already waiting);
      // the list's last letter is where new mail goes. Before, every turn read every letter's recipient: 60 and 600.
      expect({ agents, ...turn, looked: turn.looked <= 2 * turn.called + 2 ? 'at most 2 a call and 2' : turn.looked }).toEqual({ agents, ...turn, looked: 'at most 2 a call and 2' });
    }
  }
});
