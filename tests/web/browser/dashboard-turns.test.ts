import { beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { showCredits } from '../../../src/format/format.js';
import { messageFiles } from '../../helpers/org-snapshot.js';
import { defaultOrg, listOutbox, setKeepHistory } from '../../helpers/temp-org.js';
import { balanceAfter, EDGE_ADDED, orgWithTurns } from '../turns-org.js';
import { getJson, serveOrg } from '../web-server.js';
import { chartOnPage } from './chart-on-page.js';
import { chromiumForSuite, screenshotPath } from './chromium.js';

let root: string;
beforeAll(async () => {
  root = await orgWithTurns();
}, 120_000);

/** The turn of each message row the messages view shows. */
async function rowTurns(page: Page): Promise<number[]> {
  return (await page.locator('#message-results tr[data-id] td:first-child').allTextContents()).map(Number);
}

describe('the dashboard at an earlier turn, in Chromium', () => {
  const chromium = chromiumForSuite();

  test('choosing turn 1 shows its messages, its chart and its balances, read-only; live shows everything again', async () => {
    const server = await serveOrg(root);
    const messages = Object.keys(messageFiles(root));
    const upToOne = messages.filter((file) => Number(/\/outbox\/(\d{6})-/.exec(file)?.[1]) <= 1).length;
    const planner = await getJson<{ status: { budget: number } }>(server, '/api/agents/planner');
    const budget = planner.body.status.budget;
    // What the test tells apart: turn 1 had fewer messages, and the planner more credits, than now.
    expect(upToOne).toBeLessThan(messages.length);
    expect(balanceAfter(root, 'planner', budget, 1)).toBeGreaterThan(balanceAfter(root, 'planner', budget, 3));

    const page = await chromium.browser.newPage({ viewport: { width: 1280, height: 860 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(server.url);
    await page.locator(`#chart-graph [data-edge="${EDGE_ADDED}"]`).waitFor();
    // The turns the selector offers come from the history by a request of their own, which may end after the chart's.
    await page.locator('#turn-select option', { hasText: 'after turn 0' }).waitFor({ state: 'attached' });
    expect(await page.locator('#turn-select option').allTextContents()).toEqual(['live (turn 3)', 'after turn 2', 'after turn 1', 'after turn 0']);
    expect(await page.locator('#turn-banner').isHidden()).toBe(true);

    // Turn 1: a banner says so; the chart is as it was (without the edge added after turn 1).
    await page.selectOption('#turn-select', '1');
    await page.locator('#turn-banner:not([hidden])').waitFor();
    expect(await page.locator('#turn-banner').textContent()).toContain('as after turn 1 — read-only');
    await page.locator('.legend', { hasText: 'Turn 1 ·' }).waitFor();
    expect(await page.locator('#chart-graph .node').count()).toBe(6);
    expect(await page.locator(`#chart-graph [data-edge="${EDGE_ADDED}"]`).count()).toBe(0);
    await page.screenshot({ path: screenshotPath('turn-1-chart.png') });

    // Its messages: only those of turns 0 and 1.
    await page.click('a[data-view="messages"]');
    await page.locator('#message-results tr[data-id]').first().waitFor();
    expect(await rowTurns(page)).toHaveLength(upToOne);
    expect(Math.max(...(await rowTurns(page)))).toBe(1);

    // The run's chart as it was: one turn, one bar.
    await page.click('a[data-view="run"]');
    await page.locator('#credits-by-turn img.chart-image').waitFor();
    const burned = await chartOnPage(page, '#credits-by-turn img.chart-image');
    expect(burned.loaded).toBe(true);
    expect(burned.marks.filter((mark) => mark.kind === 'bar').map((mark) => mark.label.replace(/; .*/, ''))).toEqual(['turn: 1']);
    expect(burned.links.map((link) => link.href)).toEqual(['/api/charts/credits-by-turn.svg?turn=1', '/api/charts/credits-by-turn.vl.json?turn=1']);

    // The planner's balance as it was, and no top-up offered.
    await page.goto(server.url.replace(/\/\?token=.*$/, '/#/agent/planner'));
    // A new page load starts live: the turn is chosen again.
    await page.locator('#turn-select option[value="1"]').waitFor({ state: 'attached' });
    await page.selectOption('#turn-select', '1');
    await page.locator('#agent-credits', { hasText: `credits ${showCredits(balanceAfter(root, 'planner', budget, 1))} left` }).waitFor();
    expect(await page.locator('#top-up').isDisabled()).toBe(true);

    // Sending: the button is disabled; forced, the server refuses it, and nothing is written.
    const outbox = listOutbox(root, 'human');
    await page.click('a[data-view="human"]');
    await page.locator('#compose-send').waitFor();
    // The inbox is drawn after the composer; each drawing locks the controls again, so the force below waits for it.
    await page.locator('#inbox h3').first().waitFor();
    expect(await page.locator('#compose-send').isDisabled()).toBe(true);
    expect(await page.locator('#compose-body').isDisabled()).toBe(true);
    // Forced past the page's lock, as a script could: every control of the form enabled again.
    await page.evaluate("for (const control of document.querySelectorAll('#composer button, #composer input, #composer select, #composer textarea')) control.disabled = false");
    await page.fill('#compose-body', 'Written into the past?');
    await page.click('#compose-send');
    await page.locator('#compose-result .error-text').waitFor();
    expect(await page.locator('#compose-result').textContent()).toContain('is read-only');
    expect(listOutbox(root, 'human')).toEqual(outbox);

    // Back to live: everything again, and writing is offered.
    await page.click('#turn-live');
    await page.locator('#turn-banner').waitFor({ state: 'hidden' });
    await page.locator('#compose-send:not([disabled])').waitFor();
    await page.click('a[data-view="messages"]');
    await page.locator('#message-results tr[data-id]').nth(upToOne).waitFor();
    expect(await rowTurns(page)).toHaveLength(messages.length);
    await page.click('a[data-view="chart"]');
    await page.locator(`#chart-graph [data-edge="${EDGE_ADDED}"]`).waitFor();
    await page.click('a[data-view="run"]');
    await page.locator('#credits-by-turn img.chart-image').waitFor();
    expect((await chartOnPage(page, '#credits-by-turn img.chart-image')).marks.filter((mark) => mark.kind === 'bar').map((mark) => mark.label.replace(/; .*/, ''))).toEqual(['turn: 1', 'turn: 2', 'turn: 3']);
    await page.goto(server.url.replace(/\/\?token=.*$/, '/#/agent/planner'));
    await page.locator('#agent-credits', { hasText: `credits ${showCredits(balanceAfter(root, 'planner', budget, 3))} left` }).waitFor();
    expect(errors).toEqual([]);
    await page.close();

    // At 360 px wide: the selector and the banner fit, and nothing is wider than the screen.
    const narrow = await chromium.browser.newPage({ viewport: { width: 360, height: 740 } });
    await narrow.goto(server.url);
    await narrow.locator('#turn-select option[value="1"]').waitFor({ state: 'attached' });
    await narrow.selectOption('#turn-select', '1');
    await narrow.locator('.legend', { hasText: 'Turn 1 ·' }).waitFor();
    for (const selector of ['#turn-select', '#turn-banner', '#turn-live']) {
      const box = await narrow.locator(selector).boundingBox();
      expect({ selector, left: (box?.x ?? -1) >= 0, right: (box?.x ?? 0) + (box?.width ?? 999) <= 360 }).toEqual({ selector, left: true, right: true });
    }
    expect(await narrow.evaluate('document.documentElement.scrollWidth')).toBe(360);
    await narrow.screenshot({ path: screenshotPath('turn-1-narrow.png') });
    await narrow.close();
  }, 180_000);

  test('an org that keeps no history: the selector says so and how to keep one', async () => {
    const root = defaultOrg();
    setKeepHistory(root, false);
    const server = await serveOrg(root);
    const page = await chromium.browser.newPage({ viewport: { width: 1280, height: 860 } });
    await page.goto(server.url);
    await page.locator('#turn-select option.turn-explanation').waitFor({ state: 'attached' });
    expect(await page.locator('#turn-select option').allTextContents()).toEqual([
      'live (turn 0)',
      'this org keeps no history: set `history: { keep: true }` in org/org.yaml, and each turn from the next run on is kept',
    ]);
    expect(await page.locator('#turn-select option.turn-explanation').isDisabled()).toBe(true);
    expect(await page.locator('#turn-select').getAttribute('title')).toContain('history: { keep: true }');
    await page.close();
  }, 60_000);
});
