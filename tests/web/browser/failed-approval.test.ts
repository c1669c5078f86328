import { describe, expect, test } from 'vitest';
import { retirementLeavingMeetingOfOne } from '../../helpers/propose-hire.js';
import { read } from '../../helpers/temp-org.js';
import { chromiumForSuite, openView } from './chromium.js';
import { serve, viewUrl } from './serve-org.js';

/**
 * Approving on the Proposals page what cannot be carried out (retiring janitor would leave a meeting
 * of one): the page says it failed and why, in the words of `lemming approve`, and the decided list
 * shows it failed with the reason. Before, the API answered 200 and the page showed the failure as a
 * success, in green.
 */
describe("the dashboard's Approve of a proposal that cannot be carried out", () => {
  const chromium = chromiumForSuite();

  test('says the approval failed and why', async () => {
    const { root, id } = retirementLeavingMeetingOfOne();
    const server = await serve(root);
    try {
      const { page: tab, errors } = await openView(chromium.browser, viewUrl(server.url, '#/proposals'));
      const card = tab.locator(`#pending-proposals [data-proposal="${id}"]`);
      await card.locator('button.approve').click({ timeout: 15_000 });
      const said = tab.locator('#proposal-decision .error-text');
      await said.waitFor({ timeout: 15_000 });
      const text = (await said.textContent()) ?? '';
      expect(text).toContain(`approved ${id}, but ${id} cannot be carried out: retiring janitor would leave org/meetings/pair.yaml invalid`);
      expect(text).toContain('is marked failed with that reason');
      expect(await tab.locator('#proposal-decision .ok-text').count()).toBe(0);
      // The list is drawn again: the card has gone, the decided row says failed and why.
      const row = tab.locator(`#decided-proposals [data-proposal="${id}"]`);
      await row.waitFor({ timeout: 15_000 });
      expect(await row.textContent()).toContain(`failed: ${id} cannot be carried out: retiring janitor would leave org/meetings/pair.yaml invalid`);
      expect(read(root, `org/proposals/${id}.md`)).toContain('status: failed');
      expect(errors).toEqual([]);
    } finally {
      await server.stop();
    }
  });
});
