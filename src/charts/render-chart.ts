import type { TopLevelSpec } from 'vega-lite';

/** A chart as Vega-Lite describes it: data, marks and encodings in JSON a person can open and change (vega.github.io/editor). */
export type ChartSpec = TopLevelSpec;

/** The schema a saved spec names, so an editor knows what it holds. */
export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/**
 * A Vega-Lite spec drawn as SVG by Vega on Node, with no browser and no canvas (the `none`
 * renderer: Vega estimates text widths). Vega and Vega-Lite are loaded here, at the first chart:
 * some 70 packages no command needs until it draws one.
 */
export async function renderChart(spec: ChartSpec): Promise<string> {
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
  try {
    return `${await view.toSVG()}\n`;
  } finally {
    view.finalize();
  }
}
