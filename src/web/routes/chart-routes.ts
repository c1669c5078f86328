import { Hono, type Context } from 'hono';
import { ChartCache } from '../../charts/chart-cache.js';
import type { ChartSpec } from '../../charts/render-chart.js';
import type { Dashboard } from '../dashboard.js';
import * as specs from '../openapi/route-specs.js';
import { agentCredits } from '../views/agent-credits.js';
import { agentCreditsChart } from '../views/agent-credits-chart.js';
import { creditsByTurnChart } from '../views/credits-by-turn-chart.js';
import { answer } from './route-answer.js';

/** A chart the dashboard draws: where it is (without `.svg` or `.vl.json`), its two routes, and its spec made from the org now. */
interface DashboardChart {
  path: string;
  svg: specs.RouteSpec;
  spec: specs.RouteSpec;
  /** The spec, data in it; `name` is the path's agent, for an agent's chart. */
  build(name: string): ChartSpec;
}

/**
 * The dashboard's charts, drawn on the server by Vega-Lite (charts/render-chart.ts) because the
 * page's Content-Security-Policy runs no charting library in the browser: each as an SVG the page
 * shows as an image, and beside it the spec it is drawn from (`.vl.json`), for a person to open in a
 * Vega-Lite editor. Each reads what the JSON route of the same data reads, under the same rules: the
 * Run page's from the ledger as `GET /api/ledger` does, an agent's through the function
 * `GET /api/agents/:name` uses (an unknown agent is a 404 for both). With `?turn=N` (turns/at-turn.ts)
 * they draw the org as it was then. Vega is loaded at the first chart asked for, not before.
 */
export function chartRoutes(dashboard: Dashboard): Hono {
  const api = new Hono();
  const drawn = new ChartCache();
  const charts: DashboardChart[] = [
    { path: '/charts/credits-by-turn', svg: specs.CREDITS_CHART_ROUTE, spec: specs.CREDITS_CHART_SPEC_ROUTE, build: () => creditsByTurnChart(dashboard.ledger.spendByTurn()) },
    {
      path: '/agents/:name/credits',
      svg: specs.AGENT_CREDITS_CHART_ROUTE,
      spec: specs.AGENT_CREDITS_CHART_SPEC_ROUTE,
      build: (name) => agentCreditsChart(name, agentCredits(dashboard.org(), name, dashboard.ledger)),
    },
  ];
  const built = (chart: DashboardChart, context: Context): ChartSpec => chart.build(context.req.param('name') ?? '');
  for (const chart of charts) {
    api.get(`${chart.path}.svg`, async (context) => context.body(await drawn.svg(built(chart, context)), chart.svg.answers.status, { 'Content-Type': 'image/svg+xml; charset=utf-8' }));
    api.get(`${chart.path}.vl.json`, (context) => answer(context, chart.spec, built(chart, context)));
  }
  return api;
}
