import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { bootstrapOrg } from '../../../src/org/bootstrap-org.js';
import { DEFAULT_ORG, humanSends, runEngine, tempDir, write } from '../../helpers/temp-org.js';
import { chromiumForSuite, screenshotPath } from './chromium.js';
import { serveOrgs } from './serve-org.js';

/** A two-agent org: the person and one writer, on the offline model. */
function smallOrg(root: string): void {
  write(root, 'org/org.yaml', 'name: tiny-press\nmodels:\n  offline: { provider: offline, model: offline-1, input_price: 2.5, output_price: 10, context_window: 32000 }\n');
  write(root, 'org/chart.yaml', 'agents:\n  human: { reports_to: null, send_to: [writer], read_from: ["*"] }\n  writer: { reports_to: human, send_to: [human], read_from: ["*"] }\n');
  write(root, 'agents/human/resume.md', '---\ntitle: The person\nmodel: human\n---\nThe person.\n');
  write(root, 'agents/writer/resume.md', '---\ntitle: Writer\nmodel: offline\ncredits: 1\n---\nWrite what you are asked.\n');
}

describe('one dashboard over several orgs, in Chromium', () => {
  const chromium = chromiumForSuite();

  test('a switcher lists both orgs; each shows its own chart, messages and turn; the first keeps the single-org address; one token for both', async () => {
    const folder = tempDir('lemming-orgs-');
    const software = join(folder, 'software');
    mkdirSync(software);
    bootstrapOrg(software, DEFAULT_ORG);
    humanSends(software, 'manager', 'Write the release notes for 1.2', 'Release notes');
    await runEngine(software);
    const press = join(folder, 'press');
    smallOrg(press);
    humanSends(press, 'writer', 'A headline about lemmings, please', 'Headline');
    await runEngine(press);

    // A folder of orgs is served as its orgs, in name order: press first, then software.
    const server = await serveOrgs([folder]);
    try {
      expect(server.output()).toMatch(/press: \/o\/press\/ \(.*press\)\n\s+software: \/o\/software\/ \(.*software\)/);
      const page = await chromium.browser.newPage({ viewport: { width: 1280, height: 860 } });
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(server.url);
      expect(page.url()).not.toContain('token=');

      // At `/`: the first org, and the switcher offering both.
      await page.locator('#chart-graph [data-agent="writer"]').waitFor();
      expect(await page.locator('#chart-graph .node').count()).toBe(2);
      await page.locator('#org-switch:not([hidden])').waitFor();
      expect(await page.locator('#org-switch a').allTextContents()).toEqual(['press', 'software']);
      expect(await page.locator('#org-switch a.active').getAttribute('data-key')).toBe('press');
      expect(await page.locator('#org-switch a[data-key="software"]').getAttribute('title')).toMatch(/^lemming-default, turn \d+: .*software$/);

      // Switch: the same view of the other org, at its own address, from its own API.
      await page.click('a[data-view="messages"]');
      await page.locator('#message-results tr[data-id]').first().waitFor();
      expect(await page.locator('#message-results').textContent()).toContain('writer');
      await Promise.all([page.waitForURL(/\/o\/software\/#\/messages/), page.click('#org-switch a[data-key="software"]')]);
      await page.locator('#message-results tr[data-id]').first().waitFor();
      const software_rows = await page.locator('#message-results').textContent();
      expect(software_rows).toContain('manager');
      expect(software_rows).not.toContain('writer');
      expect(await page.locator('.org-name').textContent()).toBe('lemming-default');
      await page.click('a[data-view="chart"]');
      await page.locator('#chart-graph [data-agent="manager"]').waitFor();
      expect(await page.locator('#chart-graph .node').count()).toBe(6);
      expect(await page.locator('#org-switch a.active').getAttribute('data-key')).toBe('software');
      await page.screenshot({ path: screenshotPath('two-orgs.png', 'dashboard-two-orgs.png') });

      // And back, by its key's address.
      await Promise.all([page.waitForURL(/\/o\/press\/#\/chart/), page.click('#org-switch a[data-key="press"]')]);
      await page.locator('#chart-graph [data-agent="writer"]').waitFor();
      expect(errors).toEqual([]);

      // One token for every org: a browser without the session gets nothing from either.
      const stranger = await chromium.browser.newPage();
      const base = new URL(server.url).origin;
      for (const path of ['/o/software/api/status', '/o/press/api/status', '/api/orgs', '/o/press/']) {
        const response = await stranger.goto(`${base}${path}`);
        expect(response?.status()).toBe(401);
      }
      await stranger.close();
      await page.close();
    } finally {
      await server.stop();
    }
  });
});
