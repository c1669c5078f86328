import { writeFileAtomic } from '../storage/atomic-write.js';
import { renderChart, type ChartSpec } from './render-chart.js';

/** Where a chart's spec is kept beside its picture: `plots/credits.svg` beside `plots/credits.vl.json`. */
export function specPathOf(svgPath: string): string {
  return svgPath.replace(/\.svg$/, '') + '.vl.json';
}

/**
 * Draw `spec` into `svgPath` and keep the spec beside it (`.vl.json`), so a person can open the
 * chart in any Vega-Lite editor, change it and draw it again. Both are put in place whole, through
 * the write layer (never through a link in their place). Returns the two paths.
 */
export async function writeChart(svgPath: string, spec: ChartSpec): Promise<{ svg: string; spec: string }> {
  const svg = await renderChart(spec);
  const specPath = specPathOf(svgPath);
  writeFileAtomic(specPath, `${JSON.stringify(spec, null, 2)}\n`);
  writeFileAtomic(svgPath, svg);
  return { svg: svgPath, spec: specPath };
}
