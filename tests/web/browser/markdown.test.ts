import { describe, expect, test } from 'vitest';
import { defaultOrg, write } from '../../helpers/temp-org.js';
import { chromiumForSuite, screenshotPath } from './chromium.js';
import { serve, viewUrl } from './serve-org.js';

/** A message file dropped into the manager's outbox for the human, with this body. */
function dropMessage(root: string, body: string, subject = 'Markdown'): void {
  write(root, 'agents/manager/outbox/000001-001-human.md', `---\nto: human\nsubject: ${JSON.stringify(subject)}\n---\n${body}\n`);
}

const RICH = [
  'A report:',
  '',
  '> Done: the release notes.',
  '>',
  '> What I did:',
  '> - wrote them',
  '> - had them checked',
  '',
  '1. first',
  '   - nested one',
  '   - nested two',
  '2. second',
  '',
  '```ts',
  'const x = "<b>not bold</b>";',
  '```',
  '',
  '| step | state |',
  '| --- | ---: |',
  '| build | done |',
  '| test | open |',
  '',
  'See [the docs](https://example.com/docs) or [mail](mailto:team@example.com).',
].join('\n');

const HOSTILE = [
  '<script>window.__pwned = "script"</script>',
  '',
  '<img src=x onerror="window.__pwned = \'img\'">',
  '',
  '[js](javascript:window.__pwned=1) [vb](vbscript:msgbox) [data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) [file](file:///etc/passwd) [spaced](java\tscript:alert(1))',
  '',
  '![pic](javascript:alert(1)) ![x](https://example.com/x.png "t")',
  '',
  '<a href="javascript:alert(1)">raw link</a> <iframe src="https://example.com"></iframe> <div onclick="alert(1)">div</div>',
  '',
  '> <svg onload=alert(1)>',
  '',
  '`<script>in code</script>`',
].join('\n');

describe('message bodies rendered as written, in Chromium', () => {
  const chromium = chromiumForSuite();

  test('a quote holding a list, nested lists, a code block, a table and links with safe schemes', async () => {
    const root = defaultOrg();
    dropMessage(root, RICH);
    const server = await serve(root);
    try {
      const tab = await chromium.browser.newPage({ viewport: { width: 1100, height: 900 } });
      await tab.goto(viewUrl(server.url, '#/message/000001-manager-001'));
      const body = tab.locator('#message-body .body');
      await body.waitFor();
      expect(await body.locator('> p').first().textContent()).toBe('A report:');
      expect(await body.locator('blockquote p').first().textContent()).toBe('Done: the release notes.');
      expect(await body.locator('blockquote ul li').allTextContents()).toEqual(['wrote them', 'had them checked']);
      expect(await body.locator('> ol > li').count()).toBe(2);
      expect(await body.locator('> ol > li > ul > li').allTextContents()).toEqual(['nested one', 'nested two']);
      expect(await body.locator('pre code').textContent()).toBe('const x = "<b>not bold</b>";');
      expect(await body.locator('pre b').count()).toBe(0);
      expect(await body.locator('table th').allTextContents()).toEqual(['step', 'state']);
      expect(await body.locator('table tbody tr').count()).toBe(2);
      expect(await body.locator('table td').nth(1).getAttribute('style')).toBe('text-align:right');
      const links = body.locator('a');
      expect(await links.evaluateAll((anchors) => anchors.map((anchor) => (anchor as unknown as { getAttribute(name: string): string | null }).getAttribute('href')))).toEqual(['https://example.com/docs', 'mailto:team@example.com']);
      expect(await links.first().getAttribute('rel')).toBe('noopener noreferrer');
      await tab.screenshot({ path: screenshotPath('markdown.png') });
    } finally {
      await server.stop();
    }
  }, 60_000);

  test('raw HTML, event handlers and links or images with unsafe schemes are shown as text and run nothing', async () => {
    const root = defaultOrg();
    dropMessage(root, HOSTILE, '<img src=x onerror=alert(1)>');
    const server = await serve(root);
    try {
      const tab = await chromium.browser.newPage();
      const dialogs: string[] = [];
      tab.on('dialog', (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      await tab.goto(viewUrl(server.url, '#/message/000001-manager-001'));
      const body = tab.locator('#message-body .body');
      await body.waitFor();
      const text = (await body.textContent()) ?? '';
      expect(text).toContain('<script>window.__pwned = "script"</script>');
      expect(text).toContain('<img src=x onerror=');
      expect(text).toContain('<iframe src="https://example.com"></iframe>');
      expect(text).toContain('<svg onload=alert(1)>');
      expect(await body.locator('script, img, iframe, svg, div, object, embed, [onclick], [onerror], [onload]').count()).toBe(0);
      // Only the image with an https address is a link (to it, not loaded); no link has another scheme.
      const hrefs = await body.locator('a').evaluateAll((anchors) => anchors.map((anchor) => (anchor as unknown as { getAttribute(name: string): string | null }).getAttribute('href')));
      expect(hrefs).toEqual(['https://example.com/x.png']);
      expect(await body.locator('code').first().textContent()).toBe('<script>in code</script>');
      expect(await tab.locator('h2').textContent()).toBe('<img src=x onerror=alert(1)>');
      expect(await tab.evaluate('typeof window.__pwned')).toBe('undefined');
      expect(dialogs).toEqual([]);
    } finally {
      await server.stop();
    }
  }, 60_000);
});
