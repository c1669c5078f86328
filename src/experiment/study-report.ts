import type { RunMetrics } from './run-metrics.js';
import type { CheckResult } from './run-checks.js';
import { METRICS, type Better, type Comparison, type StudyStatistics } from './study-statistics.js';
import { figure, interval, table } from './report-markdown.js';
import { choose } from '../statistics/proportions.js';
import { alikeWords } from '../statistics/runs-interval.js';

export { figure } from './report-markdown.js';


function signed(value: number): string {
  return value > 0 ? `+${figure(value)}` : figure(value);
}

/** A mean's interval cell: `[low, high]`, or, where every run was alike and there is none, so said. */
function runsInterval(summary: { n: number; ci: [number, number] | null; cutAt?: number[]; alike?: true } | undefined): string {
  return summary?.alike && !summary.ci ? alikeWords(summary.n) : interval(summary?.ci, summary?.cutAt);
}

/**
 * A difference's interval cell: `[low, high]`, or, where the runs of a side were all alike on a count and
 * there is none, which: both (`every run alike (n=5 and 5)`) or one (`every baseline run alike (n=5)`).
 */
function differenceInterval(compared: Comparison, base: { name: string; n?: number; alike?: true }, own: { name: string; n?: number; alike?: true }): string {
  if (!compared.alike || compared.ci) return interval(compared.ci, compared.cutAt);
  if (base.alike && own.alike) return alikeWords(`${base.n} and ${own.n}`);
  const side = base.alike ? base : own;
  return alikeWords(side.n ?? 0, `${side.name} run`, 'runs');
}

/** A figure and its interval in one cell: `5 [4, 6]`, or `5, every run alike (n=5): no interval from the runs`. */
function withInterval(value: string, cell: string): string {
  return cell.startsWith('every ') ? `${value}, ${cell}` : `${value} ${cell}`;
}

/**
 * How a difference reads: better or worse (higher or lower, for a metric that is neither) when its
 * interval leaves out 0 and p < 0.05, else not clear; with no interval (a side of one run, or a
 * side's runs alike on a count: a difference of no width backs no reading), not clear.
 * The p given is the one adjusted for the variants compared on the metric (Comparison.adjustedP).
 */
export function verdict(difference: number, ci: [number, number] | null, p: number, better: Better): string {
  if (!ci || !(p < 0.05) || (ci[0] <= 0 && ci[1] >= 0) || difference === 0) return 'no clear difference';
  if (better === null) return difference > 0 ? '**higher**' : '**lower**';
  return (difference > 0) === (better === 'higher') ? '**better**' : '**worse**';
}

/** A metric's name in a table: with which way is better, where one is. */
export function metricName(metric: { label: string; better: Better }): string {
  return metric.better === null ? metric.label : `${metric.label} (${metric.better} is better)`;
}

/** How many runs each variant has, in words: `3 runs a variant`, or `2 to 5 runs a variant`. Every run is measured in credits. */
function runsWord(statistics: StudyStatistics): string {
  const counts = Object.values(statistics.metrics.find((metric) => metric.key === 'credits')?.variants ?? {}).map((summary) => summary.n);
  const [least, most] = [Math.min(...counts), Math.max(...counts)];
  return least === most ? `${least} run${least === 1 ? '' : 's'} a variant` : `${least} to ${most} runs a variant`;
}

/**
 * The smallest p a permutation test of the runs can give at these sizes: the observed relabelling and
 * its mirror are as extreme as any, so 2 of the C(n₁ + n₂, n₁) relabellings at least (0.1 at 3 and 3).
 */
function smallestP(statistics: StudyStatistics): number {
  const credits = statistics.metrics.find((metric) => metric.key === 'credits');
  const base = credits?.variants[statistics.baseline]?.n ?? 0;
  const sides = Object.entries(credits?.variants ?? {}).filter(([variant]) => variant !== statistics.baseline).map(([, summary]) => summary.n);
  return Math.min(1, ...sides.map((n) => 2 / choose(base + n, base)));
}

/**
 * What the adjusted p is, in words: with many variants, one of them reads as a difference by its
 * noise alone far more often than 5 % (a null among eight, a third of the time), so each p is adjusted
 * for the others compared on the same metric.
 */
