import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { resetOrg } from '../../src/engine/record/reset-org.js';
import type { Provider, ProviderResponse } from '../../src/providers/provider.js';
import { createRunProviderFactory } from '../../src/queue/queue-provider-factory.js';
import { startWorker } from '../../src/queue/run-worker.js';
import { checkInvariants } from '../faults/invariants.js';
import { humanSends, listOutbox, read, REPO_ROOT, runEngine, tempDir, write } from '../helpers/temp-org.js';
import { chargeLines, outsideOrg } from '../outside/outside-org.js';
import { queueTestKit } from './queue-test-kit.js';

const redis = queueTestKit();

/** A model that numbers its answers: the n-th call it is asked writes "answer n" to the human. */
function numberingModel(): Provider & { asked: number } {
  const model = {
    asked: 0,
    generate: async (): Promise<ProviderResponse> => {
      model.asked += 1;
      return { text: '', toolCalls: [{ id: 'reply', name: 'send_message', arguments: { to: 'human', subject: 'Done', body: `answer ${model.asked}` } }], modelKey: 'agent', usage: { inputTokens: 100, outputTokens: 10, estimated: false } };
    },
  };
  return model;
}

/** A model that calls the counter's tool, then tells the human what it said. */
const countingModel: Provider = {
  generate: async (request) => {
    const result = request.messages.at(-1)?.content ?? '';
    const said = /call \d+/.exec(result)?.[0];
    const toolCalls = said === undefined || request.messages.length < 3 ? [{ id: 'count', name: 'counter__count', arguments: {} }] : [{ id: 'reply', name: 'send_message', arguments: { to: 'human', subject: 'Done', body: said } }];
    return { text: '', toolCalls, modelKey: 'agent', usage: { inputTokens: 100, outputTokens: 10, estimated: false } };
  },
};

/** The bodies of the manager's messages, oldest first. */
function sentBodies(root: string): string[] {
  return listOutbox(root, 'manager').map((name) => readFileSync(join(root, 'agents', 'manager', 'outbox', name), 'utf8').split('\n---\n')[1]?.trim() ?? '');
}

describe('a turn planned afresh asks the workers afresh', () => {
  test('after lemming reset, the same turn with the same prompt is asked of a worker again: a new answer, and each charge a call the worker made', { timeout: 60_000 }, async () => {
    const org = outsideOrg({ provider: 'command', max_retries: 0, input_price: 1, output_price: 1, context_window: 32_000 }, { credits: 100 });
    const model = numberingModel();
    const worker = await startWorker({ address: redis.url, models: ['agent'], concurrency: 1, root: tempDir('lemming-worker-'), log: () => undefined, providerFor: () => model, discoverEveryMs: 100 });
    const run = async (): Promise<void> => {
      const factory = createRunProviderFactory({ root: org.root, queue: redis.url });
      try {
        await runEngine(org.root, {}, { providerFactory: factory });
      } finally {
        await factory.close();
      }
    };
    try {
      humanSends(org.root, 'manager', 'Go.');
      await run();
      expect(sentBodies(org.root)).toEqual(['answer 1']);
      expect(chargeLines(org.root)).toHaveLength(1);

      resetOrg(org.root);
      humanSends(org.root, 'manager', 'Go.');
      await run();
    } finally {
      await worker.close(1_000);
    }
    // Before: the job id of turn 1's call was the first run's, so Redis gave back its answer ("answer 1"),
    // the model was not asked, and the ledger charged a call nobody made.
    expect(sentBodies(org.root)).toEqual(['answer 2']);
    expect(model.asked).toBe(2);
    expect(chargeLines(org.root)).toHaveLength(1);
    expect(checkInvariants(org.root)).toEqual([]);
  });

  test("after lemming reset, the same MCP call is run again by the worker's server, not answered from the earlier run's job", { timeout: 60_000 }, async () => {
    const org = outsideOrg({ provider: 'command', max_retries: 0, input_price: 1, output_price: 1, context_window: 32_000 }, { credits: 100, tools: '[send_message, counter/count]' });
    const server = join(REPO_ROOT, 'tests', 'fixtures', 'mcp', 'counting-server.mjs');
    write(org.root, 'org/org.yaml', `${read(org.root, 'org/org.yaml')}mcp_servers:\n  counter: { command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(server)}] }\n`);
    const worker = await startWorker({ address: redis.url, models: ['agent'], mcpServers: ['counter'], concurrency: 1, root: tempDir('lemming-worker-'), log: () => undefined, providerFor: () => countingModel, discoverEveryMs: 100 });
    const run = async (): Promise<void> => {
      const factory = createRunProviderFactory({ root: org.root, queue: redis.url });
      try {
        await runEngine(org.root, {}, { providerFactory: factory, mcp: factory.mcp });
      } finally {
        await factory.close();
      }
    };
    try {
      humanSends(org.root, 'manager', 'Count.');
      await run();
      expect(sentBodies(org.root)).toEqual(['call 1']);

      resetOrg(org.root);
      humanSends(org.root, 'manager', 'Count.');
      await run();
    } finally {
      await worker.close(1_000);
    }
    // Before: the call's job id was the first run's, so Redis gave back its result ("call 1") and the server was not asked.
    expect(sentBodies(org.root)).toEqual(['call 2']);
    expect(checkInvariants(org.root)).toEqual([]);
  });
});
