import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fetchUrl } from '../../src/tools/web/fetch-url.js';
import { PageTextThreads } from '../../src/tools/web/page-text-threads.js';

const SETTINGS = { allow: [], max_bytes: 64 * 1024, timeout_ms: 5_000 };
let server: Server;
let other: Server;
let base = '';
let otherBase = '';
let requests: string[] = [];
/** Called when the server has handed the whole of /nested to the socket. */
let onNestedSent: (() => void) | undefined;

/**
 * 2 MB of lists nested 500 deep, again and again: html-to-text indents every line by its depth, so
 * on the engine's thread this took 40 s (and made 52 MB of text) during which nothing else ran.
 */
const NESTED = (() => {
  const one = `${'<ul><li>item '.repeat(500)}${'</li></ul>'.repeat(500)}`;
  return `<!doctype html><html><body>${one.repeat(Math.floor((2 * 1024 * 1024) / one.length))}</body></html>`;
})();

const PAGE = `<!doctype html><html><head><title>Release notes</title><style>body { color: red }</style><script>alert("x")</script></head>
<body><nav><a href="/">Home</a></nav><h1>Release 2.0</h1><p>Faster <b>turns</b>, and a <a href="/docs">manual</a>.</p>
<ul><li>sandboxed commands</li><li>fetch by allow-list</li></ul><img src="x.png" alt="chart"></body></html>`;

function listen(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const made = createServer(handler);
  return new Promise((resolve) => made.listen(0, '127.0.0.1', () => resolve({ server: made, url: `http://127.0.0.1:${(made.address() as AddressInfo).port}` })));
}

beforeAll(async () => {
  ({ server: other, url: otherBase } = await listen((request, response) => {
    requests.push(`other ${request.url}`);
    response.end('you should never see this');
  }));
  ({ server, url: base } = await listen((request, response) => {
    requests.push(request.url ?? '');
    if (request.url === '/page') return void response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
    if (request.url === '/plain') return void response.writeHead(200, { 'content-type': 'text/plain' }).end('just text\n');
    if (request.url === '/inside') return void response.writeHead(302, { location: '/plain' }).end();
    if (request.url === '/outside') return void response.writeHead(302, { location: `${otherBase}/secret` }).end();
    if (request.url === '/nowhere') return void response.writeHead(302, { 'content-type': 'text/html' }).end('<p>moved</p>');
    if (request.url === '/choices') return void response.writeHead(300, { location: '/plain', 'content-type': 'text/plain' }).end('/plain or /page');
    if (request.url === '/not-modified') return void response.writeHead(304, { location: '/plain' }).end();
    if (request.url === '/big') return void response.writeHead(200, { 'content-type': 'text/plain' }).end('y'.repeat(1024 * 1024));
    if (request.url === '/missing') return void response.writeHead(404, { 'content-type': 'text/plain' }).end('not here');
    if (request.url === '/nested') {
      response.on('finish', () => onNestedSent?.());
      return void response.writeHead(200, { 'content-type': 'text/html' }).end(NESTED);
    }
    if (request.url === '/hang') return void response.writeHead(200, { 'content-type': 'text/html' }).end('<p>please hang here</p>');
    if (request.url === '/binary') return void response.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.alloc(100));
    response.writeHead(500).end();
  }));
});
afterAll(() => {
  server.close();
  other.close();
});

const allow = (): string[] => [`${base.replace('http://', '')}`];

