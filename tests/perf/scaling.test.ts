import { describe, expect, test } from 'vitest';
import { NextAgentProvider } from '../../bench/bench-providers.js';
import { agentName, buildOrg, type OrgShape } from '../../bench/build-org.js';
import { Engine } from '../../src/engine/engine.js';
import type { TurnResult } from '../../src/engine/turn/run-turn.js';
import { tempDir } from '../helpers/temp-org.js';

function openOrg(shape: OrgShape): Engine {
  const root = tempDir('lemming-scaling-');
  buildOrg(root, shape);
  const provider = new NextAgentProvider(Array.from({ length: shape.agents }, (_, index) => agentName(index)));
  return Engine.open({ root, providerFactory: () => provider });
}

async function timeTurn(engine: Engine): Promise<{ ms: number; called: number }> {
  const result: TurnResult = { stats: { called: 0, skipped: 0, delivered: 0, fromHuman: 0, refused: 0, errors: 0, inputTokens: 0, outputTokens: 0, credits: 0, durationMs: 0 } };
  const start = performance.now();
  for await (const event of engine.turn(result)) void event;
  return { ms: performance.now() - start, called: result.stats.called };
}

function median(values: number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/**
 * Turns of two orgs, taken in alternation so that whatever else the machine is doing
 * weighs on both alike; returns the ratio of their median turn times (second / first).
 */
async function ratioOfTurns(first: OrgShape, second: OrgShape, turns = 9): Promise<{ ratio: number; called: [number, number] }> {
  const engines = [openOrg(first), openOrg(second)] as const;
  const times: [number[], number[]] = [[], []];
  const called: [number, number] = [0, 0];
  try {
    for (let index = 0; index <= turns; index += 1) {
      for (const which of [0, 1] as const) {
        const turn = await timeTurn(engines[which]);
        if (index > 0) times[which].push(turn.ms);
        called[which] = turn.called;
      }
    }
  } finally {
    for (const engine of engines) engine.close();
  }
  return { ratio: median(times[1]) / median(times[0]), called };
}

// A guard on how the engine scales, not on absolute speed: `npm run bench` measures that.
describe('scaling', () => {
  test('a turn costs about the same whatever the history', async () => {
    const { ratio, called } = await ratioOfTurns({ agents: 40, history: 0, withMail: 40 }, { agents: 40, history: 4_000, withMail: 40 });
    expect(called).toEqual([40, 40]);
    expect(ratio).toBeLessThan(1.6);
  });

  test('idle agents cost next to nothing: 400 agents with 8 busy cost about what 8 busy agents cost', async () => {
    const { ratio, called } = await ratioOfTurns({ agents: 8, history: 0, withMail: 8 }, { agents: 400, history: 0, withMail: 8 });
    expect(called).toEqual([8, 8]);
    // A turn still stats each agent's resume and outbox once, so a few times the small org's cost
    // is expected; calling every agent, or reading every outbox, would cost fifty times as much.
    expect(ratio).toBeLessThan(5);
  });
});
