/**
 * An axis of amounts, as every chart that shows one draws it: from zero (a bar's or an area's
 * height is its share of the scale), with a few round ticks (0, 0.5, 1; never 1.969), titled with
 * what is counted, in its unit.
 */
export function amountAxis(field: string, title: string) {
  return { field, type: 'quantitative', title, scale: { zero: true, nice: true }, axis: { tickCount: 5 } } as const;
}

/**
 * The page every chart is drawn on (a spec's `config`): white (an SVG opened alone is not
 * see-through), the reader's sans-serif, and an axis's labels whole. Vega cuts a label at 180
 * pixels and keeps an axis's title within 200 of its line by default, so names that share their
 * first 20-odd characters (a variant's may have 64) read alike, and labels let wider ran under the
 * title; here both reach 1,000 pixels, and the chart grows to hold them.
 */
export const CHART_PAGE = { background: 'white', font: 'sans-serif', axis: { labelLimit: 1000, maxExtent: 1000 } } as const;

/** How the dashboard's charts look: the page, marks in the page's own blue. */
export const CHART_LOOK = { ...CHART_PAGE, mark: { color: '#2f6fde' } } as const;
