import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { lemmingAsync } from '../helpers/cli.js';
import { defaultOrg } from '../helpers/temp-org.js';

/** Does removing the planner change the score, the credits and the time to answer? Repeats differ by their seeds. */
const STUDY = `name: NAME
turns: 20
parallel: 2
repeats: 5
seed: 7
variability: 0.5
messages:
  - to: manager
    subject: Release notes
    body: Please get the release notes for version 2 written and checked.
checks:
  - name: answered
    run: test -s "$SHARED/answer.md" && wc -w < "$SHARED/answer.md"
judge:
  model: offline
  rubric:
    - release notes for version 2
    - tasks split, each with what done means
    - risks named
    - checked against the definition of done
variants:
  - name: baseline
  - name: no-planner
    chart:
      manager: { send_to: [human, hr, janitor] }
`;

type Values = Record<string, number | undefined>;
interface Summary {
  n: number;
  mean: number | null;
  sd: number | null;
  ci: [number, number] | null;
  alike?: true;
  versusBaseline?: { difference: number; ci: [number, number] | null; p: number; alike?: true };
}
interface Report {
  statistics: {
    baseline: string;
    metrics: Array<{ key: string; variants: Record<string, Summary> }>;
    passK: Record<string, Array<{ k: number; passAtK: number; passHatK: number }>>;
    runs: Array<{ run: string; variant: string; seed: number; values: Values }>;
  };
  runs: Array<{ run: string; credits: number; calls: number; outcome: { seed: number; checks: Array<{ name: string; passed: boolean; score: number | null }>; judge: { score: number; scale: number; reason: string; charge: { credits: number } } } }>;
}

const RUNS = [1, 2, 3, 4, 5].flatMap((index) => [`baseline-r${index}`]).concat([1, 2, 3, 4, 5].map((index) => `no-planner-r${index}`));

// The test's own statistics, written apart from src/statistics/.
function average(values: number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}
/** Wilson's score interval of `share` of `n` trials at 95 %, worked by its formula (z = 1.959964). */
function wilsonByHand(share: number, n: number): [number, number] {
  const z = 1.959964;
  const centre = share + (z * z) / (2 * n);
  const spread = z * Math.sqrt((share * (1 - share)) / n + (z * z) / (4 * n * n));
  return [(centre - spread) / (1 + (z * z) / n), (centre + spread) / (1 + (z * z) / n)];
}
/** The binomial chance of `k` or more successes in `n` trials of chance `p`, summed term by term. */
function atLeast(k: number, n: number, p: number): number {
  let sum = 0;
  let term = (1 - p) ** n;
  for (let index = 0; index <= n; index += 1) {
    if (index >= k) sum += term;
    term *= ((n - index) / (index + 1)) * (p / (1 - p));
  }
  return sum;
}
/** Clopper–Pearson's interval of `k` of `n` trials at 95 %: the chances whose binomial tails at k are 2.5 % each, found by halving. */
function clopperPearsonByHand(k: number, n: number): [number, number] {
  const solve = (tail: (p: number) => number): number => {
    let [low, high] = [0, 1];
    for (let step = 0; step < 60; step += 1) {
      const middle = (low + high) / 2;
      if (tail(middle) < 0.025) low = middle;
      else high = middle;
    }
    return (low + high) / 2;
  };
  return [k === 0 ? 0 : solve((p) => atLeast(k, n, p)), k === n ? 1 : 1 - solve((p) => atLeast(n - k, n, p))];
}
/** The metrics with bounds in this study: a pass rate 0 to 1, the judge's score 0 to its scale of 10. */
const BOUNDED: Record<string, number> = { pass_rate: 1, score: 10 };
function sampleSd(values: number[]): number {
  const centre = average(values);
  return values.length < 2 ? 0 : Math.sqrt(values.reduce((sum, value) => sum + (value - centre) * (value - centre), 0) / (values.length - 1));
}
/**
 * Student's t quantiles at 0.975, from a table (scipy's `stats.t.ppf(0.975, df)`), not from
 * src/statistics: each variant's interval is a t interval over its runs, and a Welch difference's
 * degrees of freedom lie between the smaller side's and the pooled ones.
 */
