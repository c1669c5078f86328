import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { bootstrapOrg } from '../../../src/org/bootstrap-org.js';
import { interruptAndWait, startLemming } from '../../helpers/cli.js';
import { DEFAULT_ORG, defaultOrg, humanSends, runEngine, tempDir, write } from '../../helpers/temp-org.js';
import { untilIndexed } from '../../helpers/until-indexed.js';
import { chartOnPage } from './chart-on-page.js';
import { chromiumForSuite, openView } from './chromium.js';
import { serve, serveOrgs, viewUrl } from './serve-org.js';

/** A body a person writes in markdown, long enough that every list shows it cut. */
const MARKDOWN_BODY =
  '# Release plan\n\nPlease write **the release notes** for version 1.2 with every change listed, the known issues, the upgrade steps and a word of thanks to the contributors, in a short and friendly tone that anyone can read quickly.';

/** The body as plain words, as a preview may show it. */
const PLAIN_BODY = 'Release plan Please write the release notes for version 1.2 with every change listed, the known issues, the upgrade steps and a word of thanks to the contributors, in a short and friendly tone that anyone can read quickly.';

/** The little of the DOM the checks below use inside the page (the tests compile without the DOM's types). */
interface InPage {
  textContent: string | null;
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { left: number; right: number; top: number; bottom: number; height: number };
  querySelectorAll(selector: string): Iterable<InPage>;
}

/** GET a route of the page's own org from inside the page (its session cookie goes along). */
async function apiFromPage<T>(page: Page, path: string): Promise<{ status: number; body: T }> {
  return page.evaluate(async (address) => {
    const response = await fetch(address, { credentials: 'same-origin' });
    return { status: response.status, body: (await response.json()) as T };
  }, path);
}

/** The default org after the person's markdown request has run its course (a report of coder_01's names its files). */
async function ranOrg(): Promise<string> {
  const root = defaultOrg();
  humanSends(root, 'manager', MARKDOWN_BODY, 'Release notes');
  await runEngine(root);
  return root;
}

