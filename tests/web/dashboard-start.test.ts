import { expect, test } from 'vitest';
import { openDashboard } from '../../src/cli/commands/serve.js';
import type { IndexState } from '../../src/web/api-types.js';
import { defaultOrg, humanSends, write } from '../helpers/temp-org.js';
import { holdIndex } from './hold-index.js';

/** What a command printed, in order, each line marked with its stream. */
function capture(): { lines: string[]; output: { out(line: string): void; err(line: string): void } } {
  const lines: string[] = [];
  return { lines, output: { out: (line) => lines.push(`out: ${line}`), err: (line) => lines.push(`err: ${line}`) } };
}

/** The server's status as a program reads it. */
async function status(server: { url: string }): Promise<{ status: number; index: IndexState }> {
  const token = decodeURIComponent(server.url.slice(server.url.indexOf('token=') + 'token='.length));
  const response = await fetch(new URL('/api/status', server.url), { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, index: ((await response.json()) as { index: IndexState }).index };
}

test('the address is printed as soon as the server listens, while the messages are still being indexed; closed, it prints nothing more', async () => {
  const root = defaultOrg();
  humanSends(root, 'manager', 'Measure the aardvark enclosure', 'Aardvark');
  const hold = holdIndex(root);
  const { lines, output } = capture();
  try {
    const server = await openDashboard(root, { port: 0 }, output);
    try {
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^out: dashboard: http:\/\/127\.0\.0\.1:\d+\/\?token=/);
      expect(await status(server)).toEqual({ status: 200, index: { state: 'loading', messages: 0 } });
      await hold.release();
      await server.dashboard.watch.ready();
      expect((await status(server)).index).toEqual({ state: 'ready', messages: 1 });
    } finally {
      await server.close();
    }
    expect(lines).toHaveLength(1);
  } finally {
    await hold.release();
  }
});

test('an index that cannot be built is said on standard error and in the status; the server goes on answering, and a request that needs the index tries again', async () => {
  const root = defaultOrg();
  humanSends(root, 'manager', 'Measure the aardvark enclosure', 'Aardvark');
  // A file where an agent's folder would be: listing its outbox fails (ENOTDIR), and with it the build.
  write(root, 'agents/todo', 'buy milk\n');
  const { lines, output } = capture();
  const server = await openDashboard(root, { port: 0 }, output);
  try {
    await expect(server.dashboard.watch.ready()).rejects.toThrow(/ENOTDIR/);
    const failed = await status(server);
    expect(failed.status).toBe(200);
    expect(failed.index).toMatchObject({ state: 'failed', error: expect.stringMatching(/ENOTDIR: not a directory, stat '.*agents\/todo\/outbox'/) });
    expect(lines[0]).toMatch(/^out: dashboard: http:/);
    expect(lines[1]).toMatch(new RegExp(`^err: dashboard: the message index of ${root} failed \\(the message index's thread stopped: ENOTDIR`));
    expect(lines).toHaveLength(2);

    const token = decodeURIComponent(server.url.slice(server.url.indexOf('token=') + 'token='.length));
    const search = await fetch(new URL('/api/search?q=aardvark', server.url), { headers: { authorization: `Bearer ${token}` } });
    expect(search.status).toBe(503);
    expect(search.headers.get('retry-after')).toBe('1');
    expect(await search.json()).toMatchObject({ error: 'index-failed', index: 'failed', message: expect.stringContaining('ENOTDIR') });
    // That request started the build again: it fails again, and is said again.
    await expect(server.dashboard.watch.ready()).rejects.toThrow(/ENOTDIR/);
    expect((await status(server)).index.state).toBe('failed');
    expect(lines.filter((line) => line.startsWith('err: dashboard: the message index'))).toHaveLength(2);
  } finally {
    await server.close();
  }
});
