import { CHART_PAGE } from '../charts/chart-look.js';
import { VEGA_LITE_SCHEMA, type ChartSpec } from '../charts/render-chart.js';
import type { MetricKey, RunValues, StudyStatistics } from './study-statistics.js';

/**
 * What each metric's axis says, with its unit; `counted` metrics get whole ticks, `share` ones
 * percentages; `none` is what a variant none of whose runs has a value is marked with (it stays in
 * the plot: a variant in which nobody answered is a finding, not a gap).
 */
const AXES: Record<MetricKey, { title: string; counted?: true; share?: true; none: string }> = {
  score: { title: "score (the judge's points, else the checks' mean)", none: 'no run was scored' },
  pass_rate: { title: 'pass rate (share of the checks passed)', share: true, none: 'no run was checked' },
  credits: { title: 'credits spent', none: 'no run' },
  turns_to_answer: { title: 'turns to the first answer to the human', counted: true, none: 'no run answered the human' },
  messages: { title: 'messages sent', counted: true, none: 'no run' },
  refusals: { title: 'sends refused', counted: true, none: 'no run' },
};

/**
 * One metric's distribution per variant as a Vega-Lite spec: a box (quartiles, median, whiskers
 * to the extremes), every run as a dot (spread up and down by its index so equal values stay
 * visible), and the mean as a diamond on its 95% interval. The axis starts at zero, with round
 * ticks and the metric's unit in its title.
 */
export function metricPlotSpec(metric: StudyStatistics['metrics'][number], runs: readonly RunValues[], variants: readonly string[]): ChartSpec {
  const axis = AXES[metric.key];
  const named = variants.map((variant) => ({ variant, n: runs.filter((run) => run.variant === variant && run.values[metric.key] !== undefined).length }));
  const label = new Map(named.map(({ variant, n }) => [variant, n === 0 ? `${variant} (n=0: ${axis.none})` : `${variant} (n=${n})`]));
  const order = named.map(({ variant }) => label.get(variant) as string);
  const runRows = variants.flatMap((variant) =>
    runs
      .filter((run) => run.variant === variant && run.values[metric.key] !== undefined)
      .map((run, index) => ({ variant: label.get(variant), run: run.run, value: run.values[metric.key] as number, spread: ((index * 7) % 17) - 8 })),
  );
  const means = variants.flatMap((variant) => {
    const summary = metric.variants[variant];
    return summary?.ci && summary.mean !== null ? [{ variant: label.get(variant), mean: summary.mean, low: summary.ci[0], high: summary.ci[1] }] : [];
  });
  const x = {
    type: 'quantitative',
    title: axis.title,
    scale: { zero: true, nice: true },
    axis: { tickCount: 5, ...(axis.counted ? { tickMinStep: 1, format: 'd' } : {}), ...(axis.share ? { format: '.0%' } : {}) },
  } as const;
  // Every variant on the axis, those with no value too: a scale's domain drawn from the data alone would drop them.
  const y = { field: 'variant', type: 'nominal', title: 'variant', sort: order, scale: { domain: order } } as const;
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: `${metric.label} per run${metric.better === null ? '' : ` (${metric.better} is better)`}`, subtitle: 'box: quartiles and median; dots: runs; diamond and bar: mean and its 95% interval' },
    width: 480,
    height: { step: 56 },
    layer: [
      { data: { values: runRows }, mark: { type: 'boxplot', extent: 'min-max', opacity: 0.35, median: { color: '#222' } }, encoding: { y, x: { ...x, field: 'value' }, color: { field: 'variant', type: 'nominal', sort: order, legend: null } } },
      {
        data: { values: runRows },
        // Each dot moved up or down by its own few pixels (`spread`), as the mark's offset.
        mark: { type: 'circle', size: 30, opacity: 0.9, yOffset: { expr: 'datum.spread' } },
        encoding: { y, x: { ...x, field: 'value' }, color: { field: 'variant', type: 'nominal', sort: order, legend: null }, tooltip: [{ field: 'run' }, { field: 'value', type: 'quantitative' }] },
      },
      {
        data: { values: means },
        layer: [
          { mark: { type: 'rule', strokeWidth: 2, color: '#222', yOffset: 18 }, encoding: { y, x: { ...x, field: 'low' }, x2: { field: 'high' } } },
          { mark: { type: 'point', shape: 'diamond', filled: true, size: 80, color: '#222', yOffset: 18 }, encoding: { y, x: { ...x, field: 'mean' } } },
        ],
      },
    ],
    config: CHART_PAGE,
  } as ChartSpec;
}