function adjustedWords(compared: number): string {
  if (compared <= 1) return 'with one variant compared with the baseline, its adjusted p is its p.';
  return `adjusted p is p adjusted for the ${compared} variants compared with the baseline on the metric (Holm), so that a variant reads as a difference by its runs' noise alone in at most 5 % of such reports, however many variants there are.`;
}

/**
 * That the variants' runs are paired with the baseline's, in words: every variant runs with the
 * baseline's seeds, and Welch's intervals and the permutation test take the sides as independent.
 * Said only where every run of a compared variant has one of the baseline's seeds.
 */
function pairedWords(statistics: StudyStatistics, others: readonly string[]): string {
  const seeds = (variant: string): Array<number | null> => statistics.runs.filter((run) => run.variant === variant).map((run) => run.seed);
  const base = new Set(seeds(statistics.baseline));
  if (!others.every((variant) => seeds(variant).every((seed) => seed !== null && base.has(seed)))) return '';
  return " Every variant runs with the baseline's seeds, so its runs pair with the baseline's, seed by seed; these intervals and tests do not use the pairing, which keeps them valid, if wider than a paired test's.";
}

/** That each metric is read at its own 5 %, in words, with more than one metric. */
function metricsWords(metrics: number): string {
  return metrics <= 1 ? '' : ` Each metric keeps its own 5 %: over ${metrics} metrics that change nothing, some row may read by chance up to ${metrics} times as often.`;
}

/**
 * That a metric whose every run is 0 or 1 has Clopper–Pearson's interval, in words: said where one has.
 * A t interval of such runs held its truth in 0.883 of studies at 10 runs and a chance of 0.35
 * (tests/statistics/pass-fail-runs-coverage.test.ts); Welch's t of a difference of two such, in 0.916
 * at 10 and 30 runs (tests/statistics/pass-rate-difference-coverage.test.ts).
 */
function trialsWords(statistics: StudyStatistics): string {
  const any = statistics.metrics.some((metric) => Object.values(metric.variants).some((summary) => summary.method === 'clopper-pearson'));
  return any ? "; a pass rate whose every run is 0 or 1 (over one check) has the Clopper–Pearson interval of its runs as trials, which holds 95 % at any pass rate, and a difference of two such pass rates has Newcombe's hybrid score interval from their Clopper–Pearson limits; otherwise" : '';
}

/** What report.md says under its tables where a variant's runs were all alike on a metric. */
const ALIKE_NOTE =
  "Where every run of a variant gave the same value, a t interval would have no width and say the figure is known: a metric with bounds (a pass rate, a judged score) then has an interval of its runs as trials, Clopper–Pearson's for a pass rate at 0 or 1 (every run failing or every run passing) and Wilson's otherwise (a difference with such a variant, that interval combined with the other variant's: Newcombe's, or MOVER's where the other's runs differ), and a count or credits has none (`every run alike`), so no reading rests on it. A difference from such a variant on a count or credits has none either.";

/** Whether any variant's runs were all alike on a metric. */
function anyAlike(statistics: StudyStatistics): boolean {
  return statistics.metrics.some((metric) => Object.values(metric.variants).some((summary) => summary.alike));
}

/** The file a metric's plot is written to, relative to the report. */
export function plotFile(key: string): string {
  return `plots/${key}.svg`;
}

/**
 * The report's statistics in markdown: first each variant against the baseline (the table a person
 * reads first), then every metric per variant, pass@k and pass^k of the checks, and each run's
 * judge's verdict. Pure.
 */
