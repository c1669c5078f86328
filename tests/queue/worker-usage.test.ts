import { Worker } from 'bullmq';
import { describe, expect, test } from 'vitest';
import { loadOrg } from '../../src/org/load-org-once.js';
import type { ModelEntry } from '../../src/org/schema.js';
import { KEY_PREFIX, queueNameFor } from '../../src/queue/queue-keys.js';
import { connectionOptions } from '../../src/queue/redis-address.js';
import type { Provider, ProviderResponse } from '../../src/providers/provider.js';
import { startWorker } from '../../src/queue/run-worker.js';
import { checkInvariants } from '../faults/invariants.js';
import type { EngineEvent } from '../../src/engine/events.js';
import { ANSWER_MAX_BYTES } from '../../src/providers/provider-error.js';
import { humanSends, ofType, tempDir } from '../helpers/temp-org.js';
import { chargeLines, outsideOrg } from '../outside/outside-org.js';
import { queueTestKit, runOnQueue } from './queue-test-kit.js';
import { everythingInRedis } from './redis-contents.js';

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

/** Run the org at `root` on the queue, its calls made by lemming's worker (serving `agent`) answering with `model`; the worker's log lines go to `log`. */
async function onWorker(root: string, model: Provider, maxTurns?: number, log: (line: string) => void = () => undefined): Promise<EngineEvent[]> {
  const worker = await startWorker({ address: redis.url, models: ['agent'], concurrency: 1, root: tempDir('lemming-worker-'), log, providerFor: () => model, discoverEveryMs: 100 });
  try {
    return await runOnQueue(root, redis.url, maxTurns);
  } finally {
    await worker.close(1_000);
  }
}

/** The charge of an answer refused unread: at the call's reservation (the entry sets no output cap: 1,024), said on the line. */
const UNREAD_CHARGE = expect.objectContaining({ model: 'agent', output_tokens: 1024, estimated: true, note: expect.stringContaining('not read') });

describe("a worker's result passes the usage gate where the engine reads it", () => {
  test('another model, 1e300 tokens and 0 calls are charged as the model asked, the most a call can use and one answer', { timeout: 60_000 }, async () => {
    const org = outsideOrg({ provider: 'command', max_retries: 0, input_price: 1, output_price: 1, price_per_call: 0.5, context_window: 32_000 }, { credits: 100 });
    humanSends(org.root, 'manager', 'Go.');
    await onWorker(org.root, hostile);
    const lines = chargeLines(org.root);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatchObject({ model: 'agent', input_tokens: 32_000, output_tokens: 1, credits: 0.532001 });
    expect(checkInvariants(org.root)).toEqual([]);
  });

  test("a model's answer past the 16 MiB an engine reads is not stored in Redis by lemming's worker: a small failure is, the worker's log and the agent's error say why, and it is charged at what the call was reserved at, as a local one is", { timeout: 60_000 }, async () => {
    const huge: Provider = { generate: async () => ({ text: 'x'.repeat(ANSWER_MAX_BYTES + 1), toolCalls: [], modelKey: 'agent', usage: { inputTokens: 10, outputTokens: 10, estimated: false } }) };
    const org = outsideOrg({ provider: 'command', max_retries: 0, context_window: 32_000 }, { credits: 100 });
    humanSends(org.root, 'manager', 'Go.');
    const logged: string[] = [];
    const events = await onWorker(org.root, huge, 1, (line) => logged.push(line));
    // Kept 7 days (queued-job.ts), and past the worker's close: what it stored is still there.
    const stored = await everythingInRedis(redis.url);
    const refusal = 'agent: the answer was longer than 16 MiB, the most an engine reads, so the worker stored none of it in Redis';
    // Before: all 16 MiB and more were kept in Redis for 7 days, for the engine to refuse.
    expect(stored.length).toBeLessThan(1024 * 1024);
    expect(logged).toContainEqual(expect.stringContaining(refusal));
    expect(ofType(events, 'agent-error').map((event) => event.message)).toEqual([expect.stringContaining(refusal)]);
    // The failure carries the refusal's code: charged at the call's reservation as one refused by the engine, said on the line.
    expect(chargeLines(org.root)).toEqual([UNREAD_CHARGE]);
    expect(ofType(events, 'run-finished')).toHaveLength(1);
  });

  test("an answer past 16 MiB that a worker not lemming's stored is refused by the engine as a local one is: the agent's error says so, it is charged at what the call was reserved at, the run goes on", { timeout: 60_000 }, async () => {
    const org = outsideOrg({ provider: 'command', max_retries: 0, context_window: 32_000 }, { credits: 100 });
    humanSends(org.root, 'manager', 'Go.');
    const answer = { text: 'x'.repeat(ANSWER_MAX_BYTES + 1), toolCalls: [], modelKey: 'agent', usage: { inputTokens: 10, outputTokens: 10, estimated: false } };
    const entry = loadOrg(org.root).org.models.agent as ModelEntry;
    const hostile = new Worker(queueNameFor('agent', entry), async () => answer, { connection: connectionOptions(redis.url), prefix: KEY_PREFIX });
    let events: EngineEvent[];
    try {
      events = await runOnQueue(org.root, redis.url, 1);
    } finally {
      await hostile.close();
    }
    expect(ofType(events, 'agent-error').map((event) => event.message)).toEqual([expect.stringContaining("agent: the worker's answer was longer than 16 MiB, so lemming took none of it")]);
    // Its count is in what lemming did not take: charged at the call's reservation, said on the line.
    expect(chargeLines(org.root)).toEqual([UNREAD_CHARGE]);
    expect(ofType(events, 'run-finished')).toHaveLength(1);
  });

  test("a worker's result that is no answer (null, a string, tool calls that are not a list of calls) is the call's failure, said in lemming's words, and charged nothing", { timeout: 60_000 }, async () => {
    for (const result of [null, 'text', { text: 5, toolCalls: 'x' }, { text: 'ok', toolCalls: [null] }]) {
      const broken: Provider = { generate: async () => result as unknown as ProviderResponse };
      const org = outsideOrg({ provider: 'command', max_retries: 0, context_window: 32_000 }, { credits: 100 });
      humanSends(org.root, 'manager', 'Go.');
      const events = await onWorker(org.root, broken, 1);
      // Before: "Cannot destructure property 'charged' of 'response' as it is null", "first.toolCalls.some is not a function"...
      expect(ofType(events, 'agent-error').map((event) => event.message)).toEqual([
        "agent: the worker's answer was no answer (an object with a text `text` and a list `toolCalls` of calls, each with a text `name`), so lemming took none of it",
      ]);
      expect(chargeLines(org.root)).toEqual([]);
    }
  });
});
