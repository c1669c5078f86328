import { describe, expect, it } from 'vitest';
import { blameSimulated, simulatedRun } from '../../src/blame/simulated-run.js';

/**
 * Failed runs with no single culprit: every changed fork and every control passes at the same rate, so
 * any step blame calls an `effect` is a false one. 50 steps, blame's default strategy (per-step), k
 * changed forks and k controls a step; 200 seeded runs a cell, enough to tell 5 % (at most 10 runs,
 * Wilson [2.7, 9.0] %) from the 25 % the 50 uncorrected tests gave (issue 74).
 */
const TRIALS = 200;

/**
 * Of TRIALS seeded runs of 50 steps, blamed per step with k forks and k controls: how often the step
 * ranked first is called an effect, any step is (the family-wise error where none has one), and the
 * step ranked first is the culprit and called one.
 */
async function effects(k: number, rate: number, culpritFlip = rate): Promise<{ called: number; any: number; culprit: number }> {
  let called = 0;
  let any = 0;
  let culprit = 0;
  for (let trial = 0; trial < TRIALS; trial += 1) {
    const run = simulatedRun({ steps: 50, agents: 5, culprit: (trial * 7) % 50, culpritFlip, noise: rate, control: rate });
    const found = await blameSimulated(run, { strategy: 'per-step', k, controls: k, confidence: 0.95, budget: 0, firstPass: 0 }, 1000 * k + trial + 1);
    if (found.steps[0]!.verdict === 'effect') called += 1;
    if (found.steps.some((step) => step.verdict === 'effect')) any += 1;
    if (found.steps[0]!.verdict === 'effect' && found.stepRank === 1) culprit += 1;
  }
  return { called, any, culprit };
}

describe('blame on runs with no culprit: the false-effect rate of the step ranked first, and of any step', () => {
  for (const [k, rate] of [[10, 0.3], [20, 0.1], [20, 0.3], [20, 0.5]] as const) {
    it(`is at most 5 % under the default strategy at 50 steps, k = ${k}, every fork and control passing ${rate * 100} %`, async () => {
      const { called, any } = await effects(k, rate);
      expect(called).toBeLessThanOrEqual(0.05 * TRIALS);
      expect(any).toBeLessThanOrEqual(0.05 * TRIALS);
    });
  }

  it('still calls a decisive culprit an effect: flipping 90 % of its forks among 49 steps and controls at 10 %, k = 10', async () => {
    expect((await effects(10, 0.1, 0.9)).culprit).toBeGreaterThanOrEqual(0.9 * TRIALS);
  });
});
