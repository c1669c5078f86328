import { renderChart, type ChartSpec } from './render-chart.js';

/** How many drawings a cache keeps: a dashboard's few charts, each at the turns a person steps through. */
const KEPT = 32;

/**
 * Drawings of charts, kept by their spec (data included: a chart whose data changed is another
 * spec), so a page that asks again for a chart nothing changed in gets the SVG already drawn. A
 * drawing costs 10 to 20 ms on a quiet machine once Vega is loaded (its first, some 200 ms, loads
 * it), and the dashboard asks for its charts again at every turn, in every tab open.
 */
export class ChartCache {
  private readonly drawn = new Map<string, Promise<string>>();

  /** The SVG of `spec`, drawn now or earlier; the least recently asked for is forgotten past KEPT. */
  svg(spec: ChartSpec): Promise<string> {
    const key = JSON.stringify(spec);
    let drawing = this.drawn.get(key);
    if (drawing) this.drawn.delete(key);
    else {
      drawing = renderChart(spec);
      // A drawing that failed is not kept: the next request tries again.
      drawing.catch(() => this.drawn.get(key) === drawing && this.drawn.delete(key));
    }
    this.drawn.set(key, drawing);
    if (this.drawn.size > KEPT) this.drawn.delete(this.drawn.keys().next().value as string);
    return drawing;
  }
}
