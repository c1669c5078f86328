import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { REPO_ROOT } from '../../helpers/org-files.js';

/** The system's Chromium (Debian's `chromium`; `.ci/run` installs it): nothing downloads a browser. */
export function chromiumPath(): string {
  const candidates = [process.env.LEMMING_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
  const found = candidates.find((path): path is string => path !== undefined && path !== '' && existsSync(path));
  if (!found) throw new Error('no Chromium found: install Debian\'s chromium (`apt-get install -y --no-install-recommends chromium`, as .ci/run does) or set LEMMING_CHROMIUM');
  return found;
}

/** Chromium headless; `args` adds switches (`--host-resolver-rules` to point a name at this machine). */
export function launchChromium(args: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu', ...args] });
}

/** One Chromium for the tests of a `describe`: launched before them, closed after them. */
export function chromiumForSuite(): { readonly browser: Browser } {
  let launched: Browser | undefined;
  beforeAll(async () => {
    launched = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await launched?.close();
  });
  return {
    get browser(): Browser {
      if (!launched) throw new Error('Chromium has not started');
      return launched;
    },
  };
}

/**
 * Where the browser tests keep their screenshots (gitignored): test artifacts to look at. A
 * screenshot the docs show (`docs` set) is written to docs/ instead when LEMMING_DOCS_SCREENSHOTS=1.
 * The docs' pictures are taken by `npm run screenshots` (scripts/screenshots.mjs); this is a second way
 * for the two a test makes on its way: `LEMMING_DOCS_SCREENSHOTS=1 npx vitest run tests/web/browser`.
 */
export function screenshotPath(name: string, docs?: string): string {
  if (docs !== undefined && process.env.LEMMING_DOCS_SCREENSHOTS === '1') return join(REPO_ROOT, 'docs', docs);
  const directory = join(REPO_ROOT, 'test-artifacts', 'screenshots');
  mkdirSync(directory, { recursive: true });
  return join(directory, name);
}

/**
 * A new page of the dashboard at `url` (what `viewUrl` makes), 1280 by 900, with the page's own errors
 * (uncaught exceptions) collected as they happen: a test ends by expecting none.
 */
export async function openView(browser: Browser, url: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(url);
  return { page, errors };
}
