import { describe, expect, test } from 'vitest';
import type { Provider, ProviderResponse } from '../../src/providers/provider.js';
import { createRunProviderFactory } from '../../src/queue/queue-provider-factory.js';
import { startWorker } from '../../src/queue/run-worker.js';
import { checkInvariants } from '../faults/invariants.js';
import type { EngineEvent } from '../../src/engine/events.js';
import { ANSWER_MAX_BYTES } from '../../src/providers/sdk-call.js';
import { humanSends, ofType, runEngine, tempDir } from '../helpers/temp-org.js';
import { chargeLines, outsideOrg } from '../outside/outside-org.js';
import { queueTestKit } from './queue-test-kit.js';

const redis = queueTestKit();

/**
 * What a worker that lemming's own code does not guard could put in Redis as a call's answer: a model
 * that is not the one asked (priced at nothing), tokens no call can use, and no answer at all to charge.
 */
const hostile: Provider = {
  generate: async () =>
    ({
      text: 'Nothing to do.',
      toolCalls: [],
      modelKey: 'free-model',
      usage: { inputTokens: 1e300, outputTokens: 0.5, calls: 0, estimated: false },
      charged: [{ modelKey: 'free-model', usage: { inputTokens: 1, outputTokens: 1, estimated: false } }],
    }) as unknown as ProviderResponse,
};

describe("a worker's result passes the usage gate where the engine reads it", () => {
  test('another model, 1e300 tokens and 0 calls are charged as the model asked, the most a call can use and one answer', { timeout: 60_000 }, async () => {
    const org = outsideOrg({ provider: 'command', max_retries: 0, input_price: 1, output_price: 1, price_per_call: 0.5, context_window: 32_000 }, { credits: 100 });
    humanSends(org.root, 'manager', 'Go.');
    const worker = await startWorker({ address: redis.url, models: [], concurrency: 1, root: tempDir('lemming-worker-'), log: () => undefined, providerFor: () => hostile, discoverEveryMs: 100 });
    const factory = createRunProviderFactory({ root: org.root, queue: redis.url });
    try {
      await runEngine(org.root, {}, { providerFactory: factory });
    } finally {
      await factory.close();
      await worker.close(1_000);
    }
    const lines = chargeLines(org.root);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatchObject({ model: 'agent', input_tokens: 32_000, output_tokens: 1, credits: 0.532001 });
    expect(checkInvariants(org.root)).toEqual([]);
  });

  test("a worker's answer past the 16 MiB a local call reads is refused as a local one is: the agent's error says so, it is charged at what the call was reserved at, the run goes on", { timeout: 60_000 }, async () => {
    const huge: Provider = { generate: async () => ({ text: 'x'.repeat(ANSWER_MAX_BYTES + 1), toolCalls: [], modelKey: 'agent', usage: { inputTokens: 10, outputTokens: 10, estimated: false } }) };
    const org = outsideOrg({ provider: 'command', max_retries: 0, context_window: 32_000 }, { credits: 100 });
    humanSends(org.root, 'manager', 'Go.');
    const worker = await startWorker({ address: redis.url, models: [], concurrency: 1, root: tempDir('lemming-worker-'), log: () => undefined, providerFor: () => huge, discoverEveryMs: 100 });
    const factory = createRunProviderFactory({ root: org.root, queue: redis.url });
    let events: EngineEvent[];
    try {
      events = await runEngine(org.root, { maxTurns: 1 }, { providerFactory: factory });
    } finally {
      await factory.close();
      await worker.close(1_000);
    }
    // Before: taken whole (the journal held it), and charged as the worker said.
    expect(ofType(events, 'agent-error').map((event) => event.message)).toEqual([expect.stringContaining("agent: the worker's answer was longer than 16 MiB, so lemming took none of it")]);
    // Its count is in what lemming did not take: charged at the call's reservation (the entry sets no output cap: 1,024), said on the line.
    expect(chargeLines(org.root)).toEqual([expect.objectContaining({ model: 'agent', output_tokens: 1024, estimated: true, note: expect.stringContaining('not read') })]);
    expect(ofType(events, 'run-finished')).toHaveLength(1);
  });

  test("a worker's result that is no answer (null, a string, tool calls that are not a list of calls) is the call's failure, said in lemming's words, and charged nothing", { timeout: 60_000 }, async () => {
    for (const result of [null, 'text', { text: 5, toolCalls: 'x' }, { text: 'ok', toolCalls: [null] }]) {
      const broken: Provider = { generate: async () => result as unknown as ProviderResponse };
      const org = outsideOrg({ provider: 'command', max_retries: 0, context_window: 32_000 }, { credits: 100 });
      humanSends(org.root, 'manager', 'Go.');
      const worker = await startWorker({ address: redis.url, models: [], concurrency: 1, root: tempDir('lemming-worker-'), log: () => undefined, providerFor: () => broken, discoverEveryMs: 100 });
      const factory = createRunProviderFactory({ root: org.root, queue: redis.url });
      let events: EngineEvent[];
      try {
        events = await runEngine(org.root, { maxTurns: 1 }, { providerFactory: factory });
      } finally {
        await factory.close();
        await worker.close(1_000);
      }
      // Before: "Cannot destructure property 'charged' of 'response' as it is null", "first.toolCalls.some is not a function"...
      expect(ofType(events, 'agent-error').map((event) => event.message)).toEqual([
        "agent: the worker's answer was no answer (an object with a text `text` and a list `toolCalls` of calls, each with a text `name`), so lemming took none of it",
      ]);
      expect(chargeLines(org.root)).toEqual([]);
    }
  });
});
