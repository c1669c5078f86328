import { describe, expect, test } from 'vitest';
import type { Route } from 'playwright-core';
import { defaultOrg, humanSends, runEngine } from '../../helpers/temp-org.js';
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
      for (const [hash, data, placeholderText, drawn] of [
        ['#/chart', /\/api\/chart$/, 'Drawing the org chart…', '#chart-graph'],
        ['#/run', /\/api\/ledger$/, 'Drawing the chart…', '.bars svg'],
        ['#/agent/manager', /\/api\/agents\/manager$/, "Reading manager's page…", '.bars svg'],
      ] as const) {
        const hold = holdRequests(data);
        await page.route('**/api/**', hold.handler);
        await page.goto(viewUrl(server.url, hash));
        // While the data is held, the panel says what it will show, and nothing is drawn.
        await page.getByRole('status').filter({ hasText: placeholderText }).waitFor();
        expect(hold.held()).toBeGreaterThan(0);
        expect(await page.locator(drawn).count()).toBe(0);
        hold.release();
        await page.locator(drawn).first().waitFor();
        expect(await page.getByText(placeholderText).count()).toBe(0);
        // A bar chart says what its axes count: the turns, and its amount in its unit.
        if (drawn === '.bars svg') expect(await page.locator('.bars svg text.axis-title').allTextContents()).toEqual(['turn', 'credits']);
        await page.unroute('**/api/**', hold.handler);
      }
      await page.close();
    } finally {
      await server.stop();
    }
  });
});
