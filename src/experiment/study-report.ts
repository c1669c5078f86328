import type { RunMetrics } from './run-metrics.js';
import { METRICS, type StudyStatistics } from './study-statistics.js';
import { figure, interval, table } from './report-markdown.js';

export { figure } from './report-markdown.js';


function signed(value: number): string {
  return value > 0 ? `+${figure(value)}` : figure(value);
}

/** How a difference reads: better or worse when its interval leaves out 0 and p < 0.05, else not clear. */
export function verdict(difference: number, ci: [number, number], p: number, better: 'higher' | 'lower'): string {
  if (!(p < 0.05) || (ci[0] <= 0 && ci[1] >= 0) || difference === 0) return 'no clear difference';
  return (difference > 0) === (better === 'higher') ? '**better**' : '**worse**';
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
        `${metric.label} (${metric.better} is better)`,
        `${figure(base?.mean)} ${interval(base?.ci)}`,
        `${figure(own?.mean)} ${interval(own?.ci)}`,
        compared ? `${signed(compared.difference)} ${interval(compared.ci)}` : '–',
        compared ? figure(compared.p) : '–',
        compared ? verdict(compared.difference, compared.ci, compared.p, metric.better) : 'not measured',
      ]);
    }
  }
  if (rows.length > 0) {
    lines.push(
      `Each variant's mean against \`${statistics.baseline}\`'s, with 95% bootstrap intervals; p is a two-sided permutation test. A difference reads as better or worse when its interval leaves out 0 and p < 0.05.`,
      '',
      ...table(['variant', 'metric', `${statistics.baseline}`, 'variant', 'difference', 'p', 'reading'], rows),
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
      if (summary) perVariant.push([metric.label, variant, String(summary.n), figure(summary.mean), figure(summary.sd), interval(summary.ci)]);
    }
  }
  lines.push(...table(['metric', 'variant', 'n', 'mean', 'sd', '95% interval'], perVariant), '');
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
          const checks = (outcome?.checks ?? []).map((check) => `${check.name} ${check.passed ? 'passed' : 'failed'}${check.score === null ? '' : ` (${figure(check.score)})`}`).join(', ');
          const judge = outcome?.judge;
          return [run.run, String(outcome?.seed ?? '–'), checks || '–', judge ? `${figure(judge.score)}/${figure(judge.scale)}` : '–', judge ? judge.reason.replace(/\|/g, '\\|').replace(/\n/g, ' ') : '–'];
        }),
      ),
      '',
    );
  }
  return lines;
}