describe('the dashboard reads right, in Chromium', () => {
  const chromium = chromiumForSuite();

  test('the credits chart shows each balance from the start; the log is a table; previews are plain words cut at a word; costs are shown; workspace files open read-only', async () => {
    const root = await ranOrg();
    // Files of coder_01's workspace the test opens: text holding markup, a binary, one too large to show whole, and a link out.
    write(root, 'agents/coder_01/workspace/work/page.html', '<script>window.ranFromFile = 1</script><b>bold?</b>\n');
    write(root, 'agents/coder_01/workspace/work/blob.bin', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0x02, 0xff, 0x00]));
    write(root, 'agents/coder_01/workspace/work/big.txt', `${'a line of the log\n'.repeat(40_000)}`);
    symlinkSync('/etc/passwd', join(root, 'agents/coder_01/workspace/work/passwd.txt'));
    const server = await serve(root);
    try {
      const { page, errors } = await openView(chromium.browser, viewUrl(server.url, '#/agent/coder_01'));
      await page.locator('#agent-credits').waitFor();

      // The credits chart: an image that loaded, each balance a point from what the agent had at turn 0, as its JSON has them.
      await page.locator('#credits-chart img.chart-image').waitFor();
      const chart = await chartOnPage(page, '#credits-chart img.chart-image');
      expect(chart).toMatchObject({ loaded: true, root: 'svg', title: 'coder_01: credits left after each turn', axisTitles: ['turn', 'credits left'] });
      const agent = (await apiFromPage<{ credits: Array<{ turn: number; balance: number }>; status: { budget: number; toppedUp: number } }>(page, '/api/agents/coder_01')).body;
      const points = chart.marks.filter((mark) => mark.kind === 'point').map((mark) => mark.label);
      expect(points).toEqual([`turn: 0; credits left: ${agent.status.budget + agent.status.toppedUp}`, ...agent.credits.map((point) => `turn: ${point.turn}; credits left: ${point.balance}`)]);
      expect(chart.alt).toContain(`to ${agent.credits.at(-1)?.balance.toFixed(4)} after turn ${agent.credits.at(-1)?.turn}`);

      // The activity log: a table of time, turn, agent, event and detail, in words rather than JSON.
      const log = page.locator('#activity-log table');
      expect(await log.locator('th').allTextContents()).toEqual(['Time', 'Turn', 'Agent', 'Event', 'Detail']);
      const cells = await log.locator('td').allTextContents();
      expect(cells.length).toBeGreaterThan(5 * 4);
      expect(cells.filter((cell) => /\{"|\\"|"\w+":|\[\{/.test(cell))).toEqual([]);
      expect(cells.join(' ')).toContain('work/release-notes.md');

      // Messages: previews in plain words, cut at a word with "…"; a cost column with the API's figure.
      await page.goto(viewUrl(server.url, '#/messages?from=human'));
      const preview = page.locator('#message-results tr[data-id] .preview').first();
      await preview.waitFor();
      const shown = (await preview.textContent()) ?? '';
      expect(shown.endsWith('…')).toBe(true);
      expect(shown).not.toMatch(/\*\*|#/);
      const kept = shown.slice(0, -1);
      expect(PLAIN_BODY.startsWith(kept)).toBe(true);
      expect(PLAIN_BODY[kept.length]).toMatch(/[\s,.;:]/);
      await page.goto(viewUrl(server.url, '#/messages?from=coder_01'));
      await page.locator('#message-results tr[data-id]').first().waitFor();
      expect(await page.locator('#message-results th').allTextContents()).toContain('Cost');
      const listed = (await apiFromPage<{ messages: Array<{ id: string; credits: number }> }>(page, '/api/messages?from=coder_01')).body.messages[0];
      const costCell = await page.locator(`#message-results tr[data-id="${listed?.id}"] td.cost`).textContent();
      expect(costCell).toBe((listed?.credits ?? 0).toFixed(4));

      // The chart's agents table: credits left and what each has cost, as /api/agents has them.
      await page.goto(viewUrl(server.url, '#/chart'));
      const agentsTable = page.locator('#agents-table');
      await agentsTable.locator('tr[data-agent="coder_01"]').waitFor();
      expect(await agentsTable.locator('th').allTextContents()).toContain('Cost');
      const coder = (await apiFromPage<{ agents: Array<{ name: string; spent: number; balance: number }> }>(page, '/api/agents')).body.agents.find((entry) => entry.name === 'coder_01');
      expect(await agentsTable.locator('tr[data-agent="coder_01"] td.cost').textContent()).toBe((coder?.spent ?? 0).toFixed(4));
      expect(await agentsTable.locator('tr[data-agent="coder_01"] td.balance').textContent()).toBe((coder?.balance ?? 0).toFixed(4));

      // A report names the files it made: each opens read-only, from its agent's workspace.
      const report = (await apiFromPage<{ messages: Array<{ id: string }> }>(page, '/api/messages?from=coder_01')).body.messages[0]?.id ?? '';
      await page.goto(viewUrl(server.url, `#/message/${report}`));
      const named = page.locator('#message-files a', { hasText: 'work/release-notes.md' }).first();
      await named.waitFor();
      await named.click();
      await page.locator('#file-view pre').waitFor();
      expect(await page.locator('#file-view pre').textContent()).toContain('# Release notes');
      expect(await page.locator('#file-view h2').textContent()).toContain('coder_01');
      // Markup in a file is text: shown as written, run never.
      await page.goto(viewUrl(server.url, '#/file/coder_01/work/page.html'));
      await page.locator('#file-view pre').waitFor();
      expect(await page.locator('#file-view pre').textContent()).toBe('<script>window.ranFromFile = 1</script><b>bold?</b>\n');
      expect(await page.evaluate('typeof window.ranFromFile')).toBe('undefined');
      expect(await page.locator('#file-view b').count()).toBe(0);
      // A binary is named, not shown; a large file is cut at the cap and says so.
      await page.goto(viewUrl(server.url, '#/file/coder_01/work/blob.bin'));
      await page.locator('#file-view .file-note').waitFor();
      expect(await page.locator('#file-view .file-note').textContent()).toMatch(/binary/);
      expect(await page.locator('#file-view pre').count()).toBe(0);
      const big = await apiFromPage<{ truncated: boolean; size: number; text: string }>(page, '/api/agents/coder_01/workspace?path=work/big.txt');
      expect(big.body.truncated).toBe(true);
      expect(big.body.size).toBe(18 * 40_000);
      expect(big.body.text.length).toBeLessThan(big.body.size);
      // The read_file tool's rules: no way up, no link followed, nothing outside the agent's workspace.
      const up = await apiFromPage<{ message: string }>(page, `/api/agents/coder_01/workspace?path=${encodeURIComponent('../../human/resume.md')}`);
      expect(up.status).toBe(400);
      expect(up.body.message).toMatch(/\.\./);
      const link = await apiFromPage<{ message: string }>(page, '/api/agents/coder_01/workspace?path=work/passwd.txt');
      expect(link.status).toBe(400);
      expect(link.body.message).toMatch(/symbolic link/);
      expect(JSON.stringify(link.body)).not.toContain('root:');
      const absolute = await apiFromPage<{ message: string }>(page, `/api/agents/coder_01/workspace?path=${encodeURIComponent('/etc/passwd')}`);
      expect(absolute.status).toBe(400);
      await page.goto(viewUrl(server.url, '#/file/coder_01/work/passwd.txt'));
      await page.locator('#file-view .error-text').waitFor();
      expect(await page.locator('#file-view').textContent()).toMatch(/symbolic link/);

      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await server.stop();
    }
  }, 240_000);

  test('at 360 px wide every tab is on screen and no view is wider than the screen', async () => {
    const root = await ranOrg();
    const server = await serve(root);
    try {
      const errors: string[] = [];
      const report = (await (await fetch(new URL('/api/messages?from=coder_01', server.url), { headers: { authorization: `Bearer ${decodeURIComponent(server.url.slice(server.url.indexOf('token=') + 6))}` } })).json()) as { messages: Array<{ id: string }> };
      const reportId = report.messages[0]?.id ?? '';
      // At 360 px wide: every tab is on screen, and no view is wider than the screen.
      const narrow = await chromium.browser.newPage({ viewport: { width: 360, height: 740 } });
      narrow.on('pageerror', (error) => errors.push(error.message));
      for (const hash of ['#/chart', '#/messages', '#/requests', '#/run', '#/proposals', '#/human', '#/agent/coder_01', `#/message/${reportId}`]) {
        await narrow.goto(viewUrl(server.url, hash));
        await narrow.locator('main h2').first().waitFor();
        const tabs = await narrow.locator('header nav a').evaluateAll((links: unknown[]) => (links as InPage[]).map((link) => ({ text: link.textContent, left: link.getBoundingClientRect().left, right: link.getBoundingClientRect().right })));
        expect(tabs.length).toBeGreaterThanOrEqual(6);
        for (const tab of tabs) {
          expect({ hash, tab: tab.text, left: tab.left >= 0, right: tab.right <= 360 }).toEqual({ hash, tab: tab.text, left: true, right: true });
        }
        expect({ hash, width: await narrow.evaluate('document.documentElement.scrollWidth') }).toEqual({ hash, width: 360 });
      }
      await narrow.close();
      expect(errors).toEqual([]);
    } finally {
      await server.stop();
    }
  }, 240_000);

  test("switching org opens that org's same view when it has it, else that org's home", async () => {
    const folder = tempDir('lemming-orgs-');
    for (const name of ['alpha', 'beta']) {
      mkdirSync(join(folder, name));
      bootstrapOrg(join(folder, name), DEFAULT_ORG);
    }
    const press = join(folder, 'press');
    write(press, 'org/org.yaml', 'name: tiny-press\nmodels:\n  offline: { provider: offline, model: offline-1, input_price: 2.5, output_price: 10, context_window: 32000 }\n');
    write(press, 'org/chart.yaml', 'agents:\n  human: { reports_to: null, send_to: [writer], read_from: ["*"] }\n  writer: { reports_to: human, send_to: [human], read_from: ["*"] }\n');
    write(press, 'agents/human/resume.md', '---\ntitle: The person\nmodel: human\n---\nThe person.\n');
    write(press, 'agents/writer/resume.md', '---\ntitle: Writer\nmodel: offline\ncredits: 1\n---\nWrite what you are asked.\n');
    const server = await serveOrgs([folder]);
    try {
      const page = await chromium.browser.newPage({ viewport: { width: 1280, height: 860 } });
      await page.goto(viewUrl(server.url, '#/agent/coder_01'));
      await page.locator('#agent-credits').waitFor();
      // alpha is served at `/` too; beta has a coder_01: its page opens there.
      await page.locator('#org-switch:not([hidden])').waitFor();
      await Promise.all([page.waitForURL(/\/o\/beta\/#\/agent\/coder_01$/), page.click('#org-switch a[data-key="beta"]')]);
      await page.locator('#agent-credits').waitFor();
      expect(await page.locator('main h2').first().textContent()).toContain('coder_01');
      // press has none: its home opens, not an error about an agent it never had.
      await Promise.all([page.waitForURL(/\/o\/press\/(#\/chart)?$/), page.click('#org-switch a[data-key="press"]')]);
      await page.locator('#chart-graph [data-agent="writer"]').waitFor();
      expect(await page.locator('main').textContent()).not.toContain('there is no agent');
      await page.close();
    } finally {
      await server.stop();
    }
  });

  test('under run --serve the live feed keeps turn order: a turn\'s mail comes before the turn ends and before "idle"', async () => {
    const root = defaultOrg();
    humanSends(root, 'manager', 'Write the release notes', 'Release notes');
    const child = startLemming(root, ['run', '--serve', '--port', '0', '--plain']);
    let printed = '';
    const until = (pattern: RegExp): Promise<string> =>
      new Promise((resolve) => {
        const look = (): void => {
          const match = pattern.exec(printed);
          if (match) resolve(match[0]);
          else setTimeout(look, 50);
        };
        look();
      });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (printed += chunk));
    try {
      const url = await until(/http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/);
      await until(/the org is idle: waiting for mail/);
      await untilIndexed(url);
      const page = await chromium.browser.newPage({ viewport: { width: 1280, height: 860 } });
      await page.goto(viewUrl(url, '#/run'));
      await page.locator('#engine-state').waitFor();
      await page.locator('#live.on').waitFor();
      const send = (subject: string): Promise<number> =>
        page.evaluate(async (line) => (await fetch('/api/send', { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to: 'manager', subject: line, body: `${line}, please.` }) })).status, subject);
      expect(await send('Changelog')).toBe(201);
      await page.locator('#feed div', { hasText: /→ human: Re: Changelog/ }).waitFor();
      await page.locator('#feed div', { hasText: 'idle: waiting for mail' }).waitFor();
      // A second request: its turn's start reaches the page after everything the stream held before it.
      expect(await send('Docs')).toBe(201);
      await page.locator('#feed div', { hasText: /→ human: Re: Docs/ }).waitFor();
      await page.locator('#feed div', { hasText: 'idle: waiting for mail' }).nth(1).waitFor();
      const lines = await page.locator('#feed div').allTextContents();
      // After a turn ends, nothing of that turn but the person's own mail; after "idle", no line of a turn until the next starts but the person's mail.
      let finished = 0;
      let idle = false;
      const outOfTurn: string[] = [];
      for (const line of lines) {
        const ended = /^turn (\d+) finished(?:$|: )/.exec(line);
        const of = /^\[turn (\d+)\] (\S+)/.exec(line);
        const human = /^\[turn \d+\] human → /.test(line);
        if (/^\[turn \d+\] started/.test(line)) idle = false;
        if (line.startsWith('idle:')) idle = true;
        else if (idle && !human && (of || ended)) outOfTurn.push(`after idle: ${line}`);
        if (of && !human && Number(of[1]) <= finished) outOfTurn.push(`after turn ${finished} finished: ${line}`);
        if (ended) {
          if (Number(ended[1]) <= finished) outOfTurn.push(`again: ${line}`);
          finished = Number(ended[1]);
        }
      }
      expect(outOfTurn).toEqual([]);
      expect(lines.filter((line) => /^turn \d+ finished(?:$|: )/.test(line)).length).toBeGreaterThan(1);
      await page.close();
    } finally {
      await interruptAndWait(child);
    }
  });

  test('with the run in another process the live feed is in turn order: a message the dashboard finds after later turns\' goes among its turn\'s lines', async () => {
    const root = defaultOrg();
    const server = await serve(root);
    try {
      const page = await chromium.browser.newPage({ viewport: { width: 1280, height: 860 } });
      await page.goto(viewUrl(server.url, '#/run'));
      await page.locator('#live.on').waitFor();
      // Files as a run elsewhere writes them; the dashboard finds turn 8's last, as the fresh clones' suites saw it.
      write(root, 'agents/manager/outbox/000009-001-coder_01.md', '---\nto: coder_01\nsubject: Turn nine\n---\nBuild it.\n');
      write(root, 'agents/coder_01/outbox/000010-001-manager.md', '---\nto: manager\nsubject: Turn ten\n---\nBuilt it.\n');
      await page.locator('#feed div', { hasText: 'Turn ten' }).waitFor();
      await page.locator('#feed div', { hasText: 'Turn nine' }).waitFor();
      write(root, 'agents/planner/outbox/000008-001-manager.md', '---\nto: manager\nsubject: Turn eight\n---\nA plan.\n');
      await page.locator('#feed div', { hasText: 'Turn eight' }).waitFor();
      expect(await page.locator('#feed div').allTextContents()).toEqual([
        '[turn 8] planner → manager: Turn eight',
        '[turn 9] manager → coder_01: Turn nine',
        '[turn 10] coder_01 → manager: Turn ten',
      ]);
      await page.close();
    } finally {
      await server.stop();
    }
  });
});