const T_975: Record<number, number> = { 2: 4.302652729749464, 3: 3.182446305284263, 4: 2.7764451051977987, 5: 2.5705818356363146, 6: 2.4469118511449692, 7: 2.3646242510102993, 8: 2.306004135204166 };
/** The exact two-sided permutation p: every split of the pooled values into groups of the sizes given, by bit mask. */
function exactPermutationP(a: number[], b: number[]): number {
  const pooled = [...a, ...b];
  const observed = Math.abs(average(b) - average(a));
  let splits = 0;
  let hits = 0;
  for (let mask = 0; mask < 1 << pooled.length; mask += 1) {
    const first = pooled.filter((_, index) => mask & (1 << index));
    if (first.length !== a.length) continue;
    const second = pooled.filter((_, index) => !(mask & (1 << index)));
    splits += 1;
    if (Math.abs(average(second) - average(first)) >= observed - 1e-9) hits += 1;
  }
  return hits / splits;
}
function choose(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let result = 1;
  for (let index = 0; index < k; index += 1) result = (result * (n - index)) / (index + 1);
  return result;
}

function outboxFiles(run: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const agent of readdirSync(join(run, 'agents'))) {
    let names: string[] = [];
    try {
      names = readdirSync(join(run, 'agents', agent, 'outbox'));
    } catch {
      continue;
    }
    for (const name of names) files[`${agent}/${name}`] = readFileSync(join(run, 'agents', agent, 'outbox', name), 'utf8');
  }
  return files;
}

