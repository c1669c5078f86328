import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { defaultOrg } from '../../helpers/temp-org.js';
import { chromiumForSuite, openView } from './chromium.js';
import { serve, viewUrl } from './serve-org.js';

describe('the composer, in Chromium', () => {
  const chromium = chromiumForSuite();

  test('a body past the cap of 20,000 characters: the sent line says how many were cut, as the message does; one within it says nothing of cutting', { timeout: 120_000 }, async () => {
    const root = defaultOrg();
    const server = await serve(root);
    try {
      const { page, errors } = await openView(chromium.browser, viewUrl(server.url, '#/human'));
      await page.locator('#composer').waitFor();
      /** Send `body` to the manager; what the sent line said, and the file it names. */
      const send = async (body: string): Promise<{ said: string; written: string }> => {
        await page.selectOption('#compose-to', 'manager');
        await page.fill('#compose-body', body);
        await page.click('#compose-send');
        // The body box is emptied once the answer is shown.
        await expect.poll(() => page.inputValue('#compose-body')).toBe('');
        const said = (await page.locator('#compose-result').textContent()) ?? '';
        const file = /\(([^)]+\.md)\)/.exec(said)?.[1] ?? '';
        return { said, written: readFileSync(join(root, file), 'utf8') };
      };

      const within = await send('x'.repeat(20_000));
      expect(within.said).toMatch(/^sent \S+ to manager/);
      expect(within.written).not.toContain('were cut');
      expect(within.said).not.toContain('cut');

      const over = await send(`${'word '.repeat(4_000)}and 100 more: ${'x'.repeat(86)}`);
      expect(/\[lemming: (\d+) more characters were cut/.exec(over.written)?.[1]).toBe('100');
      expect(over.said).toMatch(/^sent \S+ to manager .*; its last 100 characters were cut/);
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await server.stop();
    }
  });
});
