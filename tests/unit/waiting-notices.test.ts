import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { Provider, ProviderRequest, ProviderResponse, WaitingNotice } from '../../src/providers/provider.js';
import { WaitingNoticeProvider } from '../../src/providers/waiting-notices.js';
import { engineRequest } from '../helpers/provider-requests.js';

const answer: ProviderResponse = { text: 'ok', toolCalls: [], usage: { inputTokens: 1, outputTokens: 1, estimated: false }, modelKey: 'main' };

/** A model that answers (or fails) when the test says, and hands the test the request it was given. */
function heldModel(): Provider & { request?: ProviderRequest; answer(): void; fail(): void } {
  let settle: { resolve(value: ProviderResponse): void; reject(error: Error): void } | undefined;
  const model = {
    request: undefined as ProviderRequest | undefined,
    generate: (request: ProviderRequest) =>
      new Promise<ProviderResponse>((resolve, reject) => {
        model.request = request;
        settle = { resolve, reject };
      }),
    answer: () => settle?.resolve(answer),
    fail: () => settle?.reject(new Error('main: connection reset')),
  };
  return model;
}

/** A model that answers at once. */
function instantModel(): Provider {
  return { generate: async () => answer };
}

// The clock here is vitest's, moved by hand: nothing waits, and nothing depends on the machine's speed.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('a call that waits long says so', () => {
  test('at 10 s, then 20, 40, 70 and 100 s; once it answers, its timer goes at the next look and nothing more is said', async () => {
    const model = heldModel();
    const notices: WaitingNotice[] = [];
    const call = new WaitingNoticeProvider(model, 10_000).generate(engineRequest({ onWaiting: (notice) => notices.push(notice) }));
    await vi.advanceTimersByTimeAsync(9_999);
    expect(notices).toEqual([]);
    await vi.advanceTimersByTimeAsync(100_001 - 9_999);
    expect(notices).toEqual([10, 20, 40, 70, 100].map((seconds) => ({ modelKey: 'main', waitedMs: seconds * 1000 })));
    model.answer();
    expect(await call).toEqual(answer);
    // The timer is kept until its next look (a second at most) finds nothing in flight, so a turn of many calls makes one.
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(600_000);
    expect(notices).toHaveLength(5);
  });

  test('a retry starts the clock again once its backoff is over; a call that fails leaves no timer after the next look', async () => {
    const model = heldModel();
    const notices: number[] = [];
    const retried: number[] = [];
    const call = new WaitingNoticeProvider(model, 10_000).generate(
      engineRequest({ onWaiting: (notice) => notices.push(notice.waitedMs), onRetry: (retry) => retried.push(retry.attempt) }),
    );
    await vi.advanceTimersByTimeAsync(8_000);
    // The first attempt failed after 8 s; the next starts after a backoff of 5 s.
    model.request?.onRetry?.({ modelKey: 'main', attempt: 2, attempts: 4, waitMs: 5_000, cause: 'main: the server answered 503' });
    expect(retried).toEqual([2]);
    await vi.advanceTimersByTimeAsync(14_999);
    expect(notices).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(notices).toEqual([10_000]);
    model.fail();
    await expect(call).rejects.toThrow('connection reset');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(vi.getTimerCount()).toBe(0);
  });

  test('a request nobody listens to for waits sets no timer', async () => {
    const model = heldModel();
    const call = new WaitingNoticeProvider(model, 10_000).generate(engineRequest());
    expect(vi.getTimerCount()).toBe(0);
    model.answer();
    await call;
  });

  test('calls one after another share one timer, made once', async () => {
    const made = vi.spyOn(globalThis, 'setInterval');
    const provider = new WaitingNoticeProvider(instantModel(), 10_000);
    for (let index = 0; index < 50; index += 1) await provider.generate(engineRequest({ onWaiting: () => undefined }));
    expect(made).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(vi.getTimerCount()).toBe(0);
  });
});