export function renderStudy(statistics: StudyStatistics, runs: readonly RunMetrics[], variants: readonly string[]): string[] {
  const lines: string[] = ['## Against the baseline', ''];
  const others = variants.filter((variant) => variant !== statistics.baseline);
  const rows: string[][] = [];
  for (const variant of others) {
    for (const metric of statistics.metrics) {
      const base = metric.variants[statistics.baseline];
      const own = metric.variants[variant];
      const compared = own?.versusBaseline;
      rows.push([
        variant,
        metricName(metric),
        withInterval(figure(base?.mean), runsInterval(base)),
        withInterval(figure(own?.mean), runsInterval(own)),
        compared ? withInterval(signed(compared.difference), differenceInterval(compared, { name: statistics.baseline, ...base }, { name: variant, ...own })) : '–',
        compared ? figure(compared.p) : '–',
        compared ? figure(compared.adjustedP) : '–',
        compared ? verdict(compared.difference, compared.ci, compared.adjustedP, metric.better) : 'not measured',
      ]);
    }
  }
  if (rows.length > 0) {
    lines.push(
      `Each variant's mean against \`${statistics.baseline}\`'s, with 95% t intervals over each variant's runs (its n in the table below; a run is one value)${trialsWords(statistics)}, a difference's by Welch's t; p is a two-sided permutation test of the runs (with ${runsWord(statistics)}, the smallest p it can give is ${figure(smallestP(statistics))}); ${adjustedWords(others.length)} A difference reads as better or worse (higher or lower, for a count that is neither) when its interval leaves out 0 and its adjusted p < 0.05.${pairedWords(statistics, others)}${metricsWords(statistics.metrics.length)}`,
      '',
      ...table(['variant', 'metric', `${statistics.baseline}`, 'variant', 'difference', 'p', 'adjusted p', 'reading'], rows),
      '',
    );
  } else {
    lines.push('There is one variant only: nothing to compare it with.', '');
  }
  lines.push('## Every metric', '', ...statistics.metrics.map((metric) => `![${metric.label}](${plotFile(metric.key)})`), '');
  const perVariant: string[][] = [];
  for (const metric of statistics.metrics) {
    for (const variant of variants) {
      const summary = metric.variants[variant];
      if (summary) perVariant.push([metric.label, variant, String(summary.n), figure(summary.mean), figure(summary.sd), runsInterval(summary)]);
    }
  }
  lines.push(...table(['metric', 'variant', 'n', 'mean', 'sd', '95% interval over its runs'], perVariant), '');
  if (anyAlike(statistics)) lines.push(ALIKE_NOTE, '');
  lines.push(...METRICS.filter((metric) => statistics.metrics.some((each) => each.key === metric.key)).map((metric) => `- **${metric.label}**: ${metric.about}.`), '');
  const passRows = Object.entries(statistics.passK).flatMap(([variant, ks]) => ks.map((each) => [variant, String(each.k), figure(each.passAtK), figure(each.passHatK)]));
  if (passRows.length > 0) {
    lines.push('## Checks: pass@k and pass^k', '', 'Each check is a task and each repeat a trial: pass@k is the chance that at least one of k trials passes, pass^k that all k do (unbiased estimates, averaged over the checks).', '', ...table(['variant', 'k', 'pass@k', 'pass^k'], passRows), '');
  }
  const judged = runs.filter((run) => run.outcome?.judge || (run.outcome?.checks.length ?? 0) > 0);
  if (judged.length > 0) {
    lines.push(
      '## Scores per run',
      '',
      ...table(
        ['run', 'seed', 'checks', 'judge', 'why'],
        judged.map((run) => {
          const outcome = run.outcome;
          const checks = (outcome?.checks ?? []).map(checkCell).join(', ');
          const judge = outcome?.judge;
          return [run.run, String(outcome?.seed ?? '–'), checks || '–', judge ? `${figure(judge.score)}/${figure(judge.scale)}` : '–', judge ? inCell(judge.reason) : '–'];
        }),
      ),
      '',
    );
  }
  return lines;
}

/** Text in a table cell: on one line, its pipes escaped. */
function inCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

/** How much of a failed check's last line its cell shows. */
const WHY_CHARS = 160;

/**
 * One check of a run as the report's cell says it: passed (with its score), or failed with why: the
 * limit that stopped it, or its exit code and the last line it printed. A misspelt command fails in
 * every run alike (exit 127), which a bare "failed" reads as the runs' doing.
 */
function checkCell(check: CheckResult): string {
  const score = check.score === null ? '' : ` (${figure(check.score)})`;
  if (check.passed) return `${check.name} passed${score}`;
  const last = check.output.trim().split('\n').at(-1)?.trim() ?? '';
  const said = last.length > WHY_CHARS ? `${last.slice(0, WHY_CHARS)}…` : last;
  const why = check.stoppedBy ? `stopped by ${check.stoppedBy}` : `exit ${check.exitCode ?? 'none'}${said ? `: ${said}` : ''}`;
  return `${check.name} failed${score} (${inCell(why)})`;
}
