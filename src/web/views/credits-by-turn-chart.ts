import { amountAxis, CHART_LOOK } from '../../charts/chart-look.js';
import { VEGA_LITE_SCHEMA, type ChartSpec } from '../../charts/render-chart.js';
import type { TurnSpend } from './ledger-tail.js';

/** The most turns the Run page's chart shows, the latest: beyond them the bars grow too thin to read. */
export const TURNS_SHOWN = 100;

/**
 * The Run page's chart as a Vega-Lite spec: the credits charged in each turn (`byTurn`, oldest
 * first), a bar per turn from the first turn charged to the last, the latest TURNS_SHOWN of them; a
 * turn that charged nothing is a bar of 0, not a gap. The credits axis starts at zero with round
 * ticks; both axes say what they count.
 */
export function creditsByTurnChart(byTurn: readonly TurnSpend[]): ChartSpec {
  const last = byTurn.at(-1)?.turn ?? 0;
  const first = Math.max(byTurn[0]?.turn ?? 0, last - TURNS_SHOWN + 1);
  const charged = new Map(byTurn.map((spend) => [spend.turn, spend.credits]));
  const values = byTurn.length === 0 ? [] : Array.from({ length: last - first + 1 }, (_, index) => ({ turn: first + index, credits: Math.round((charged.get(first + index) ?? 0) * 1e9) / 1e9 }));
  const cut = first > (byTurn[0]?.turn ?? 0);
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: cut ? { text: 'Credits burned per turn', subtitle: `the latest ${TURNS_SHOWN} turns` } : 'Credits burned per turn',
    description: byTurn.length === 0 ? 'Credits burned per turn: no turn has been charged yet' : `Credits burned per turn, turns ${first} to ${last}`,
    width: 560,
    height: 150,
    data: { values },
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'turn', type: 'ordinal', title: 'turn', axis: { labelAngle: 0, labelOverlap: 'parity' } },
      y: amountAxis('credits', 'credits burned'),
    },
    config: CHART_LOOK,
  } as ChartSpec;
}