describe('fetch_url fetches only what the allow-list names', () => {
  test('an HTML page on an allowed host comes back as readable text: headings, links, lists; no scripts, styles, images or menus', async () => {
    const result = await fetchUrl(`${base}/page`, SETTINGS, allow());
    expect(result.isError).toBe(false);
    expect(result.content).toContain(`GET ${base}/page: 200 OK (text/html; charset=utf-8, `);
    expect(result.content).toContain('RELEASE 2.0');
    expect(result.content).toContain('Faster turns, and a manual [/docs].');
    expect(result.content).toMatch(/\* sandboxed commands\n \* fetch by allow-list/);
    expect(result.content).not.toMatch(/alert|color: red|x\.png|Home/);
  });

  test('a host not on the list is refused with the reason, and never contacted', async () => {
    requests = [];
    const result = await fetchUrl(`${otherBase}/secret`, SETTINGS, allow());
    expect(result).toEqual({ isError: true, content: `fetch_url: refused: ${otherBase.replace('http://', '')} is not on the list of hosts this agent may fetch (allowed: ${allow()[0]})` });
    expect(requests).toEqual([]);
    expect((await fetchUrl(`${base}/page`, SETTINGS, [])).content).toContain('nothing is allowed: org.yaml web.allow is empty');
  });

  test('a redirect inside the list is followed; one to a host outside it is refused, and that host is never contacted', async () => {
    expect((await fetchUrl(`${base}/inside`, SETTINGS, allow())).content).toMatch(/redirected \(302\) to .*\/plain\nGET .*\/plain: 200 OK[\s\S]*just text/);
    requests = [];
    const refused = await fetchUrl(`${base}/outside`, SETTINGS, allow());
    expect(refused.isError).toBe(true);
    expect(refused.content).toContain(`refused: ${otherBase.replace('http://', '')} is not on the list`);
    expect(refused.content).toContain(`(after ${base}/outside redirected (302) to ${otherBase}/secret)`);
    expect(requests).toEqual(['/outside']);
  });

  test('a 3xx that is not a redirect to follow is an error that says no page came back: a 302 with no Location, a 300 or 304 with one (not followed)', async () => {
    requests = [];
    const nowhere = await fetchUrl(`${base}/nowhere`, SETTINGS, allow());
    expect(nowhere.isError).toBe(true);
    expect(nowhere.content).toContain(`GET ${base}/nowhere: 302 Found (text/html, 12 bytes)\n(a redirect with no Location header, so it says not where to; no page came back)`);
    const choices = await fetchUrl(`${base}/choices`, SETTINGS, allow());
    expect(choices.isError).toBe(true);
    expect(choices.content).toContain(`GET ${base}/choices: 300 Multiple Choices (text/plain, 15 bytes)\n(300 is not a redirect fetch_url follows: only 301, 302, 303, 307 and 308 with a Location header are; no page came back)\n\n/plain or /page`);
    const notModified = await fetchUrl(`${base}/not-modified`, SETTINGS, allow());
    expect(notModified.isError).toBe(true);
    expect(notModified.content).toContain('304 Not Modified');
    expect(notModified.content).toContain('(304 is not a redirect fetch_url follows');
    expect(requests).toEqual(['/nowhere', '/choices', '/not-modified']);
  });

  test('a page past web.max_bytes is cut and says so; a 404 is an error result; a binary file is described, not shown', async () => {
    const big = await fetchUrl(`${base}/big`, SETTINGS, allow());
    expect(big.content).toContain('more than 65,536 bytes; the first 65,536 were read (web.max_bytes)');
    expect(big.content.length).toBeLessThan(66_000);
    const missing = await fetchUrl(`${base}/missing`, SETTINGS, allow());
    expect(missing).toMatchObject({ isError: true, content: expect.stringContaining('404 Not Found') });
    expect((await fetchUrl(`${base}/binary`, SETTINGS, allow())).content).toContain('(a image/png file is not shown as text)');
  });

  test('other schemes, credentials in the URL and non-URLs are refused', async () => {
    expect((await fetchUrl('file:///etc/passwd', SETTINGS, ['*'])).content).toBe('fetch_url: refused: file: URLs are not fetched; only http and https');
    expect((await fetchUrl('ftp://example.com/x', SETTINGS, ['example.com'])).content).toContain('ftp: URLs are not fetched');
    expect((await fetchUrl(`http://user:pw@${base.slice(7)}/page`, SETTINGS, allow())).content).toContain('with a user name or password are not fetched');
    expect((await fetchUrl('not a url', SETTINGS, allow())).content).toContain('is not a URL');
  });

  test('a listed name that resolves to a loopback or private address is refused unless the list names the address itself', async () => {
    const port = base.split(':')[2];
    const toLoopback = async (): Promise<string[]> => ['127.0.0.1'];
    const byName = await fetchUrl(`http://intranet.example:${port}/plain`, SETTINGS, [`intranet.example:${port}`], toLoopback);
    expect(byName.content).toContain(`refused: intranet.example:${port} is at 127.0.0.1, a loopback address; an address like that is fetched only when web.allow names it (for example "127.0.0.1:${port}")`);
    const toPrivate = async (): Promise<string[]> => ['10.1.2.3'];
    expect((await fetchUrl('http://docs.example/x', SETTINGS, ['docs.example'], toPrivate)).content).toContain('is at 10.1.2.3, a private address');
    // Named as an address, the same server is reached.
    expect((await fetchUrl(`${base}/plain`, SETTINGS, [`127.0.0.1:${port}`])).content).toContain('just text');
    expect((await fetchUrl(`${base}/plain`, SETTINGS, [`${base}/pl`])).content).toContain('just text');
  });

  test('entries: a bare host means its usual port, *.host its sub-domains, a URL prefix its paths', async () => {
    const port = base.split(':')[2];
    expect((await fetchUrl(`${base}/plain`, SETTINGS, ['127.0.0.1'])).content).toContain('is not on the list');
    expect((await fetchUrl(`${base}/page`, SETTINGS, [`${base}/plain`])).content).toContain('is not on the list');
    const resolveAll = async (): Promise<string[]> => ['127.0.0.1'];
    expect((await fetchUrl(`http://a.lemming.test:${port}/plain`, SETTINGS, [`*.lemming.test:${port}`, '127.0.0.1'], resolveAll)).content).toContain('is at 127.0.0.1');
    expect((await fetchUrl(`http://lemming.test:${port}/plain`, SETTINGS, [`*.lemming.test:${port}`], resolveAll)).content).toContain('is not on the list');
  });
});

