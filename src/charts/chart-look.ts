/**
 * An axis of amounts, as every chart that shows one draws it: from zero (a bar's or an area's
 * height is its share of the scale), with a few round ticks (0, 0.5, 1; never 1.969), titled with
 * what is counted, in its unit.
 */
export function amountAxis(field: string, title: string) {
  return { field, type: 'quantitative', title, scale: { zero: true, nice: true }, axis: { tickCount: 5 } } as const;
}

/**
 * How the dashboard's charts look (a spec's `config`): drawn on white (an SVG opened alone is not
 * see-through), in the reader's sans-serif, marks in the page's own blue.
 */
export const CHART_LOOK = { background: 'white', font: 'sans-serif', mark: { color: '#2f6fde' } } as const;
