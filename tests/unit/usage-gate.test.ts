import { describe, expect, test } from 'vitest';
import { chargeFor } from '../../src/engine/money/charge.js';
import type { ModelEntry } from '../../src/org/schema.js';
import { ProviderError } from '../../src/providers/provider-error.js';
import type { Provider, ProviderRequest, ProviderResponse } from '../../src/providers/provider.js';
import { admitUsage, NO_COUNTS, UsageGate, usageLimits, type UntrustedUsage } from '../../src/providers/usage-gate.js';

const entry = { provider: 'command', model: 'agent', input_price: 1, output_price: 2, price_per_call: 0.5, context_window: 1000, max_output_tokens: 100, max_retries: 2 } as ModelEntry;
const limits = usageLimits('agent', entry);
const estimate = () => ({ inputTokens: 40, outputTokens: 4, estimated: true });
const admit = (usage: UntrustedUsage) => admitUsage(usage, limits, estimate);

describe('the usage gate', () => {
  test('whole counts within the limits pass as they came, and nothing is said', () => {
    expect(admit({ inputTokens: 1000, outputTokens: 100, cachedInputTokens: 300, estimated: false })).toEqual({ inputTokens: 1000, outputTokens: 100, cachedInputTokens: 300, estimated: false });
  });

  test('a fraction is rounded up, and said', () => {
    expect(admit({ inputTokens: 40.4, outputTokens: 2.5, estimated: false })).toEqual({
      inputTokens: 41,
      outputTokens: 3,
      estimated: false,
      clamped: ['agent reported 40.4 input tokens; counted as 41 (token counts are whole)', 'agent reported 2.5 output tokens; counted as 3 (token counts are whole)'],
    });
  });

  test('a count below 1 token for every 8 of lemming\'s estimate is counted at that floor, said, and marked estimated', () => {
    // The estimate: 40 input tokens (floor 5), 4 output tokens (floor 1).
    expect(admit({ inputTokens: 0, outputTokens: 0, estimated: false })).toEqual({
      inputTokens: 5,
      outputTokens: 1,
      estimated: true,
      clamped: [
        "agent reported 0 input tokens; counted as 5, the fewest a server is believed to count for the request: 1 token for every 8 of lemming's estimate of it (40 tokens)",
        "agent reported 0 output tokens; counted as 1, the fewest a server is believed to count for the answer: 1 token for every 8 of lemming's estimate of it (4 tokens)",
      ],
    });
    // A fraction under the floor is said once, as the floor.
    expect(admit({ inputTokens: 0.4, outputTokens: 2, estimated: false })).toMatchObject({ inputTokens: 5, outputTokens: 2, clamped: [expect.stringMatching(/^agent reported 0\.4 input tokens; counted as 5, the fewest/)] });
    // At the floor, nothing is said; an unusable answer (no counts of its own) has no floor.
    expect(admit({ inputTokens: 5, outputTokens: 1, estimated: false })).toEqual({ inputTokens: 5, outputTokens: 1, estimated: false });
    expect(admitUsage({ inputTokens: 0, outputTokens: 0, estimated: false }, limits, NO_COUNTS)).toEqual({ inputTokens: 0, outputTokens: 0, estimated: false });
  });

  test('the floor holds the whole prompt, cached parts included: a prompt mostly read from the cache is not floored', () => {
    // As the Anthropic adapter reports it: 2 tokens not cached, 38 read from the cache, all 40 counted as input.
    expect(admit({ inputTokens: 40, outputTokens: 4, cachedInputTokens: 38, estimated: false })).toEqual({ inputTokens: 40, outputTokens: 4, cachedInputTokens: 38, estimated: false });
    // Floored, the cached part stays what the server said.
    expect(admit({ inputTokens: 0, outputTokens: 4, cachedInputTokens: 0, estimated: false })).toMatchObject({ inputTokens: 5, estimated: true });
  });

  test('a count past what a call can use (2^53 + 1, 1e300, Infinity) is the most it can use, naming the field that says so', () => {
    const admitted = admit({ inputTokens: 9007199254740993, outputTokens: Number.POSITIVE_INFINITY, cachedInputTokens: 1e300, estimated: false });
    expect(admitted).toMatchObject({ inputTokens: 1000, outputTokens: 100, cachedInputTokens: 1000 });
    expect(admitted.clamped).toEqual([
      'agent reported 9007199254740992 input tokens; counted as 1000, the most a call to it can use (org/org.yaml models.agent.context_window)',
      'agent reported Infinity output tokens; counted as 100, the most a call to it can use (org/org.yaml models.agent.max_output_tokens)',
    ]);
    // Without an output cap, an answer can fill the window.
    const uncapped = usageLimits('agent', { ...entry, max_output_tokens: undefined } as ModelEntry);
    expect(admitUsage({ inputTokens: 40, outputTokens: 1e300, estimated: false }, uncapped, estimate).clamped).toEqual([
      'agent reported 1e+300 output tokens; counted as 1000, the most a call to it can use (org/org.yaml models.agent.context_window)',
    ]);
  });

  test('what is no count (text, null, a negative number, NaN, missing) is the estimate, marked so; for an unusable answer, none', () => {
    for (const value of ['12', null, -3, Number.NaN, undefined, {}]) {
      expect(admit({ inputTokens: value, outputTokens: value })).toEqual({ inputTokens: 40, outputTokens: 4, estimated: true });
      expect(admitUsage({ inputTokens: value, outputTokens: value }, limits, NO_COUNTS)).toEqual({ inputTokens: 0, outputTokens: 0, estimated: false });
    }
    expect(admit(undefined as unknown as UntrustedUsage)).toEqual({ inputTokens: 40, outputTokens: 4, estimated: true });
  });

  test('a usage sums from 1 to the attempts max_retries allows, and its limits grow with them', () => {
    expect(admit({ inputTokens: 5000, outputTokens: 1, calls: 3, estimated: false })).toMatchObject({ inputTokens: 3000, calls: 3 });
    for (const calls of [0, -5, 1.5, '2', null]) {
      const admitted = admit({ inputTokens: 40, outputTokens: 4, calls, estimated: false });
      expect(admitted.calls).toBeUndefined();
      expect(admitted.clamped?.[0]).toMatch(/counted as 1 \(a call is one answer or more\)$/);
    }
    expect(admit({ inputTokens: 40, outputTokens: 4, calls: 1e9, estimated: false })).toMatchObject({
      calls: 3,
      clamped: ["agent's answer said it summed 1000000000 calls; counted as 3 (at most 3 with org/org.yaml models.agent.max_retries)"],
    });
  });

  test('a usage already through a gate passes again unchanged, its sentences kept (bounded)', () => {
    const once = admit({ inputTokens: 1e300, outputTokens: 0.5, estimated: false });
    expect(admit(once)).toEqual(once);
    const floored = admit({ inputTokens: 0, outputTokens: 0, estimated: false });
    expect(admit(floored)).toEqual(floored);
    const flood = admit({ inputTokens: 40, outputTokens: 4, estimated: false, clamped: [...Array.from({ length: 50 }, () => 'x'.repeat(5000)), 7] });
    expect(flood.clamped).toHaveLength(10);
    expect(flood.clamped?.every((sentence) => sentence.length === 400)).toBe(true);
  });

  test('no usage from outside makes a call cheaper than its price per call, or negative', () => {
    for (const usage of [{ inputTokens: -1e300, outputTokens: -1, calls: 0 }, { inputTokens: 'lots', outputTokens: null, calls: -7 }, { inputTokens: 0.1, outputTokens: 0.1 }]) {
      const admitted = admitUsage(usage, limits, NO_COUNTS);
      const { charge } = chargeFor(1, 'coder', { modelKey: 'agent', usage: admitted }, { agent: entry }, '2026-11-21T09:14:03.120Z');
      expect(charge.credits).toBeGreaterThanOrEqual(0.5);
      expect(Number.isSafeInteger(charge.input_tokens) && Number.isSafeInteger(charge.output_tokens)).toBe(true);
    }
  });
});

