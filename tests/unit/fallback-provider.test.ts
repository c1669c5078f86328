import { describe, expect, test } from 'vitest';
import { FallbackProvider } from '../../src/providers/fallback-provider.js';
import { ProviderError } from '../../src/providers/provider-error.js';
import type { Provider, ProviderRequest, ProviderResponse } from '../../src/providers/provider.js';
import { engineRequest, modelEntry } from '../helpers/provider-requests.js';

/** A provider that answers (or fails) and keeps the requests it got. */
function model(behaviour: 'answer' | Error): Provider & { requests: ProviderRequest[] } {
  const requests: ProviderRequest[] = [];
  return {
    requests,
    async generate(request): Promise<ProviderResponse> {
      requests.push(request);
      if (behaviour instanceof Error) throw behaviour;
      return { text: `from ${request.model}`, toolCalls: [], usage: { inputTokens: 10, outputTokens: 5, estimated: false }, modelKey: request.modelKey, notes: ['adapter note'] };
    },
  };
}

describe('fallback models', () => {
  const primaryEntry = modelEntry({ provider: 'openai', model: 'big-model', max_output_tokens: 2000 });
  const backupEntry = modelEntry({ provider: 'openai-compatible', model: 'small-model', base_url: 'http://localhost:11434/v1' });

  test('the primary answers when it can; the fallback is never asked', async () => {
    const primary = model('answer');
    const backup = model('answer');
    const response = await new FallbackProvider([
      { modelKey: 'big', entry: primaryEntry, provider: primary },
      { modelKey: 'small', entry: backupEntry, provider: backup },
    ]).generate(engineRequest({ modelKey: 'big', model: 'big-model', maxOutputTokens: 2000 }));
    expect(response.modelKey).toBe('big');
    expect(response.notes).toEqual(['adapter note']);
    expect(backup.requests).toHaveLength(0);
  });

  test('when the primary keeps failing the next model answers under its own key, model name and cap, and the note says why', async () => {
    const primary = model(new ProviderError('big: the server answered 503 (gave up after 4 attempts)', { retryable: true, status: 503 }));
    const backup = model('answer');
    const response = await new FallbackProvider([
      { modelKey: 'big', entry: primaryEntry, provider: primary },
      { modelKey: 'small', entry: backupEntry, provider: backup },
    ]).generate(engineRequest({ modelKey: 'big', model: 'big-model', maxOutputTokens: 2000 }));
    expect(response.modelKey).toBe('small');
    expect(response.text).toBe('from small-model');
    expect(backup.requests[0]).toMatchObject({ modelKey: 'small', model: 'small-model' });
    expect(backup.requests[0]?.maxOutputTokens).toBeUndefined();
    expect(response.notes).toEqual(['adapter note', 'answered by fallback model small after: big failed: big: the server answered 503 (gave up after 4 attempts)']);
  });

  test('when every model fails the error lists each failure', async () => {
    const provider = new FallbackProvider([
      { modelKey: 'big', entry: primaryEntry, provider: model(new ProviderError('big: down', { retryable: true })) },
      { modelKey: 'small', entry: backupEntry, provider: model(new ProviderError('small: refused', { retryable: false })) },
    ]);
    await expect(provider.generate(engineRequest())).rejects.toThrow('every model failed: big failed: big: down; small failed: small: refused');
  });

  test('a fallback the agent cannot afford is not called', async () => {
    const pricey = modelEntry({ provider: 'anthropic', model: 'pricey', input_price: 1_000_000, output_price: 1_000_000 });
    const backup = model('answer');
    const provider = new FallbackProvider([
      { modelKey: 'big', entry: primaryEntry, provider: model(new ProviderError('big: down', { retryable: true })) },
      { modelKey: 'pricey', entry: pricey, provider: backup },
    ]);
    const error = (await provider.generate(engineRequest({ creditsLeft: 5 })).catch((caught: unknown) => caught)) as Error;
    expect(error.message).toMatch(/pricey not called: its estimated cost \(\d+\.\d{2,4} credits\) is more than the 5\.0000 credits left/);
    expect(backup.requests).toHaveLength(0);
  });

  test('a fatal error (a replay miss) is not hidden by a fallback', async () => {
    const backup = model('answer');
    const provider = new FallbackProvider([
      { modelKey: 'big', entry: primaryEntry, provider: model(new ProviderError('not in the cassette', { retryable: false, fatal: true })) },
      { modelKey: 'small', entry: backupEntry, provider: backup },
    ]);
    await expect(provider.generate(engineRequest())).rejects.toThrow('not in the cassette');
    expect(backup.requests).toHaveLength(0);
  });
});
