import { describe, expect, test } from 'vitest';
import type { Route } from 'playwright-core';
import { defaultOrg, humanSends, runEngine } from '../../helpers/temp-org.js';
import { chartOnPage } from './chart-on-page.js';
import { chromiumForSuite } from './chromium.js';
import { serve, viewUrl } from './serve-org.js';

/** Requests to `path` held until `release()`: what the page shows before its data is in. */
function holdRequests(path: RegExp): { handler: (route: Route) => Promise<void>; held: () => number; release: () => void } {
  const waiting: Array<() => void> = [];
  let released = false;
  let held = 0;
  return {
    handler: async (route) => {
      if (path.test(new URL(route.request().url()).pathname) && !released) {
        held += 1;
        await new Promise<void>((resolve) => waiting.push(resolve));
      }
      await route.continue();
    },
    held: () => held,
    release: () => {
      released = true;
      for (const go of waiting.splice(0)) go();
    },
  };
}

describe('panels say what is coming until their chart is drawn, in Chromium', () => {
  const chromium = chromiumForSuite();

  test('the org chart, the run page and an agent page show a placeholder, then the drawing in its place, its axes titled', { timeout: 120_000 }, async () => {
    const root = defaultOrg();
    humanSends(root, 'manager', 'Plan the first release', 'Plan');
    await runEngine(root);
    const server = await serve(root);
    try {
      const page = await chromium.browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      // What is held: the page's data, or the chart's drawing itself (the server draws it with Vega-Lite).
      for (const [hash, data, placeholderText, drawn] of [
        ['#/chart', /\/api\/chart$/, 'Drawing the org chart…', '#chart-graph'],
        ['#/run', /\/api\/charts\/credits-by-turn\.svg$/, 'Drawing the credits burned per turn…', '#credits-by-turn img.chart-image'],
        ['#/agent/manager', /\/api\/agents\/manager$/, "Reading manager's page…", '#credits-chart img.chart-image'],
        ['#/agent/manager', /\/api\/agents\/manager\/credits\.svg$/, "Drawing manager's credits…", '#credits-chart img.chart-image'],
      ] as const) {
        const hold = holdRequests(data);
        await page.route('**/api/**', hold.handler);
        await page.goto(viewUrl(server.url, hash));
        // While the data is held, the panel says what it will show, and nothing is drawn.
        // (A chart's placeholder is up before its drawing is asked for: wait for the request, then look.)
        await expect.poll(() => hold.held()).toBeGreaterThan(0);
        await page.getByRole('status').filter({ hasText: placeholderText }).waitFor();
        expect(await page.locator(drawn).count()).toBe(0);
        hold.release();
        await page.locator(drawn).first().waitFor();
        expect(await page.getByText(placeholderText).count()).toBe(0);
        if (drawn !== '#chart-graph') {
          // The chart is an image that has loaded (not a broken one), says in words what it shows, and says what its axes count.
          const chart = await chartOnPage(page, drawn);
          expect(chart.loaded).toBe(true);
          expect(chart.shownWidth).toBeGreaterThan(400);
          expect(chart.alt).toMatch(hash === '#/run' ? /^Bar chart of the credits burned per turn up to turn \d+, from 0 credits: the most [\d.]+ credits, in turn \d+$/ : /^Chart of manager's credits left after each turn from [\d.]+ at turn 0 to [\d.]+ after turn \d+/);
          expect(chart.axisTitles).toEqual(['turn', hash === '#/run' ? 'credits burned' : 'credits left']);
        }
        await page.unroute('**/api/**', hold.handler);
      }
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await server.stop();
    }
  });
});
