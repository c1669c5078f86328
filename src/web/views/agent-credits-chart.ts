import { amountAxis, CHART_LOOK } from '../../charts/chart-look.js';
import { VEGA_LITE_SCHEMA, type ChartSpec } from '../../charts/render-chart.js';
import type { AgentCredits } from './agent-credits.js';

/**
 * An agent page's chart as a Vega-Lite spec: its credits left, from what it had at turn 0 (its
 * budget and what it was given) to its balance after each turn it was charged in, as steps (a
 * balance holds until the next charge), the area under them filled from zero and each balance a
 * dot. After one turn it has two points, the start and the balance after that turn: a drop a person
 * can see. The credits axis starts at zero with round ticks; turns are whole.
 */
export function agentCreditsChart(agent: string, credits: AgentCredits): ChartSpec {
  const values = [{ turn: 0, credits: credits.start }, ...credits.turns.map((point) => ({ turn: point.turn, credits: point.balance }))];
  const last = values.at(-1) as { turn: number; credits: number };
  const x = { field: 'turn', type: 'quantitative', title: 'turn', scale: { zero: true, nice: false }, axis: { tickMinStep: 1, format: 'd' } } as const;
  const y = amountAxis('credits', 'credits left');
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: `${agent}: credits left after each turn`,
    description: `${agent}'s credits left after each turn: ${credits.start} at turn 0, ${last.credits} after turn ${last.turn}`,
    width: 560,
    height: 150,
    data: { values },
    encoding: { x, y },
    layer: [
      { mark: { type: 'area', interpolate: 'step-after', opacity: 0.25 } },
      { mark: { type: 'line', interpolate: 'step-after' } },
      { mark: { type: 'point', filled: true, size: 40 } },
    ],
    config: CHART_LOOK,
  } as ChartSpec;
}
