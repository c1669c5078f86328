#!/usr/bin/env node
// @ts-check
/**
 * `npm run screenshots`: takes the dashboard's pictures in docs/ afresh, from orgs made for them.
 *
 * It builds two orgs in a scratch folder with the built CLI (the demo, run to its answer, then a
 * hire asked for so one waits for approval; and the newsroom template's demo beside it), serves
 * them with `lemming serve`, and photographs the views the docs show with Debian's Chromium
 * through playwright-core (the browser the tests use: nothing is downloaded). Every figure on the
 * pictures comes from the offline model, so two runs give the same pages. Not part of `npm test`.
 *
 * Usage: npm run screenshots   (builds first; LEMMING_CHROMIUM names another Chromium)
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const REPO = resolve(import.meta.dirname, '..');
const CLI = join(REPO, 'dist', 'cli', 'main.js');
const DOCS = join(REPO, 'docs');
const VIEWPORT = { width: 1280, height: 900 };

/** Run the built CLI in `cwd` to its end; its standard output, or an error saying what it printed. */
function lemming(cwd, args) {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  if (result.status !== 0) throw new Error(`lemming ${args.join(' ')} exited ${result.status}: ${result.stdout}${result.stderr}`);
  return result.stdout;
}

/** `lemming serve` on any free port over the roots given; its URL once its message index is in, and a stop. */
async function serve(roots) {
  const child = spawn(process.execPath, [CLI, ...roots.flatMap((root) => ['--root', root]), 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let text = '';
  const url = await new Promise((resolveUrl, reject) => {
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      text += chunk;
      const match = /http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/.exec(text);
      if (match && /Ctrl-C stops|runs no turns/.test(text)) resolveUrl(match[0]);
    });
    child.on('close', () => reject(new Error(`lemming serve exited: ${text}`)));
  });
  const token = decodeURIComponent(url.slice(url.indexOf('token=') + 'token='.length));
  const bases = roots.length > 1 ? [...text.matchAll(/^ {2}([\w-]+): \/o\//gm)].map((match) => `/o/${match[1]}/`) : ['/'];
  for (const base of bases) {
    for (;;) {
      const answer = await fetch(new URL(`${base}api/status`, url), { headers: { authorization: `Bearer ${token}` } });
      const body = /** @type {{ index?: { state: string } }} */ (await answer.json());
      if (body.index?.state === 'ready') break;
      if (body.index?.state === 'failed') throw new Error(`the dashboard's index failed: ${JSON.stringify(body.index)}`);
      await new Promise((wait) => setTimeout(wait, 100));
    }
  }
  const stop = () =>
    new Promise((done) => {
      child.once('close', done);
      child.kill('SIGINT');
    });
  return { url, stop };
}

/** The dashboard's URL opening a view (`#/proposals`): the token is traded for a session on the way. */
function viewUrl(url, hash) {
  return url.replace(/\/\?token=(.*)$/, `/?token=$1${hash}`);
}

function chromiumPath() {
  const candidates = [process.env.LEMMING_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
  const found = candidates.find((path) => path !== undefined && path !== '' && existsSync(path));
  if (!found) throw new Error("no Chromium found: install Debian's chromium (apt-get install -y --no-install-recommends chromium) or set LEMMING_CHROMIUM");
  return found;
}

async function main() {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first (npm run screenshots does)`);
  const scratch = mkdtempSync(join(tmpdir(), 'lemming-screenshots-'));
  const browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] });
  try {
    const orgs = join(scratch, 'orgs');
    const software = join(orgs, 'software');
    const press = join(orgs, 'press');
    mkdirSync(orgs);
    // The demo as `npm start` runs it, then a hire asked for: hr's proposal waits for the human.
    lemming(scratch, ['demo', '--root', software]);
    lemming(software, ['send', 'manager', 'Hiring: please hire another coder for the release', '--subject', 'Hiring: hire a coder']);
    lemming(software, ['run', '--plain']);
    lemming(scratch, ['demo', '--template', 'newsroom', '--root', press]);

    const written = [];
    const shoot = async (page, name) => {
      await page.screenshot({ path: join(DOCS, name) });
      written.push(`docs/${name}`);
    };

    const one = await serve([software]);
    try {
      const page = await browser.newPage({ viewport: VIEWPORT });
      await page.goto(one.url);
      await page.locator('#chart-graph [data-agent="coder_01"]').waitFor();
      await page.locator('a[data-view="proposals"]', { hasText: 'Proposals (1)' }).waitFor();
      await shoot(page, 'dashboard-chart.png');

      await page.goto(viewUrl(one.url, '#/message/000005-manager-001'));
      await page.locator('#thread .thread-entry.current').waitFor();
      await shoot(page, 'dashboard-thread.png');

      await page.click('a[data-view="requests"]');
      await page.locator('#requests tr.request[data-id="000000-human-001"]').waitFor();
      await shoot(page, 'dashboard-requests.png');

      await page.click('a[data-view="proposals"]');
      await page.locator('[data-proposal]').first().waitFor();
      await shoot(page, 'dashboard-proposals.png');
      await page.close();
    } finally {
      await one.stop();
    }

    const both = await serve([software, press]);
    try {
      const page = await browser.newPage({ viewport: VIEWPORT });
      // The first root given (software) is the one at `/`; the switcher offers both.
      await page.goto(both.url);
      await page.locator('#org-switch:not([hidden])').waitFor();
      await page.locator('#org-switch a.active[data-key="software"]').waitFor();
      await page.locator('#chart-graph [data-agent="manager"]').waitFor();
      await shoot(page, 'dashboard-two-orgs.png');
      await page.close();
    } finally {
      await both.stop();
    }
    process.stdout.write(`screenshots: wrote ${written.join(', ')}\n`);
  } finally {
    await browser.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`screenshots: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
