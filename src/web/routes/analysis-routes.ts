import { Hono } from 'hono';
import { analyzeOrg } from '../../analysis/analyze-org.js';
import type { Dashboard } from '../dashboard.js';

/**
 * `GET /api/analysis`: the figures `lemming analyze --json` prints, for the org this dashboard
 * serves (its Analysis tab). Read from the files on each request: asked for when a person opens
 * the tab, not on every event, so it needs no cache of its own.
 */
export function analysisRoutes(dashboard: Dashboard): Hono {
  const api = new Hono();
  api.get('/analysis', (context) => context.json(analyzeOrg(dashboard.root, dashboard.org())));
  return api;
}
