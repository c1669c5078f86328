import { afterEach, describe, expect, test } from 'vitest';
import { PageTextThreads } from '../../src/tools/web/page-text-threads.js';

const HANGING = new URL('../fixtures/threads/hang-on-request.mjs', import.meta.url);
let threads: PageTextThreads | undefined;

afterEach(async () => {
  await threads?.close();
  threads = undefined;
});

describe('page-text threads: a stuck conversion never blocks the next', () => {
  test('a page that never converts holds up no other page; stopped, its thread is ended and the next page still converts', async () => {
    threads = new PageTextThreads(HANGING);
    const stop = new AbortController();
    const stuck = threads.convert('<p>hang</p>', stop.signal);
    let stuckEnded = false;
    void stuck.then(() => (stuckEnded = true));
    // Asked while the first thread spins: it gets a thread of its own and its answer.
    expect(await threads.convert('<p>b</p>', new AbortController().signal)).toEqual({ kind: 'text', text: '<P>B</P>', cutChars: 0, flattened: 0 });
    expect(stuckEnded).toBe(false);
    stop.abort();
    expect(await stuck).toEqual({ kind: 'stopped' });
    expect(await threads.convert('<p>c</p>', new AbortController().signal)).toEqual({ kind: 'text', text: '<P>C</P>', cutChars: 0, flattened: 0 });
    // The warm thread, stuck in its turn, is ended too; the next page gets a new one.
    const again = new AbortController();
    const second = threads.convert('hang again', again.signal);
    again.abort();
    expect(await second).toEqual({ kind: 'stopped' });
    expect(await threads.convert('d', new AbortController().signal)).toMatchObject({ kind: 'text', text: 'D' });
  });

  test('a signal already ended converts nothing; a thread that cannot run is a failure, not a crash', async () => {
    threads = new PageTextThreads(HANGING);
    expect(await threads.convert('x', AbortSignal.abort())).toEqual({ kind: 'stopped' });
    const missing = new PageTextThreads(new URL('../fixtures/threads/no-such-thread.mjs', import.meta.url));
    const failed = await missing.convert('x', new AbortController().signal);
    expect(failed.kind).toBe('failed');
    expect(failed).toMatchObject({ reason: expect.stringContaining('no-such-thread.mjs') });
  });
});
