import { join } from 'node:path';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { describe, expect, test } from 'vitest';
import type { EngineEvent } from '../../src/engine/events.js';
import type { Provider, ProviderResponse } from '../../src/providers/provider.js';
import { KEY_PREFIX, MCP_SERVERS_KEY } from '../../src/queue/queue-keys.js';
import { MAX_DESCRIPTION_CHARS, MAX_OFFERED_TOOLS } from '../../src/tools/mcp/offer-gate.js';
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

/** The offer of lemming's own worker for the counting server: its one tool. */
const COUNTER_OFFER = { definitions: [{ name: 'counter__count', description: 'Count.', parameters: { type: 'object', properties: {} } }], problems: [] };

/**
 * The manager's run against an MCP queue answered by a worker that is not lemming's, which answers each call with `answer`
 * and each offer with `offer`; `offered` gets the names of the tools each request to the model offered.
 */
async function runAgainst(answer: unknown, offer: unknown = COUNTER_OFFER, offered: string[][] = []): Promise<EngineEvent[]> {
  const org = outsideOrg({ provider: 'command', max_retries: 0, context_window: 32_000 }, { credits: 100, tools: '[send_message, counter/count]' });
  const server = join(REPO_ROOT, 'tests', 'fixtures', 'mcp', 'counting-server.mjs');
  write(org.root, 'org/org.yaml', `${read(org.root, 'org/org.yaml')}mcp_servers:\n  counter: { command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(server)}] }\n`);
  const recordingModel: Provider = {
    generate: (request) => {
      offered.push((request.tools ?? []).map((tool) => tool.name));
      return countingModel.generate(request);
    },
  };
  const models = await startWorker({ address: redis.url, models: ['agent'], mcpServers: ['none'], concurrency: 1, root: tempDir('lemming-worker-'), log: () => undefined, providerFor: () => recordingModel, discoverEveryMs: 100 });
  const connection = connectionOptions(parseRedisAddress(redis.url, 'the test'));
  const client = new Redis(connection);
  const hostile: Worker[] = [];
  // Takes up the server's queue once the engine publishes it, as `lemming worker` would.
  const timer = setInterval(() => {
    void client.hkeys(MCP_SERVERS_KEY).then((queues) => {
      for (const queue of queues.slice(0, 1 - hostile.length)) {
        hostile.push(new Worker(queue, async (job) => (job.name === 'offer' ? offer : answer), { connection, prefix: KEY_PREFIX }));
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

describe("an MCP offer from a worker is held to what a local server's list is", () => {
  const tool = (name: unknown, description: unknown = 'Count.'): unknown => ({ name, description, parameters: { type: 'object', properties: {} } });
  const offers: Array<[string, unknown, string]> = [
    ['null', null, 'it is not an offer'],
    ['a list of numbers', [1, 2, 3], 'it is not an offer'],
    ['tools that are numbers', { definitions: [1, 2], problems: [] }, 'its tool 1 is a number'],
    ['a tool named by a number', { definitions: [tool(12345)], problems: [] }, 'its tool 1 has no name'],
    ['a tool of lemming\'s own (send_message)', { definitions: [tool('send_message')], problems: [] }, 'its tool 1 (send_message) is not a granted tool of the server'],
    ['one tool offered twice', { definitions: [tool('counter__count'), tool('counter__count')], problems: [] }, 'its tools 1 and 2 are both named counter__count'],
    ['100,000 tools', { definitions: Array.from({ length: 100_000 }, () => tool('counter__count')), problems: [] }, `it holds 100000 tools; at most ${MAX_OFFERED_TOOLS}`],
    ['a description of 10 MB', { definitions: [tool('counter__count', 'd'.repeat(10_000_000))], problems: [] }, `its tool 1 (counter__count) has a description of 10000000 characters; at most ${MAX_DESCRIPTION_CHARS}`],
  ];

  test.each(offers)('%s: the server\'s tools are unavailable this turn, saying why; the agent\'s turn goes on and no such tool reaches the model', { timeout: 60_000 }, async (_kind, offer, said) => {
    const offered: string[][] = [];
    const events = await runAgainst({ content: '1', isError: false }, offer, offered);
    // Before: a TypeError's words ("Cannot read properties of null"), or the worker's tools handed to the model as they came.
    expect(ofType(events, 'agent-error')).toEqual([]);
    const notes = ofType(events, 'agent-note').filter((note) => note.error === true).map((note) => note.message);
    expect(notes).toEqual([expect.stringContaining(`the tools of the MCP server counter are unavailable this turn: its worker's offer was refused: ${said}`)]);
    expect(offered.length).toBeGreaterThan(0);
    for (const names of offered) {
      expect(names.filter((name) => name.startsWith('counter__'))).toEqual([]);
      expect(names.filter((name) => name === 'send_message')).toHaveLength(1);
    }
  });

  test('the offer lemming\'s own worker gives passes: its tool reaches the model', { timeout: 60_000 }, async () => {
    const offered: string[][] = [];
    const events = await runAgainst({ content: '1', isError: false }, COUNTER_OFFER, offered);
    expect(ofType(events, 'agent-note').filter((note) => note.error === true)).toEqual([]);
    expect(offered[0]).toContain('counter__count');
  });
});
