import { describe, expect, test } from 'vitest';
import { defaultOrg, write } from '../../helpers/temp-org.js';
import { chromiumForSuite, openView } from './chromium.js';
import { serve, viewUrl } from './serve-org.js';

/**
 * A hire proposal written by hand with only a name: the dashboard's Proposals page draws its card,
 * each field it leaves out said missing by name. Before, the card's `send_to.join` threw in the page
 * and the list said `hire coder_09 (undefined), reporting to undefined, undefined credits`.
 */
describe("the dashboard's card of a hand-written hire", () => {
  const chromium = chromiumForSuite();

  test('says each missing field, never undefined', async () => {
    const root = defaultOrg();
    write(root, 'org/proposals/000002-hr-001.md', '---\nid: 000002-hr-001\nkind: hire\nstatus: pending\nproposed_by: hr\nturn: 2\ncreated: 2026-11-29T00:00:00.000Z\nhire:\n  name: coder_09\n---\nWritten by hand.\n');
    const server = await serve(root);
    try {
      const { page: tab, errors } = await openView(chromium.browser, viewUrl(server.url, '#/proposals'));
      const card = tab.locator('[data-proposal="000002-hr-001"]');
      await card.locator('table.fields').waitFor({ timeout: 15_000 });
      const text = (await card.textContent()) ?? '';
      expect(text).toContain('hr proposes to hire coder_09 (title missing), reports_to missing, credits missing from hr; cannot be approved:');
      expect(await card.locator('table.fields tr').allTextContents()).toEqual([
        'namecoder_09',
        'titlemissing (title)',
        'reports tomissing (reports_to)',
        'modelmissing (model)',
        'creditsmissing (credits)',
        'may send tomissing (send_to)',
        'reads frommissing (read_from)',
        'toolsmissing (tools)',
      ]);
      expect(text).not.toContain('undefined');
      expect(errors).toEqual([]);
    } finally {
      await server.stop();
    }
  });
});