describe('UsageGate, round a provider', () => {
  const request: ProviderRequest = { modelKey: 'agent', model: 'agent', system: 'Be brief.', messages: [{ role: 'user', content: 'Hello there' }], tools: [], agent: 'coder', turn: 1 };
  const answering = (answer: unknown): Provider => ({ generate: async () => answer as ProviderResponse });

  test("a worker's or a cassette's answer is its model's: another model's name and a split between models are counted as this one's", async () => {
    const hostile = { text: 'Done.', toolCalls: [], modelKey: 'free-model', usage: { inputTokens: 1e300, outputTokens: 1, estimated: false }, charged: [{ modelKey: 'free-model', usage: { inputTokens: 1, outputTokens: 1, estimated: false } }] };
    const response = await new UsageGate(answering(hostile), 'agent', entry).generate(request);
    expect(response.modelKey).toBe('agent');
    expect(response.charged).toBeUndefined();
    expect(response.usage).toMatchObject({ inputTokens: 1000, outputTokens: 1 });
  });

  test('an answer without usage is the estimate of the request and of what it says', async () => {
    const response = await new UsageGate(answering({ text: 'Done.', toolCalls: [], modelKey: 'agent' }), 'agent', entry).generate(request);
    expect(response.usage.estimated).toBe(true);
    expect(response.usage.inputTokens).toBeGreaterThan(0);
    expect(response.usage.outputTokens).toBeGreaterThan(0);
  });

  test("a failure's unusable answers pass the gate, and the failure keeps its kind", async () => {
    const failing: Provider = {
      generate: async () => {
        throw new ProviderError('agent: exited with code 3', { retryable: true, status: 503, code: 'worker', unusable: [{ modelKey: 'free-model', usage: { inputTokens: 1e300, outputTokens: 'x', calls: 0 } as never }] });
      },
    };
    const error = await new UsageGate(failing, 'agent', entry).generate(request).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ message: 'agent: exited with code 3', retryable: true, status: 503, code: 'worker' });
    expect((error as ProviderError).unusable).toEqual([
      { modelKey: 'agent', usage: expect.objectContaining({ inputTokens: 1000, outputTokens: 0, estimated: false, clamped: expect.arrayContaining([expect.stringContaining('counted as 1000')]) }) },
    ]);
  });
});
