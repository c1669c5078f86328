import { getEventListeners } from 'node:events';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createProviderFactory } from '../../src/providers/create-provider.js';
import { FallbackProvider } from '../../src/providers/fallback-provider.js';
import { ProviderError } from '../../src/providers/provider-error.js';
import type { Provider } from '../../src/providers/provider.js';
import { RateLimitedProvider } from '../../src/providers/rate-limited-provider.js';
import { RateLimiter } from '../../src/providers/rate-limiter.js';
import { RetryingProvider } from '../../src/providers/retrying-provider.js';
import { sleep } from '../../src/providers/sleep.js';
import { engineRequest, modelEntry } from '../helpers/provider-requests.js';
import { ScriptedProvider } from '../helpers/scripted-provider.js';
import { chatCompletion, errorBody } from '../helpers/vendor-bodies.js';
import { wireServerPerTest } from '../helpers/wire-server.js';

const serve = wireServerPerTest();
const CALLS = 1_000;

/** Node's warnings while a test runs: a listener added per call and never removed shows as MaxListenersExceededWarning. */
let warnings: Error[] = [];
const onWarning = (warning: Error): void => void warnings.push(warning);
beforeEach(() => {
  warnings = [];
  process.on('warning', onWarning);
});
afterEach(() => {
  process.off('warning', onWarning);
});

