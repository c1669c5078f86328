import { describe, expect, test } from 'vitest';
import { buildPrompt } from '../../src/engine/turn/build-prompt.js';
import { lastNumber } from '../../src/experiment/run-checks.js';
import { readVerdict, rubricCoverage } from '../../src/experiment/judge.js';
import { bootstrapMean } from '../../src/statistics/bootstrap.js';
import { permutationTest } from '../../src/statistics/permutation-test.js';
import { passAtK, passHatK, wilsonInterval } from '../../src/statistics/proportions.js';
import { mean, standardDeviation } from '../../src/statistics/summary.js';
import { loadOrg } from '../../src/org/load-org-once.js';
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
    expect(standardDeviation([3])).toBeNaN();
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
  /** The labels of the x axis's ticks, as the SVG writes them. */
  function xTicks(svg: string): string[] {
    const axis = svg.slice(svg.indexOf('aria-label="X-axis'));
    const labels = axis.slice(axis.indexOf('role-axis-label'), axis.indexOf('role-axis-domain'));
    return [...labels.matchAll(/>([^<>]+)<\/text>/g)].map((match) => match[1] as string);
  }

  test('has round ticks from zero, the unit in the axis title, and a dot per run', { timeout: 60_000 }, async () => {
    const { metricPlotSpec } = await import('../../src/experiment/metric-plot.js');
    const { renderChart } = await import('../../src/charts/render-chart.js');
    // The scores of the report that showed `0, 1.969, 3.938, 5.906, 7.875` on its axis.
    const runs = [1.969, 7.875, 3.2, 0.5].map((score, index) => ({ run: `r${index + 1}`, variant: index < 2 ? 'a' : 'b', seed: index, values: { score } }));
    const metric = { key: 'score' as const, label: 'score', better: 'higher' as const, variants: { a: { n: 2, mean: 4.922, sd: 4.18, ci: [1.969, 7.875] as [number, number] }, b: { n: 2, mean: 1.85, sd: 1.9, ci: [0.5, 3.2] as [number, number] } } };
    const svg = await renderChart(metricPlotSpec(metric, runs, ['a', 'b']));
    expect(xTicks(svg)).toEqual(['0', '2', '4', '6', '8']);
    expect(svg).toContain("X-axis titled 'score (the judge's points, else the checks' mean)'");
    expect(svg.match(/aria-roledescription="circle"/g)).toHaveLength(4);
    expect(svg).toContain('run: r2; value: 7.875');

    const credits = [0.01, 0.05, 0.048].map((value, index) => ({ run: `c${index + 1}`, variant: 'a', seed: index, values: { credits: value } }));
    const spent = { key: 'credits' as const, label: 'credits', better: 'lower' as const, variants: { a: { n: 3, mean: 0.036, sd: 0.02, ci: [0.01, 0.05] as [number, number] } } };
    const small = await renderChart(metricPlotSpec(spent, credits, ['a']));
    const ticks = xTicks(small);
    expect(ticks[0]).toMatch(/^0(\.0+)?$/);
    expect(Number(ticks.at(-1))).toBeCloseTo(0.05, 9);
    // Every tick a round step: the same difference from one to the next, a multiple of 1, 2 or 5 times a power of ten.
    const steps = ticks.slice(1).map((tick, index) => Number(tick) - Number(ticks[index]));
    for (const step of steps) expect(step).toBeCloseTo(steps[0] as number, 9);
    expect([1, 2, 5]).toContain(Math.round((steps[0] as number) / 10 ** Math.floor(Math.log10(steps[0] as number))));
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
