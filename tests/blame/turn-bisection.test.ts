import { describe, expect, it } from 'vitest';
import { bisectTurns, mostProbes } from '../../src/blame/turn-bisection.js';
import { blameSimulated, simulatedProbe, simulatedRun } from '../../src/blame/simulated-run.js';

const settings = { k: 6, controls: 6, confidence: 0.95, budget: 0, firstPass: 0 };

describe('bisection over turns', () => {
  it('finds the culprit of a 40-turn run in about log2 T probes, for at most a quarter of forking every step', async () => {
    const trials = 20;
    let first = 0;
    for (let trial = 0; trial < trials; trial += 1) {
      const run = simulatedRun({ steps: 40, agents: 4, culprit: (trial * 7) % 40, culpritFlip: 0.9, noise: 0.01 });
      const found = await blameSimulated(run, { ...settings, strategy: 'bisect' }, trial + 1);
      expect(found.record.ran).toBe('bisect');
      expect(found.record.bisection!.probes.length).toBeLessThanOrEqual(1 + mostProbes(40));
      // Forking every step: 40 steps, 6 forks and 6 controls each.
      expect(found.forks).toBeLessThanOrEqual((40 * 12) / 4);
      if (found.stepRank === 1) first += 1;
    }
    expect(first / trials).toBeGreaterThanOrEqual(0.75);
  });

  it('falls back to the per-step search, and says why, where changing more calls makes passing less likely', async () => {
    const run = simulatedRun({ steps: 40, agents: 4, culprit: 20, culpritFlip: 0.9, noise: 0.01 });
    const found = await bisectTurns(run.steps.map((step) => step.turn), { k: 6, significance: 0.05 }, { turn: Infinity, forks: 6, passed: 0 }, simulatedProbe(run, 3, true));
    expect(found.turn).toBeUndefined();
    expect(found.fallback).toMatch(/^changing every call from turn 1 on passed 0 of 6, no more often than the run as it was \(0 of 6\)/);
    const broken = await bisectTurns(run.steps.map((step) => step.turn), { k: 6, significance: 0.05 }, { turn: Infinity, forks: 6, passed: 0 }, async (turn, k) => ({ turn, forks: k, passed: turn === 1 ? 1 : k }));
    expect(broken.fallback).toMatch(/^changing the calls from turn 21 on passed 6 of 6, more often than changing those from turn 1 on \(1 of 6\): changing more calls made passing less likely, so bisection's assumption fails on this run/);
  });

  it('a run where the assumption fails is searched step by step, every step forked', async () => {
    const run = simulatedRun({ steps: 8, agents: 2, culprit: 3, culpritFlip: 1, noise: 0 });
    const found = await blameSimulated({ ...run, steps: run.steps.map((step) => ({ ...step, flip: step.flip })) }, { ...settings, k: 2, controls: 2, strategy: 'bisect' }, 1);
    expect(found.record.ran).toBe('bisect');
    expect(found.stepRank).toBe(1);
    const none = await blameSimulated(simulatedRun({ steps: 8, agents: 2, culprit: 3, culpritFlip: 0, noise: 0 }), { ...settings, k: 2, controls: 2, strategy: 'bisect' }, 1);
    expect(none.record.ran).toBe('per-step');
    expect(none.record.bisection!.fallback).toMatch(/nothing for bisection to follow/);
    // The unchanged run's 2 forks, one probe of 2, then every step's 2 forks and 2 controls (the first step's controls already run).
    expect(none.forks).toBe(2 + 2 + 8 * 4 - 2);
  });
});