/** `count` calls on one run-wide signal, `inFlight` at a time, as a turn makes them. */
async function callMany(provider: Provider, signal: AbortSignal, count: number, inFlight: number): Promise<number> {
  let next = 0;
  let answered = 0;
  const lane = async (): Promise<void> => {
    while (next < count) {
      const index = next;
      next += 1;
      const response = await provider.generate(engineRequest({ agent: `agent_${index}`, system: `call ${index}`, signal }));
      if (response.modelKey) answered += 1;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  // Warnings are emitted on a later tick than the listener that caused them.
  await new Promise((resolve) => setImmediate(resolve));
  return answered;
}

/** Retries wait for real (so each wait listens to the signal), but a millisecond, not a backoff. */
const shortSleep = (_ms: number, signal?: AbortSignal): Promise<void> => sleep(1, signal);

describe('one run-wide abort signal across many model calls', () => {
  test('1,000 calls to the offline model leave no listener on the signal and raise no warning', async () => {
    const controller = new AbortController();
    const provider = createProviderFactory({ root: '/nonexistent', env: {} })('offline', modelEntry({ provider: 'offline' }));
    expect(await callMany(provider, controller.signal, CALLS, 8)).toBe(CALLS);
    expect(warnings.map(String)).toEqual([]);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  test('1,000 calls through fallbacks, retries (with real waits) and a rate limit that makes calls queue leave no listener and raise no warning', async () => {
    const controller = new AbortController();
    let asked = 0;
    const flaky = new ScriptedProvider(() => {
      asked += 1;
      if (asked % 3 === 0) return new ProviderError('main: the server answered 503', { retryable: true, status: 503 });
      if (asked % 7 === 0) return new ProviderError('main: the server answered 400', { retryable: false, status: 400 });
      return { text: 'ok' };
    });
    const limiter = new RateLimiter({ concurrency: 2 });
    const main = new RetryingProvider(new RateLimitedProvider(flaky, limiter), { maxRetries: 3 }, { sleep: shortSleep });
    const spare = new RetryingProvider(new ScriptedProvider(() => ({ text: 'spare' })), { maxRetries: 1 }, { sleep: shortSleep });
    const provider = new FallbackProvider([
      { modelKey: 'main', entry: modelEntry({ provider: 'openai-compatible' }), provider: main },
      { modelKey: 'spare', entry: modelEntry({ provider: 'openai-compatible' }), provider: spare },
    ]);
    expect(await callMany(provider, controller.signal, CALLS, 16)).toBe(CALLS);
    expect(asked).toBeGreaterThan(CALLS);
    expect(warnings.map(String)).toEqual([]);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  test('a stop reaches every call waiting on the one signal: in a backoff, and queued at a rate limit', async () => {
    const controller = new AbortController();
    const failing = new ScriptedProvider(() => new ProviderError('main: the server answered 503', { retryable: true, status: 503 }));
    // Four requests a minute: four calls fail and wait in a backoff of a minute, twelve wait at the limit.
    const limiter = new RateLimiter({ requestsPerMinute: 4 });
    const provider = new RetryingProvider(new RateLimitedProvider(failing, limiter), { maxRetries: 3, baseDelayMs: 60_000 });
    const calls = Array.from({ length: 16 }, (_, index) =>
      provider.generate(engineRequest({ agent: `agent_${index}`, signal: controller.signal })).then(
        () => 'answered',
        (error: unknown) => String(error),
      ),
    );
    while (failing.requests.length < 4) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    controller.abort(new Error('stopped'));
    expect(await Promise.all(calls)).toEqual(Array.from({ length: 16 }, () => 'Error: stopped'));
    expect(failing.requests).toHaveLength(4);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    expect(warnings.map(String)).toEqual([]);
  });

  test('1,000 calls to an openai-compatible server (some retried) leave no listener and raise no warning, and the signal still stops a call in flight', async () => {
    let hang = false;
    const failedOnce = new Set<string>();
    const wire = await serve((request) => {
      if (hang) return { hang: true };
      // Every fifth call fails its first attempt, so its retry waits on the signal.
      const call = String(request.body.messages[0].content);
      if (Number(call.split(' ')[1]) % 5 === 0 && !failedOnce.has(call)) {
        failedOnce.add(call);
        return { status: 500, body: errorBody('overloaded') };
      }
      return { body: chatCompletion({ content: 'ok' }) };
    });
    const factory = createProviderFactory({ root: '/nonexistent', env: {}, sleep: shortSleep });
    const provider = factory('local', modelEntry({ provider: 'openai-compatible', base_url: `${wire.url}/v1` }));
    const controller = new AbortController();
    expect(await callMany(provider, controller.signal, CALLS, 16)).toBe(CALLS);
    expect(wire.requests.length).toBeGreaterThan(CALLS);
    expect(warnings.map(String)).toEqual([]);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);

    hang = true;
    const before = wire.requests.length;
    const hanging = provider.generate(engineRequest({ signal: controller.signal }));
    while (wire.requests.length === before) await new Promise((resolve) => setTimeout(resolve, 10));
    controller.abort(new Error('stopped'));
    await expect(hanging).rejects.toThrow();
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  test('1,000 calls to an HTTP agent leave no listener and raise no warning; one past its timeout_ms is said as a timeout, and a stop stops one in flight', async () => {
    let hang = false;
    const wire = await serve(() => (hang ? { hang: true } : { body: { text: 'ok', usage: { input_tokens: 10, output_tokens: 2 } } }));
    const factory = createProviderFactory({ root: '/nonexistent', env: {}, sleep: shortSleep });
    // Time enough for every call on a busy machine; a second entry of the same agent with a short timeout meets the hang.
    const provider = factory('agent', modelEntry({ provider: 'http', url: `${wire.url}/agent`, timeout_ms: 60_000, max_retries: 0 }));
    const impatient = factory('agent', modelEntry({ provider: 'http', url: `${wire.url}/agent`, timeout_ms: 200, max_retries: 0 }));
    const controller = new AbortController();
    expect(await callMany(provider, controller.signal, CALLS, 16)).toBe(CALLS);
    expect(warnings.map(String)).toEqual([]);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);

    hang = true;
    await expect(impatient.generate(engineRequest({ signal: controller.signal }))).rejects.toThrow(`agent: no answer from ${wire.url}/agent within 200 ms (org.yaml models.agent.timeout_ms)`);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    const before = wire.requests.length;
    const hanging = provider.generate(engineRequest({ signal: controller.signal }));
    while (wire.requests.length === before) await new Promise((resolve) => setTimeout(resolve, 10));
    controller.abort(new Error('stopped'));
    await expect(hanging).rejects.toThrow('stopped');
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});
