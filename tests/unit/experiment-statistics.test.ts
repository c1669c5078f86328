import { describe, expect, test } from 'vitest';
import { buildPrompt } from '../../src/engine/turn/build-prompt.js';
import { lastNumber } from '../../src/experiment/run-checks.js';
import { readVerdict, rubricCoverage } from '../../src/experiment/judge.js';
import { bootstrapMean, mean, passAtK, passHatK, permutationTest, standardDeviation, wilsonInterval } from '../../src/experiment/statistics.js';
import { loadOrg } from '../../src/org/load-org.js';
import { OfflineProvider } from '../../src/providers/offline/offline-provider.js';
import { defaultOrg } from '../helpers/temp-org.js';

describe('an experiment report\'s statistics', () => {
  test('the Wilson interval of a pass rate, worked by hand, is not [1, 1] for every try passing', () => {
    // 3 of 6: centre (3 + 1.92)/(6 + 3.84) = 0.5, half-width 1.96·√(1.5 + 0.96)/9.84 = 0.3124.
    const [low, high] = wilsonInterval(3, 6);
    expect(low).toBeCloseTo(0.1876, 3);
    expect(high).toBeCloseTo(0.8124, 3);
    // 0 of 6: from 0 to 2·1.92/9.84 = 0.390.
    expect(wilsonInterval(0, 6)[0]).toBe(0);
    expect(wilsonInterval(0, 6)[1]).toBeCloseTo(0.3903, 3);
    expect(wilsonInterval(3, 3)[0]).toBeLessThan(0.5);
    expect(wilsonInterval(3, 3)[1]).toBeCloseTo(1, 9);
  });

  test('mean and sample standard deviation', () => {
    expect(mean([2, 4, 4, 4, 5, 5, 7, 9])).toBe(5);
    expect(standardDeviation([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(Math.sqrt(32 / 7), 12);
    expect(standardDeviation([3])).toBe(0);
  });

  test('the bootstrap interval is seeded: the same seed, the same interval; it lies within the sample', () => {
    const values = [1, 3, 3, 6, 10];
    expect(bootstrapMean(values, 42)).toEqual(bootstrapMean(values, 42));
    const [low, high] = bootstrapMean(values, 42);
    expect(low).toBeGreaterThanOrEqual(1);
    expect(high).toBeLessThanOrEqual(10);
    expect(low).toBeLessThan(mean(values));
    expect(high).toBeGreaterThan(mean(values));
  });

  test('the permutation test: 5 against 5 wholly apart is 2/252; identical groups give 1', () => {
    expect(permutationTest([1, 2, 3, 4, 5], [6, 7, 8, 9, 10], 1)).toBeCloseTo(2 / 252, 12);
    expect(permutationTest([3, 3, 3], [3, 3, 3], 1)).toBe(1);
    // Past the exact limit (C(40, 20) relabellings) it draws: seeded, and still about as small.
    const a = Array.from({ length: 20 }, (_, index) => index);
    const b = a.map((value) => value + 30);
    const p = permutationTest(a, b, 9);
    expect(p).toBe(permutationTest(a, b, 9));
    expect(p).toBeLessThan(0.001);
  });

  test('pass@k and pass^k (τ-bench): 3 passes in 5 trials', () => {
    expect(passAtK(5, 3, 1)).toBeCloseTo(0.6, 12);
    expect(passHatK(5, 3, 1)).toBeCloseTo(0.6, 12);
    expect(passHatK(5, 3, 2)).toBeCloseTo(3 / 10, 12);
    expect(passAtK(5, 3, 3)).toBe(1);
    expect(passHatK(5, 3, 4)).toBe(0);
  });
});

describe('scoring a run', () => {
  test('a check\'s score is the number on the last line of its output, or none', () => {
    expect(lastNumber('checked 3 files\n0.75\n')).toBe(0.75);
    expect(lastNumber('42')).toBe(42);
    expect(lastNumber('score: 4\nall good')).toBeNull();
    expect(lastNumber('')).toBeNull();
  });

  test('the offline judge scores rubric coverage, and says which items are covered and which missed', () => {
    const judged = rubricCoverage(['names the risks', 'gives a timeline', 'budget for hiring'], 'The risks are listed, and the budget question is open.', 10);
    expect(judged.score).toBeCloseTo(20 / 3, 3);
    expect(judged.reason).toBe('covers 2 of 3 rubric item(s): names the risks; budget for hiring. Misses: gives a timeline.');
    expect(readVerdict('SCORE: 7\nREASON: clear and complete', 10)).toEqual({ score: 7, reason: 'clear and complete' });
    expect(readVerdict('no verdict here', 10).score).toBeNull();
  });
});

describe('the offline model\'s variability', () => {
  const { org } = loadOrg(defaultOrg());
  const manager = org.agents.get('manager');
  if (!manager) throw new Error('manager');
  const task = { id: '000000-human-001', from: 'human', turn: 0, priority: 'normal' as const, subject: 'Plan the first release', body: 'Break the work into tasks and build it.' };
  const request = buildPrompt({ org, agent: manager, modelKey: 'offline', turn: 3, inbox: [task], memory: new Map(), reason: 'mail' }).request;

  test('at 0 a seed changes nothing; above 0 a seed chooses, and the same seed chooses alike', async () => {
    const usual = await new OfflineProvider().generate(request);
    expect(await new OfflineProvider({ seed: 12345, variability: 0 }).generate(request)).toEqual(usual);
    const answers = await Promise.all(Array.from({ length: 40 }, (_, seed) => new OfflineProvider({ seed, variability: 1 }).generate(request)));
    const routes = new Set(answers.map((answer) => (answer.toolCalls[0]?.arguments as { to?: string }).to));
    expect(routes.size).toBeGreaterThan(1);
    expect(answers.some((answer) => !answer.toolCalls.some((call) => call.name === 'remember'))).toBe(true);
    for (const seed of [3, 17]) expect(await new OfflineProvider({ seed, variability: 1 }).generate(request)).toEqual(answers[seed]);
  });
});

describe('a metric\'s plot', () => {
  test('is scaled to the values, small ones included: the largest run sits near the right end', async () => {
    const { renderMetricPlot } = await import('../../src/experiment/metric-plot.js');
    const runs = [0.01, 0.05, 0.048].map((credits, index) => ({ run: `a-r${index + 1}`, variant: 'a', seed: index, values: { credits } }));
    const metric = { key: 'credits' as const, label: 'credits', better: 'lower' as const, variants: { a: { n: 3, mean: 0.036, sd: 0.02, ci: [0.01, 0.05] as [number, number] } } };
    const svg = renderMetricPlot(metric, runs, ['a']);
    const xs = [...svg.matchAll(/<circle cx="([\d.]+)"/g)].map((match) => Number(match[1]));
    expect(xs).toHaveLength(3);
    expect(Math.max(...xs)).toBeGreaterThan(600);
    expect(Math.min(...xs)).toBeLessThan(300);
  });
});

describe('a variant\'s scoring settings', () => {
  test('its checks follow the experiment\'s; its judge and variability replace the experiment\'s', async () => {
    const { variantOutcome } = await import('../../src/experiment/outcome-settings.js');
    const judge = { model: 'offline', rubric: ['clear'], scale: 10, thread: false };
    const own = { ...judge, scale: 5 };
    const experiment = { seed: 3, variability: 0.2, checks: [{ name: 'a', run: 'true' }], judge };
    expect(variantOutcome(experiment, {})).toEqual({ seed: 3, variability: 0.2, checks: [{ name: 'a', run: 'true' }], judge });
    expect(variantOutcome(experiment, { variability: 0, checks: [{ name: 'b', run: 'false' }], judge: own })).toEqual({ seed: 3, variability: 0, checks: [{ name: 'a', run: 'true' }, { name: 'b', run: 'false' }], judge: own });
  });
});