describe('turning a page into text holds up nothing else', () => {
  test('2 MB of deeply nested HTML: while it is converted another fetch completes and the event loop turns; its text is bounded and says how', async () => {
    const finished: string[] = [];
    let plain: Promise<string> | undefined;
    let ticks = 0;
    let ticksAtSent = 0;
    const ticker = setInterval(() => (ticks += 1), 1);
    // Asked once the nested page has left the server: on today's engine thread it is then being converted.
    onNestedSent = () => {
      ticksAtSent = ticks;
      // A generous time limit: it must finish first because nothing holds it up, not because the other failed.
      plain = fetchUrl(`${base}/plain`, { ...SETTINGS, timeout_ms: 120_000 }, allow()).then((result) => {
        finished.push('plain');
        return result.content;
      });
    };
    try {
      const nested = await fetchUrl(`${base}/nested`, { ...SETTINGS, max_bytes: 4 * 1024 * 1024, timeout_ms: 300_000 }, allow());
      finished.push('nested');
      const ticksDuring = ticks - ticksAtSent;
      expect(await plain).toContain('just text');
      expect(finished).toEqual(['plain', 'nested']);
      expect(ticksDuring).toBeGreaterThan(5);
      expect(nested.isError).toBe(false);
      expect(nested.content).toContain(`GET ${base}/nested: 200 OK (text/html, ${NESTED.length.toLocaleString('en-US')} bytes)`);
      expect(nested.content).toMatch(/\(only the first 524,288 characters of its HTML were turned into text \([\d,]+ left out\)\)/);
      expect(nested.content).toMatch(/\([\d,]+ elements nested deeper than 32 levels were flattened \(their text kept\)\)/);
      expect(nested.content).toContain('* item');
      expect(nested.content.length).toBeLessThan(51_000);
    } finally {
      clearInterval(ticker);
      onNestedSent = undefined;
    }
  });

  test('a conversion still running at web.timeout_ms is stopped, and the result says so; the next page converts', async () => {
    // A thread that never finishes a page saying "hang" (tests/fixtures/threads/): the page below does not.
    const threads = new PageTextThreads(new URL('../fixtures/threads/hang-on-request.mjs', import.meta.url));
    const convert = (html: string, signal: AbortSignal): ReturnType<PageTextThreads['convert']> => threads.convert(html, signal);
    try {
      const hanging = await fetchUrl(`${base}/hang`, { ...SETTINGS, timeout_ms: 3_000 }, allow(), undefined, convert);
      expect(hanging).toEqual({
        isError: true,
        content: `fetch_url: GET ${base}/hang: 200 OK (text/html, 23 bytes); turning its HTML into text took longer than the rest of 3 s (web.timeout_ms); the conversion was stopped`,
      });
      const next = await fetchUrl(`${base}/page`, SETTINGS, allow(), undefined, convert);
      expect(next.content).toContain('<!DOCTYPE HTML><HTML><HEAD><TITLE>RELEASE NOTES');
    } finally {
      await threads.close();
    }
  });

  test('the built fetch_url finds its converting thread in dist/', async () => {
    const built = (await import(pathToFileURL(`${process.cwd()}/dist/tools/web/fetch-url.js`).href)) as typeof import('../../src/tools/web/fetch-url.js');
    const result = await built.fetchUrl(`${base}/page`, SETTINGS, allow());
    expect(result.isError).toBe(false);
    expect(result.content).toContain('Faster turns, and a manual [/docs].');
  });
});
