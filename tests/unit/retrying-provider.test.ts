import { describe, expect, test } from 'vitest';
import { ProviderError } from '../../src/providers/provider-error.js';
import type { Provider, ProviderResponse } from '../../src/providers/provider.js';
import { parseRetryAfter } from '../../src/providers/retry-after.js';
import { backoffDelay, RetryingProvider } from '../../src/providers/retrying-provider.js';
import { engineRequest, recordingSleep } from '../helpers/provider-requests.js';

const answer: ProviderResponse = { text: 'ok', toolCalls: [], usage: { inputTokens: 1, outputTokens: 1, estimated: false }, modelKey: 'main' };

/** A provider that fails with the given errors, in order, then answers. */
function failing(...errors: Error[]): Provider & { calls: number } {
  const provider = {
    calls: 0,
    async generate(): Promise<ProviderResponse> {
      const error = errors[provider.calls];
      provider.calls += 1;
      if (error) throw error;
      return answer;
    },
  };
  return provider;
}

const retryable = (status: number, retryAfterMs?: number): ProviderError =>
  new ProviderError(`main: the server answered ${status}`, { retryable: true, status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });

describe('retries', () => {
  test('backoff doubles from the base, is capped, and keeps at least half its value under jitter', () => {
    const policy = { maxRetries: 5, baseDelayMs: 1000, maxDelayMs: 5000 };
    expect([0, 1, 2, 3].map((attempt) => backoffDelay(attempt, policy, 0))).toEqual([500, 1000, 2000, 2500]);
    expect([0, 1, 2, 3].map((attempt) => backoffDelay(attempt, policy, 0.999999))).toEqual([1000, 2000, 4000, 5000]);
  });

  test('retryable failures are retried with backoff; Retry-After is used as given', async () => {
    const inner = failing(retryable(500), retryable(429, 2500), new ProviderError('main: connection reset', { retryable: true }));
    const { waits, sleep } = recordingSleep();
    const provider = new RetryingProvider(inner, { maxRetries: 3, baseDelayMs: 100 }, { sleep, random: () => 0 });
    const response = await provider.generate(engineRequest());
    expect(inner.calls).toBe(4);
    expect(waits).toEqual([50, 2500, 200]);
    expect(response.notes?.[0]).toMatch(/^answered on attempt 4 of 4, after: main: the server answered 500 \(waited 0.1 s\); main: the server answered 429 \(waited 2.5 s\)/);
  });

  test('a non-retryable failure is thrown at once', async () => {
    const inner = failing(new ProviderError('main: 400', { retryable: false, status: 400 }));
    const { waits, sleep } = recordingSleep();
    await expect(new RetryingProvider(inner, { maxRetries: 3 }, { sleep }).generate(engineRequest())).rejects.toThrow('main: 400');
    expect(inner.calls).toBe(1);
    expect(waits).toEqual([]);
  });

  test('attempts are bounded, and the last error says how many were made', async () => {
    const inner = failing(retryable(502), retryable(502), retryable(502));
    const { sleep } = recordingSleep();
    const error = (await new RetryingProvider(inner, { maxRetries: 2 }, { sleep }).generate(engineRequest()).catch((caught: unknown) => caught)) as ProviderError;
    expect(error.message).toBe('main: the server answered 502 (gave up after 3 attempts)');
    expect(error.status).toBe(502);
    expect(inner.calls).toBe(3);
  });

  test('a Retry-After longer than lemming waits fails the call at once, so a fallback can answer', async () => {
    const inner = failing(retryable(429, 600_000));
    const { waits, sleep } = recordingSleep();
    const error = (await new RetryingProvider(inner, { maxRetries: 3 }, { sleep }).generate(engineRequest()).catch((caught: unknown) => caught)) as ProviderError;
    expect(error.message).toMatch(/asked to wait 600 s, longer than lemming waits within a turn: 60 s/);
    expect(waits).toEqual([]);
  });

  test('a stopped run does not retry', async () => {
    const controller = new AbortController();
    const inner: Provider = {
      async generate() {
        controller.abort();
        throw retryable(500);
      },
    };
    const { waits, sleep } = recordingSleep();
    await expect(new RetryingProvider(inner, { maxRetries: 3 }, { sleep }).generate(engineRequest({ signal: controller.signal }))).rejects.toThrow();
    expect(waits).toEqual([]);
  });
});

describe('Retry-After', () => {
  const headers = (values: Record<string, string>) => new Headers(values);
  test('reads retry-after-ms, seconds and HTTP dates; ignores nonsense', () => {
    expect(parseRetryAfter(headers({ 'retry-after-ms': '1500', 'retry-after': '9' }))).toBe(1500);
    expect(parseRetryAfter(headers({ 'retry-after': '2' }))).toBe(2000);
    expect(parseRetryAfter(headers({ 'retry-after': 'Wed, 21 Oct 2026 07:28:30 GMT' }), Date.parse('Wed, 21 Oct 2026 07:28:00 GMT'))).toBe(30_000);
    expect(parseRetryAfter(headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(parseRetryAfter(headers({}))).toBeUndefined();
  });
});
