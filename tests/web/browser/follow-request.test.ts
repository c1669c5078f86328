import { describe, expect, test } from 'vitest';
import { lemming } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/org-files.js';
import { chartOnPage } from './chart-on-page.js';
import { chromiumForSuite, openView, screenshotPath } from './chromium.js';
import { serve, viewUrl } from './serve-org.js';

describe('a request followed on the page', () => {
  const chromium = chromiumForSuite();

  test("after `npm start`'s run, the answer's thread shows the request, every hand-off and report and the answer, with who, when and what each cost; Requests shows it answered", async () => {
    const root = tempDir();
    expect(lemming(root, ['demo']).status).toBe(0);
    const server = await serve(root);
    try {
      const { page: tab, errors } = await openView(chromium.browser, viewUrl(server.url, '#/message/000005-manager-001'));
      await tab.locator('#thread .thread-entry.current').waitFor();
      const entries = tab.locator('#thread .thread-entry');
      expect(await entries.count()).toBe(10);
      const heads = await entries.locator('a').allTextContents();
      expect(heads).toEqual([
        'turn 0 · human → manager',
        'turn 1 · manager → planner',
        'turn 2 · planner → coder_01',
        'turn 3 · coder_01 → planner',
        'turn 4 · planner → manager',
        'turn 1 · manager → hr',
        'turn 2 · hr → manager',
        'turn 1 · manager → janitor',
        'turn 2 · janitor → manager',
        'turn 5 · manager → human',
      ]);
      // A tree shown as one: each reply sits deeper than what it answers.
      const margins = await entries.evaluateAll((elements) => elements.map((element) => Number.parseInt((element as unknown as { style: { marginLeft: string } }).style.marginLeft || '0', 10)));
      expect(margins).toEqual([0, 14, 28, 42, 28, 14, 28, 14, 28, 14]);
      const costs = await entries.locator('.thread-cost').allTextContents();
      expect(costs[0]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
      for (const cost of costs.slice(1)) expect(cost).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d · [\d,]+ tokens · 0\.\d{4} credits$/);
      // The reports, quoted with their lists (hr's, the janitor's, the planner's), read as written: a quote holding lists, not one paragraph.
      expect(await tab.locator('#message-body blockquote ul li').count()).toBe(9);
      await tab.screenshot({ path: screenshotPath('thread.png', 'dashboard-thread.png') });

      await tab.click('a[data-view="requests"]');
      const row = tab.locator('#requests tr.request[data-id="000000-human-001"]');
      await row.waitFor();
      expect(await row.getAttribute('data-state')).toBe('answered');
      expect(await row.textContent()).toContain('answered by manager in turn 5');
      expect(await row.textContent()).toContain('via planner, coder_01, hr, janitor');
      await row.click();
      await tab.locator('#thread .thread-entry.current[data-id="000005-manager-001"]').waitFor();

      // The chart: a title too long for its node is cut with "…", and the whole of it is the node's hover text.
      await tab.click('a[data-view="chart"]');
      const coder = tab.locator('#chart-graph [data-agent="coder_01"]');
      await coder.waitFor();
      expect(await coder.locator('text.title').first().textContent()).toBe('Software engineer: writes…');
      expect(await coder.locator('title').textContent()).toContain('coder_01: Software engineer: writes and tests code');
      // An agent's page: its credits chart starts from what it had (the figure the page says it had), and no empty trace box until a trace is picked.
      await coder.click();
      await tab.locator('h2', { hasText: 'coder_01 · Software engineer' }).waitFor();
      await tab.locator('#credits-chart img.chart-image').waitFor();
      const chart = await chartOnPage(tab, '#credits-chart img.chart-image');
      expect(chart.loaded).toBe(true);
      const start = Number(/^turn: 0; credits left: ([\d.]+)$/.exec(chart.marks.find((mark) => mark.kind === 'point')?.label ?? '')?.[1]);
      expect(await tab.locator('#agent-credits').textContent()).toContain(`left of ${start.toFixed(4)}`);
      // Under it, the picture and the Vega-Lite spec it is drawn from, to open elsewhere.
      expect(chart.links).toEqual([
        { text: 'SVG', href: '/api/agents/coder_01/credits.svg' },
        { text: 'Vega-Lite spec', href: '/api/agents/coder_01/credits.vl.json' },
      ]);
      const spec = await tab.evaluate(async (address) => (await (await fetch(address, { credentials: 'same-origin' })).json()) as { $schema: string; data: { values: Array<{ turn: number; credits: number }> } }, '/api/agents/coder_01/credits.vl.json');
      expect(spec.$schema).toMatch(/vega-lite/);
      expect(spec.data.values[0]).toEqual({ turn: 0, credits: start });
      expect(await tab.locator('#trace').isVisible()).toBe(false);
      await tab.locator('a[data-turn="3"]').click();
      await tab.locator('#trace pre.trace-system').first().waitFor();
      expect(await tab.locator('#trace').isVisible()).toBe(true);
      expect(errors).toEqual([]);
    } finally {
      await server.stop();
    }
  }, 90_000);
});
