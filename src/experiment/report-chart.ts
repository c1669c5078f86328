import { CHART_PAGE } from '../charts/chart-look.js';
import { VEGA_LITE_SCHEMA, type ChartSpec } from '../charts/render-chart.js';
import type { VariantSummary } from './variant-summary.js';

/** One panel: a horizontal bar per variant from zero, its value written beside it, the axis titled with its unit (whole ticks for what is counted). */
function panel(title: string, axisTitle: string, rows: Array<{ variant: string; value: number | null }>, counted: boolean, variants: readonly string[]) {
  const values = rows.map((row) => ({ variant: row.variant, value: row.value ?? 0, shown: row.value === null ? 'n/a' : Number(row.value.toPrecision(3)).toString() }));
  const y = { field: 'variant', type: 'nominal', title: 'variant', sort: [...variants] } as const;
  return {
    title,
    width: 460,
    data: { values },
    encoding: { y },
    layer: [
      {
        mark: { type: 'bar' },
        encoding: {
          x: { field: 'value', type: 'quantitative', title: axisTitle, scale: { zero: true, nice: true }, axis: { tickCount: 5, ...(counted ? { tickMinStep: 1, format: 'd' } : {}) } },
          color: { field: 'variant', type: 'nominal', sort: [...variants], legend: null },
        },
      },
      { mark: { type: 'text', align: 'left', dx: 4 }, encoding: { x: { field: 'value', type: 'quantitative' }, text: { field: 'shown' } } },
    ],
  };
}

/**
 * The report's picture as a Vega-Lite spec: per variant, the credits spent, the messages sent and
 * the turns to idle, each a panel of bars from zero with round ticks and its unit on the axis.
 */
export function reportChartSpec(title: string, summaries: readonly VariantSummary[]): ChartSpec {
  const variants = summaries.map((summary) => summary.variant);
  return {
    $schema: VEGA_LITE_SCHEMA,
    title,
    vconcat: [
      panel('Credits spent (mean per run)', 'credits', summaries.map((summary) => ({ variant: summary.variant, value: summary.credits })), false, variants),
      panel('Messages sent (mean per run)', 'messages', summaries.map((summary) => ({ variant: summary.variant, value: summary.messages })), true, variants),
      panel('Turns to idle (mean; n/a: never idle)', 'turns', summaries.map((summary) => ({ variant: summary.variant, value: summary.turnsToIdle })), true, variants),
    ],
    config: CHART_PAGE,
  } as ChartSpec;
}
