import { describe, expect, test } from 'vitest';
import { answeredOrgWithIndexHeld } from '../hold-index.js';
import { serveOrg } from '../web-server.js';
import { chromiumForSuite, screenshotPath } from './chromium.js';
import { viewUrl } from './serve-org.js';

describe('the page while the messages are indexed', () => {
  const chromium = chromiumForSuite();

  test('opened before the index is in, the page says "indexing messages…" in its header and in the view; once it is in, the messages show without a reload', async () => {
    const { root, hold } = answeredOrgWithIndexHeld();
    try {
      const server = await serveOrg(root, undefined, { waitForIndex: false });
      const tab = await chromium.browser.newPage({ viewport: { width: 1280, height: 800 } });
      const errors: string[] = [];
      tab.on('pageerror', (error) => errors.push(error.message));
      let loads = 0;
      tab.on('load', () => (loads += 1));
      await tab.goto(viewUrl(server.url, '#/messages'));
      const notice = tab.locator('header #index-state');
      await notice.waitFor({ state: 'visible' });
      expect(await notice.textContent()).toBe('indexing messages…');
      await tab.locator('#waiting-for-index', { hasText: 'The messages are still being indexed' }).waitFor();
      expect(await tab.locator('#message-results tr[data-id]').count()).toBe(0);
      // The header's other parts do not wait for the index.
      await tab.locator('header #turn', { hasText: 'turn 0' }).waitFor();
      await tab.screenshot({ path: screenshotPath('indexing.png') });
      const loadsBefore = loads;

      await hold.release();
      await notice.waitFor({ state: 'hidden' });
      const rows = tab.locator('#message-results tr[data-id]');
      await rows.first().waitFor();
      const ids = await Promise.all(Array.from({ length: await rows.count() }, (_, index) => rows.nth(index).getAttribute('data-id')));
      expect(ids.sort()).toEqual(['000000-human-001', '000001-manager-001']);
      expect(await tab.locator('#waiting-for-index').count()).toBe(0);
      // Filled in where it stood: the page was not loaded again.
      expect(loads).toBe(loadsBefore);
      expect(errors).toEqual([]);
    } finally {
      await hold.release();
    }
  }, 60_000);
});
