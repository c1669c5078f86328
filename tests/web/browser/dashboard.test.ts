import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { lemmingAsync } from '../../helpers/cli.js';
import { defaultOrg, humanSends, listOutbox, runEngine, write } from '../../helpers/temp-org.js';
import { chartOnPage } from './chart-on-page.js';
import { launchChromium, screenshotPath } from './chromium.js';
import { serve } from './serve-org.js';

describe('the dashboard in Chromium', () => {
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  test('open the URL with its token, see the chart, search, open a thread, send as the human and watch the reply arrive live while `lemming run` works in another process', async () => {
    const root = defaultOrg();
    humanSends(root, 'manager', 'Write the release notes for 1.2', 'Release notes');
    await runEngine(root);
    const server = await serve(root);
    try {
      page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));

      // The token in the URL is traded for a session: the cookie holds a random id, never the token; the address bar no longer shows it.
      await page.goto(server.url);
      expect(page.url()).not.toContain('token=');
      const token = decodeURIComponent(server.url.slice(server.url.indexOf('token=') + 'token='.length));
      const cookies = await page.context().cookies();
      expect(cookies).toHaveLength(1);
      expect(cookies[0]).toMatchObject({ name: `lemming_${new URL(server.url).port}`, httpOnly: true, sameSite: 'Strict' });
      expect(cookies[0]?.value).not.toBe(token);
      expect(cookies[0]?.value).not.toContain(token);
      await page.locator('#chart-graph [data-agent="manager"]').waitFor();
      expect(await page.locator('#chart-graph .node').count()).toBe(6);
      expect(await page.locator('#chart-graph line.edge').count()).toBeGreaterThan(5);
      expect(await page.locator('[data-edge="human->manager"]').count()).toBe(1);
      await page.screenshot({ path: screenshotPath('chart.png') });

      // Search, then open a message and its thread.
      await page.click('a[data-view="messages"]');
      await page.fill('input[name="q"]', 'release notes');
      await page.fill('input[name="from"]', 'manager');
      await page.click('form.filters button[type="submit"]');
      // The search's own caption: the unfiltered list the view opened with may still be on the page until the search's answer replaces it.
      await page.locator('#message-results p', { hasText: 'match “release notes”' }).waitFor();
      const rows = page.locator('#message-results tr[data-id]');
      const ids = await Promise.all(Array.from({ length: await rows.count() }, (_, index) => rows.nth(index).getAttribute('data-id')));
      expect(ids.length).toBeGreaterThan(0);
      expect(ids.every((id) => id?.includes('-manager-'))).toBe(true);
      const toHuman = await page.locator('#message-results tr[data-id]', { hasText: 'manager → human' }).first();
      await toHuman.click();
      await page.locator('#thread .thread-entry.current').waitFor();
      expect(await page.locator('#thread .thread-entry').count()).toBeGreaterThanOrEqual(2);
      expect(await page.locator('#thread .thread-entry').first().textContent()).toContain('human → manager');
      await page.screenshot({ path: screenshotPath('thread.png') });

      // Write as the human; the reply comes back while another process runs the org.
      await page.goto(server.url.replace(/\/\?token=.*$/, '/#/human'));
      await page.locator('#composer').waitFor();
      const before = await page.locator('#inbox tr[data-id]').count();
      await page.selectOption('#compose-to', 'manager');
      await page.fill('#compose-subject', 'Changelog');
      await page.fill('#compose-body', 'Please also write the changelog for 1.2.');
      await page.click('#compose-send');
      await page.locator('#compose-result', { hasText: 'sent ' }).waitFor();
      const sentId = /sent (\S+)/.exec((await page.locator('#compose-result').textContent()) ?? '')?.[1];
      expect(sentId).toMatch(/^\d{6}-human-001$/);
      const run = lemmingAsync(root, ['run', '--plain']);
      await page.locator('#inbox tr.unread[data-id]', { hasText: 'Changelog' }).first().waitFor({ timeout: 30_000 });
      expect(await page.locator('#inbox tr[data-id]').count()).toBeGreaterThan(before);
      expect((await run).status).toBe(0);
      await page.screenshot({ path: screenshotPath('human.png') });

      // The run page shows the turns that went by, and the credits per turn.
      await page.click('a[data-view="run"]');
      // The feed has the human's message and the manager's reply, which the other process wrote.
      await page.locator('#feed div', { hasText: 'human → manager: Changelog' }).first().waitFor();
      await page.locator('#feed div', { hasText: 'manager → human' }).first().waitFor();
      await page.locator('#credits-by-turn img.chart-image').waitFor();
      const burned = await chartOnPage(page, '#credits-by-turn img.chart-image');
      expect(burned.loaded).toBe(true);
      // A bar for each turn up to the one the other process ran.
      const turn = Number(/Turn (\d+)/.exec((await page.locator('h3', { hasText: /^Turn \d+$/ }).textContent()) ?? '')?.[1]);
      expect(burned.marks.filter((mark) => mark.kind === 'bar').at(-1)?.label).toMatch(new RegExp(`^turn: ${turn}; credits burned: 0\\.\\d+$`));
      await page.screenshot({ path: screenshotPath('run.png') });
      expect(errors).toEqual([]);
    } finally {
      await server.stop();
    }
  }, 120_000);

  test("an agent's page: resume, whom it reaches, credits by turn, its log, a call trace as the model saw it, and a top-up", async () => {
    const root = defaultOrg();
    humanSends(root, 'manager', 'Write the release notes for 1.2', 'Release notes');
    await runEngine(root);
    const server = await serve(root);
    try {
      const tab = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
      await tab.goto(server.url);
      await tab.locator('#chart-graph [data-agent="manager"]').click();
      await tab.locator('h2', { hasText: 'manager · Engineering manager' }).waitFor();
      expect(await tab.locator('pre', { hasText: 'title: Engineering manager' }).count()).toBe(1);
      expect(await tab.locator('p', { hasText: 'really reaches: human, planner, hr, janitor' }).count()).toBe(1);
      await tab.locator('#credits-chart img.chart-image').waitFor();
      const left = await chartOnPage(tab, '#credits-chart img.chart-image');
      expect(left.loaded).toBe(true);
      expect(left.marks.filter((mark) => mark.kind === 'point').length).toBeGreaterThanOrEqual(2);
      expect(left.alt).toMatch(/^Chart of manager's credits left after each turn from 0\.5000 at turn 0/);
      expect(await tab.locator('#activity-log td', { hasText: 'called' }).count()).toBeGreaterThan(0);
      await tab.locator('a[data-turn]').first().click();
      await tab.locator('#trace pre.trace-system', { hasText: 'You are manager, Engineering manager' }).waitFor();
      expect(await tab.locator('#trace pre.trace-message', { hasText: '<message id=' }).count()).toBeGreaterThan(0);
      expect(await tab.locator('#trace pre.trace-call', { hasText: 'send_message' }).count()).toBeGreaterThan(0);
      await tab.screenshot({ path: screenshotPath('agent.png'), fullPage: true });
      const before = (await tab.locator('#agent-credits').textContent()) ?? '';
      await tab.fill('#top-up-credits', '0.25');
      await tab.click('#top-up');
      await tab.locator('#agent-credits', { hasNotText: before }).waitFor();
      expect(await tab.locator('#agent-credits').textContent()).toMatch(/left of 0\.7500/);
      // The chart is drawn again with what the top-up gave: it starts higher.
      await tab.locator('#credits-chart img.chart-image[alt*="from 0.7500 at turn 0"]').waitFor();
      expect((await chartOnPage(tab, '#credits-chart img.chart-image')).marks.find((mark) => mark.kind === 'point')?.label).toBe('turn: 0; credits left: 0.75');
    } finally {
      await server.stop();
    }
  }, 60_000);

  test('a hire hr proposed waits on the proposals page with what it would do; Approve hires the agent and the chart shows it', async () => {
    const root = defaultOrg();
    humanSends(root, 'manager', 'Hiring: please hire another coder for the release', 'Hiring: hire a coder');
    await runEngine(root);
    const server = await serve(root);
    try {
      const tab = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      tab.on('pageerror', (error) => errors.push(error.message));
      await tab.goto(server.url);
      await tab.locator('a[data-view="proposals"]', { hasText: 'Proposals (1)' }).waitFor();
      expect(await tab.locator('#chart-graph [data-agent="coder_02"]').count()).toBe(0);
      await tab.click('a[data-view="proposals"]');
      const card = tab.locator('[data-proposal="000002-hr-002"]');
      await card.waitFor();
      expect(await card.textContent()).toContain('hr proposes to hire coder_02 (Coder: writes and tests code');
      expect(await card.locator('table.fields').textContent()).toContain('reports tomanager');
      await tab.screenshot({ path: screenshotPath('proposals.png') });
      await card.locator('button.approve').click();
      // What the click did stays above the list: the card itself goes when the list is redrawn.
      await tab.locator('#proposal-decision', { hasText: 'coder_02 joins at the next turn' }).waitFor();
      // The decision reaches every open page through the event stream: the count, then the list.
      await tab.locator('a[data-view="proposals"]', { hasText: /^Proposals$/ }).waitFor();
      await tab.locator('#decided-proposals [data-proposal="000002-hr-002"]', { hasText: 'done' }).waitFor();
      expect(await tab.locator('#pending-proposals').textContent()).toContain('nothing waits for your approval');
      expect(await tab.locator('#proposal-decision').textContent()).toContain('coder_02 joins at the next turn');
      await tab.click('a[data-view="chart"]');
      await tab.locator('#chart-graph [data-agent="coder_02"]').waitFor();
      expect(await tab.locator('[data-edge="manager->coder_02"]').count()).toBe(1);
      // hr's call of that turn, step by step: the list it asked for, then the hire it proposed.
      await tab.locator('#chart-graph [data-agent="hr"]').click();
      await tab.locator('a[data-turn="2"]').click();
      await tab.locator('#trace .trace-step[data-step="2"] pre.trace-message', { hasText: '<tool_result name="list_agents"' }).waitFor();
      expect(await tab.locator('#trace .trace-step').count()).toBe(3);
      expect(await tab.locator('#trace .trace-step[data-step="2"] pre.trace-call').textContent()).toContain('hire_agent');
      await tab.locator('#trace .trace-step[data-step="2"]').scrollIntoViewIfNeeded();
      await tab.screenshot({ path: screenshotPath('trace-steps.png') });
      expect(errors).toEqual([]);
    } finally {
      await server.stop();
    }
  }, 60_000);

  test('an event that reaches the page while a view loads its first data is shown: the run feed gets the message sent meanwhile', async () => {
    const root = defaultOrg();
    const server = await serve(root);
    try {
      const tab = await browser.newPage();
      const errors: string[] = [];
      tab.on('pageerror', (error) => errors.push(error.message));
      await tab.goto(server.url);
      await tab.locator('#chart-graph [data-agent="manager"]').waitFor();
      await tab.locator('#live[data-last-event]').waitFor({ state: 'attached' });
      // The run page's ledger request is held until a mail event has reached the page.
      let ledgerAsked!: () => void;
      const asked = new Promise<void>((resolve) => (ledgerAsked = resolve));
      let releaseLedger!: () => void;
      const released = new Promise<void>((resolve) => (releaseLedger = resolve));
      await tab.route(/\/api\/ledger/, async (route) => {
        ledgerAsked();
        await released;
        await route.continue();
      });
      const before = await tab.locator('#live').getAttribute('data-last-event');
      await tab.click('a[data-view="run"]');
      await asked;
      const status = await tab.evaluate(
        `fetch('/api/send', { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to: 'manager', subject: 'Sent while the page loads', body: 'Is this in the feed?' }) }).then((response) => response.status)`,
      );
      expect(status).toBe(201);
      await tab.locator(`#live:not([data-last-event="${before}"])`).waitFor({ state: 'attached' });
      releaseLedger();
      await tab.locator('#credits-by-turn', { hasText: 'no turn has been charged yet' }).waitFor();
      await tab.locator('#feed div', { hasText: 'human → manager: Sent while the page loads' }).waitFor();
      expect(errors).toEqual([]);
    } finally {
      await server.stop();
    }
  }, 60_000);

  test('a body holding <script> or <img onerror> is shown as text and runs nothing', async () => {
    const root = defaultOrg();
    const hostile = '<script>window.__pwned = "script"</script>\n\n<img src=x onerror="window.__pwned = \'img\'"> **bold** [link](javascript:alert(1))';
    write(root, 'agents/manager/outbox/000001-001-human.md', `---\nto: human\nsubject: "<img src=x onerror=alert(1)>"\n---\n${hostile}\n`);
    const server = await serve(root);
    try {
      const tab = await browser.newPage();
      await tab.goto(server.url.replace(/\/\?token=(.*)$/, '/?token=$1#/message/000001-manager-001'));
      await tab.locator('#message-body').waitFor();
      expect(await tab.locator('#message-body').textContent()).toContain('<script>window.__pwned = "script"</script>');
      expect(await tab.locator('#message-body img, #message-body script, h2 img').count()).toBe(0);
      expect(await tab.locator('#message-body strong').textContent()).toBe('bold');
      expect(await tab.locator('#message-body a').count()).toBe(0);
      expect(await tab.locator('h2').textContent()).toBe('<img src=x onerror=alert(1)>');
      // Evaluated as page source: this test's own types know no `window`.
      expect(await tab.evaluate('typeof window.__pwned')).toBe('undefined');
      await tab.screenshot({ path: screenshotPath('xss-inert.png') });
    } finally {
      await server.stop();
    }
  }, 60_000);

  test('after the server restarts, the page says its session is unknown and to open the printed URL again; the new URL opens it', async () => {
    const root = defaultOrg();
    const first = await serve(root);
    const port = Number(new URL(first.url).port);
    const tab = await browser.newPage();
    await tab.goto(first.url);
    await tab.locator('#chart-graph [data-agent="manager"]').waitFor();
    await first.stop();
    const second = await serve(root, port);
    try {
      const answer = await tab.goto(first.url.replace(/\?token=.*$/, ''));
      expect(answer?.status()).toBe(401);
      expect(await tab.locator('p').textContent()).toMatch(/not known to this server: it was restarted.*open the URL it printed/);
      // The old URL's token was the old server's: it opens nothing; the new URL does.
      expect((await tab.goto(first.url))?.status()).toBe(401);
      await tab.goto(second.url);
      await tab.locator('#chart-graph [data-agent="manager"]').waitFor();
    } finally {
      await second.stop();
    }
  }, 60_000);

  test('a page under another name that points at this machine (DNS rebinding) gets a refusal, not the dashboard, and cannot send', async () => {
    const root = defaultOrg();
    const server = await serve(root);
    const port = new URL(server.url).port;
    // This browser resolves rebind.test to 127.0.0.1, as a rebinding attacker's DNS would.
    const rebinding = await launchChromium(['--host-resolver-rules=MAP rebind.test 127.0.0.1']);
    try {
      const tab = await rebinding.newPage();
      const answer = await tab.goto(`http://rebind.test:${port}/?token=${server.url.slice(server.url.indexOf('token=') + 'token='.length)}`);
      expect(answer?.status()).toBe(421);
      expect(await tab.locator('p').textContent()).toContain('answers only to the names of this machine');
      expect(await tab.context().cookies()).toEqual([]);
      const status = await tab.evaluate(`fetch('/api/send', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to: 'manager', body: 'from the attacker' }) }).then((response) => response.status)`);
      expect(status).toBe(421);
      expect(listOutbox(root, 'human')).toEqual([]);
    } finally {
      await rebinding.close();
      await server.stop();
    }
  }, 60_000);
});