describe('experiment outcomes: checks, a judge, seeded repeats and statistics', () => {
  test('two variants × 5 seeded repeats: scored, compared with intervals and p-values a second computation agrees with; the same seeds give the same runs', { timeout: 300_000 }, async () => {
    const root = defaultOrg();
    writeFileSync(join(root, 'study.yaml'), STUDY.replace('NAME', 'planner'));
    const result = await lemmingAsync(root, ['experiment', join(root, 'study.yaml')]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/baseline-r1: idle after turn \d+, \d+ message\(s\), [\d.]+ credits, checks 1\/1 passed, judged [\d.]+\/10/);
    const folder = join(root, 'experiments/planner');
    const report = JSON.parse(readFileSync(join(folder, 'report.json'), 'utf8')) as Report;

    // Each repeat's seed is in its run folder: the experiment's seed plus the repeat's index, in every variant.
    for (const run of RUNS) {
      const seed = 7 + Number(run.slice(-1)) - 1;
      expect(JSON.parse(readFileSync(join(folder, run, 'experiment-prepared.json'), 'utf8'))).toMatchObject({ seed });
      expect(readFileSync(join(folder, run, 'org/org.yaml'), 'utf8')).toMatch(new RegExp(`offline:\\n(\\s+\\w+: .*\\n)*?\\s+seed: ${seed}\\n\\s+variability: 0.5`));
    }
    // Repeats of one variant differ (the seeds chose other routes), yet each is a whole run.
    const baselines = new Set(RUNS.slice(0, 5).map((run) => JSON.stringify(Object.keys(outboxFiles(join(folder, run))).sort())));
    expect(baselines.size).toBeGreaterThan(1);

    // The raw per-run values are the runs' own: credits from their ledgers, the score the judge's, the pass rate the check's.
    const statistics = report.statistics;
    expect(statistics.runs.map((run) => run.run)).toEqual(RUNS);
    for (const run of report.runs) {
      const values = statistics.runs.find((each) => each.run === run.run)?.values ?? {};
      expect(values.credits).toBe(run.credits);
      expect(values.score).toBe(run.outcome.judge.score);
      expect(values.pass_rate).toBe(run.outcome.checks.filter((check) => check.passed).length / run.outcome.checks.length);
      // The check printed the answer's word count last: its score.
      const answer = Object.entries(outboxFiles(join(folder, run.run))).filter(([name]) => /-human\.md$/.test(name)).sort(([left], [right]) => (left.split('/')[1] ?? '').localeCompare(right.split('/')[1] ?? '')).at(-1);
      expect(run.outcome.checks[0]?.score).toBeGreaterThan(0);
      expect(answer).toBeDefined();
    }

    // Every metric, every variant: n, mean and sd exactly; the interval is the t interval over the runs, computed here apart.
    const sample = (variant: string, key: string): number[] => statistics.runs.filter((run) => run.variant === variant).flatMap((run) => (run.values[key] === undefined ? [] : [run.values[key] as number]));
    expect(statistics.metrics.map((metric) => metric.key)).toEqual(['score', 'pass_rate', 'credits', 'turns_to_answer', 'messages', 'refusals']);
    for (const metric of statistics.metrics) {
      const base = sample('baseline', metric.key);
      for (const variant of ['baseline', 'no-planner']) {
        const values = sample(variant, metric.key);
        const summary = metric.variants[variant] as Summary;
        expect(summary.n).toBe(values.length);
        expect(summary.mean).toBeCloseTo(average(values), 9);
        expect(summary.sd).toBeCloseTo(sampleSd(values), 9);
        const [low, high] = summary.ci ?? [NaN, NaN];
        const alike = values.every((value) => value === values[0]);
        const bound = BOUNDED[metric.key];
        if (metric.key === 'pass_rate' && values.every((value) => value === 0 || value === 1)) {
          // A pass rate whose every run passed or failed (one check): its runs are trials, Clopper–Pearson's interval of them.
          const [exactLow, exactHigh] = clopperPearsonByHand(values.filter((value) => value === 1).length, values.length);
          expect(low).toBeCloseTo(exactLow, 6);
          expect(high).toBeCloseTo(exactHigh, 6);
        } else if (alike) {
          // Runs all alike show no spread: a bounded metric's Wilson interval over the runs as trials, else none (not [x, x]).
          expect(summary.alike).toBe(true);
          if (bound === undefined) expect(summary.ci).toBeNull();
          else {
            const [wilsonLow, wilsonHigh] = wilsonByHand(values[0]! / bound, values.length);
            expect(low).toBeCloseTo(wilsonLow * bound, 6);
            expect(high).toBeCloseTo(wilsonHigh * bound, 6);
            expect(high - low).toBeGreaterThan(0);
          }
        } else {
          expect(low).toBeLessThanOrEqual((summary.mean ?? NaN) + 1e-9);
          expect(high).toBeGreaterThanOrEqual((summary.mean ?? NaN) - 1e-9);
          // A t interval over the runs: the mean ± t(0.975, n − 1) standard errors, kept within the metric's bounds.
          const half = (T_975[values.length - 1] ?? NaN) * (sampleSd(values) / Math.sqrt(values.length));
          expect(low).toBeCloseTo(Math.max(0, average(values) - half), 6);
          expect(high).toBeCloseTo(Math.min(bound ?? Infinity, average(values) + half), 6);
        }
        if (variant === 'baseline') continue;
        const compared = summary.versusBaseline;
        expect(compared?.difference).toBeCloseTo(average(values) - average(base), 9);
        expect(compared?.p).toBeCloseTo(exactPermutationP(base, values), 9);
        if (alike || base.every((value) => value === base[0])) {
          // A side alike shows no spread, and Welch's t would take it as known: a bounded metric's interval is each side's
          // own (checked above) combined by Newcombe's rule, which has width; any other has none.
          expect(compared?.alike).toBe(true);
          if (bound === undefined) {
            expect(compared?.ci).toBeNull();
            continue;
          }
          const [baseLow, baseHigh] = (metric.variants.baseline as Summary).ci ?? [NaN, NaN];
          const difference = average(values) - average(base);
          expect(compared?.ci?.[0]).toBeCloseTo(difference - Math.hypot(average(values) - low, baseHigh - average(base)), 6);
          expect(compared?.ci?.[1]).toBeCloseTo(difference + Math.hypot(high - average(values), average(base) - baseLow), 6);
          expect((compared?.ci?.[1] ?? NaN) - (compared?.ci?.[0] ?? NaN)).toBeGreaterThan(0);
          continue;
        }
        // Welch's: centred on the difference, its half-width the standard error of the difference times a t quantile
        // between the pooled degrees of freedom's and the smaller side's.
        const error = Math.sqrt(sampleSd(values) ** 2 / values.length + sampleSd(base) ** 2 / base.length);
        const [differenceLow, differenceHigh] = compared?.ci ?? [NaN, NaN];
        expect((differenceLow + differenceHigh) / 2).toBeCloseTo(average(values) - average(base), 6);
        const quantile = error === 0 ? 0 : (differenceHigh - differenceLow) / 2 / error;
        if (error > 0) {
          expect(quantile).toBeGreaterThanOrEqual((T_975[values.length + base.length - 2] ?? NaN) - 1e-6);
          expect(quantile).toBeLessThanOrEqual((T_975[Math.min(values.length, base.length) - 1] ?? NaN) + 1e-6);
        }
      }
    }
    // pass@k and pass^k from the runs' check results (one check: one task, five trials).
    for (const variant of ['baseline', 'no-planner']) {
      const runs = report.runs.filter((run) => run.run.startsWith(`${variant}-r`));
      const passed = runs.filter((run) => run.outcome.checks[0]?.passed).length;
      expect(statistics.passK[variant]?.map((each) => each.k)).toEqual([1, 2, 3, 4, 5]);
      for (const each of statistics.passK[variant] ?? []) {
        expect(each.passHatK).toBeCloseTo(choose(passed, each.k) / choose(5, each.k), 9);
        expect(each.passAtK).toBeCloseTo(1 - choose(5 - passed, each.k) / choose(5, each.k), 9);
      }
    }
    // The planner's absence reads as fewer turns to the answer and fewer credits, and the table says how sure.
    const markdown = readFileSync(join(folder, 'report.md'), 'utf8');
    expect(markdown.indexOf('## Against the baseline')).toBeLessThan(markdown.indexOf('## Variants'));
    expect(markdown).toMatch(/\| no-planner \| credits \(lower is better\) \| [\d.]+ \[[\d.]+, [\d.]+\] \| [\d.]+ \[[\d.]+, [\d.]+\] \| -[\d.]+ \[-[\d.]+, -[\d.e-]+\] \| [\d.]+ \| [\d.]+ \| \*\*better\*\* \|/);
    for (const key of ['score', 'pass_rate', 'credits', 'turns_to_answer', 'messages', 'refusals']) {
      expect(markdown).toContain(`(plots/${key}.svg)`);
      const plot = readFileSync(join(folder, 'plots', `${key}.svg`), 'utf8');
      expect(plot).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      // Drawn by Vega from the Vega-Lite spec kept beside it, which a person can open and change.
      expect(JSON.parse(readFileSync(join(folder, 'plots', `${key}.vl.json`), 'utf8'))).toMatchObject({ $schema: expect.stringContaining('vega-lite') });
      expect(plot.match(/aria-roledescription="circle"/g)).toHaveLength(key === 'turns_to_answer' ? sample('baseline', key).length + sample('no-planner', key).length : 10);
    }

    // The judge's calls are on the experiment's own ledger, one a run, and on no agent's: each run's ledger holds its agents' charges only.
    const judged = readFileSync(join(folder, 'ledger.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { agent: string; run: string; credits: number; purpose: string });
    expect(judged.map((line) => line.run).sort()).toEqual([...RUNS].sort());
    for (const line of judged) expect(line).toMatchObject({ agent: 'experiment', purpose: 'judge' });
    for (const run of report.runs) {
      expect(judged.find((line) => line.run === run.run)?.credits).toBe(run.outcome.judge.charge.credits);
      expect(run.outcome.judge.charge.credits).toBeGreaterThan(0);
      const charges = readFileSync(join(folder, run.run, 'org/state/ledger.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { type: string; agent: string; credits: number });
      expect(charges.filter((line) => line.type === 'charge')).toHaveLength(run.calls);
      expect(charges.some((line) => line.agent === 'experiment')).toBe(false);
      const spent = charges.filter((line) => line.type === 'charge').reduce((sum, line) => sum + line.credits, 0);
      expect(spent).toBeCloseTo(run.credits, 9);
    }

    // The same file under another name: the same seeds, the same runs, message file for message file (but for the wall-clock `created:`).
    writeFileSync(join(root, 'again.yaml'), STUDY.replace('NAME', 'again'));
    const again = await lemmingAsync(root, ['experiment', join(root, 'again.yaml')]);
    expect(again.status, again.stderr).toBe(0);
    const stamp = (files: Record<string, string>): Record<string, string> => Object.fromEntries(Object.entries(files).map(([name, text]) => [name, text.replace(/^created: .*$/m, 'created: -')]));
    for (const run of RUNS) {
      const first = outboxFiles(join(folder, run));
      expect(Object.keys(first).length).toBeGreaterThan(0);
      expect(stamp(outboxFiles(join(root, 'experiments/again', run)))).toEqual(stamp(first));
    }
    const repeated = JSON.parse(readFileSync(join(root, 'experiments/again/report.json'), 'utf8')) as Report;
    expect(repeated.statistics.runs).toEqual(statistics.runs);
    expect(repeated.statistics.metrics).toEqual(statistics.metrics);
  });
});
