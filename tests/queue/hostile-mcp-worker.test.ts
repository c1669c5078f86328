import { join } from 'node:path';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { describe, expect, test } from 'vitest';
import type { EngineEvent } from '../../src/engine/events.js';
import type { Provider, ProviderResponse } from '../../src/providers/provider.js';
import { KEY_PREFIX, MCP_SERVERS_KEY } from '../../src/queue/queue-keys.js';
import { MAX_RESULT_CHARS } from '../../src/tools/tool-result.js';
import { createRunProviderFactory } from '../../src/queue/queue-provider-factory.js';
import { startWorker } from '../../src/queue/run-worker.js';
import { connectionOptions, parseRedisAddress } from '../../src/queue/redis-address.js';
import { humanSends, ofType, read, REPO_ROOT, runEngine, tempDir, write } from '../helpers/temp-org.js';
import { outsideOrg } from '../outside/outside-org.js';
import { queueTestKit } from './queue-test-kit.js';

const redis = queueTestKit();

/** Calls the counter's tool, then tells the human how long its result was. */
const countingModel: Provider = {
  generate: async (request) => {
    const result = request.messages.at(-1)?.content ?? '';
    const toolCalls = request.messages.length < 3 ? [{ id: 'count', name: 'counter__count', arguments: {} }] : [{ id: 'reply', name: 'send_message', arguments: { to: 'human', subject: 'Done', body: `got ${result.length} chars` } }];
    return { text: '', toolCalls, modelKey: 'agent', usage: { inputTokens: 100, outputTokens: 10, estimated: false } } as ProviderResponse;
  },
};

/** The manager's run against an MCP queue answered by a worker that is not lemming's, which answers each call with `answer`. */
async function runAgainst(answer: unknown): Promise<EngineEvent[]> {
  const org = outsideOrg({ provider: 'command', max_retries: 0, context_window: 32_000 }, { credits: 100, tools: '[send_message, counter/count]' });
  const server = join(REPO_ROOT, 'tests', 'fixtures', 'mcp', 'counting-server.mjs');
  write(org.root, 'org/org.yaml', `${read(org.root, 'org/org.yaml')}mcp_servers:\n  counter: { command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(server)}] }\n`);
  const models = await startWorker({ address: redis.url, models: [], mcpServers: ['none'], concurrency: 1, root: tempDir('lemming-worker-'), log: () => undefined, providerFor: () => countingModel, discoverEveryMs: 100 });
  const connection = connectionOptions(parseRedisAddress(redis.url, 'the test'));
  const client = new Redis(connection);
  const hostile: Worker[] = [];
  // Takes up the server's queue once the engine publishes it, as `lemming worker` would.
  const timer = setInterval(() => {
    void client.hkeys(MCP_SERVERS_KEY).then((queues) => {
      for (const queue of queues.slice(0, 1 - hostile.length)) {
        hostile.push(new Worker(queue, async (job) => (job.name === 'offer' ? { definitions: [{ name: 'counter__count', description: 'Count.', parameters: { type: 'object', properties: {} } }], problems: [] } : answer), { connection, prefix: KEY_PREFIX }));
      }
    });
  }, 100);
  humanSends(org.root, 'manager', 'Count.');
  const factory = createRunProviderFactory({ root: org.root, queue: redis.url });
  try {
    return await runEngine(org.root, { maxTurns: 1 }, { providerFactory: factory, mcp: factory.mcp });
  } finally {
    clearInterval(timer);
    await factory.close();
    await models.close(1_000);
    await Promise.all(hostile.map((worker) => worker.close()));
    client.disconnect();
  }
}

describe("an MCP result from a worker is held to what a local server's is", () => {
  test('a result that is no tool result (null, or a number for its text) is the call\'s failure, which the model reads: the agent\'s call does not fail', { timeout: 60_000 }, async () => {
    for (const answer of [null, { content: 12345, isError: false }]) {
      const events = await runAgainst(answer);
      // Before: "Cannot read properties of null (reading 'isError')", "content.slice is not a function", the agent's call failed.
      expect(ofType(events, 'agent-error')).toEqual([]);
      expect(ofType(events, 'agent-step')[0]?.tools).toEqual([expect.objectContaining({ name: 'counter__count', error: expect.stringContaining('counter/count failed on a worker: its result was no tool result') })]);
    }
  });

  test(`a result of 20 million characters is cut at ${MAX_RESULT_CHARS}, as a local server's is`, { timeout: 60_000 }, async () => {
    const events = await runAgainst({ content: 'z'.repeat(20_000_000), isError: false });
    // Before: taken whole (20,000,000 characters journaled).
    const size = ofType(events, 'agent-step')[0]?.tools[0]?.size ?? 0;
    expect(size).toBeGreaterThan(MAX_RESULT_CHARS);
    expect(size).toBeLessThan(MAX_RESULT_CHARS + 200);
  });
});
