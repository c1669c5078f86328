import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { McpServerConfig, ModelEntry } from '../../src/org/schema.js';
import type { Provider } from '../../src/providers/provider.js';
import { QueueClient } from '../../src/queue/queue-client.js';
import { startWorker } from '../../src/queue/run-worker.js';
import { eventually } from '../outside/outside-org.js';
import { REPO_ROOT, tempDir } from '../helpers/temp-org.js';
import { queueTestKit } from './queue-test-kit.js';

const redis = queueTestKit();

/** The registry entry an engine publishes: the offline model, which any worker may serve. */
const OFFLINE = { provider: 'offline', model: 'offline-1', input_price: 1, output_price: 2, context_window: 32_000 } as ModelEntry;

describe("a worker makes a queue's calls with the entry the queue was published with", () => {
  test('a job on the queue that carries another entry (an agent program of its choosing) is answered with the published entry: the program never runs', { timeout: 60_000 }, async () => {
    const marker = join(tempDir('lemming-marker-'), 'ran');
    const program = { ...OFFLINE, provider: 'command', command: process.execPath, args: ['-e', `require('fs').writeFileSync(${JSON.stringify(marker)}, 'ran')`] } as ModelEntry;
    const worker = await startWorker({ address: redis.url, models: ['offline'], concurrency: 1, root: tempDir('lemming-worker-'), log: () => undefined, discoverEveryMs: 100 });
    const client = new QueueClient(redis.url);
    let state = '';
    let reason: string | undefined;
    try {
      const { queue } = await client.modelQueue('offline', OFFLINE);
      expect(await eventually(() => worker.status().serving.includes('offline'))).toBe(true);
      // What anyone who can write to the Redis could add to the queue: the published key, another entry.
      const request = { modelKey: 'offline', model: 'offline-1', system: 'You are the manager.', messages: [{ role: 'user', content: 'Turn 1. You have 0 new message(s).' }], tools: [], agent: 'manager', turn: 1 };
      const job = await queue.add('call', { modelKey: 'offline', entry: program, request }, { attempts: 1 });
      state = await waitForState(queue, job.id ?? '');
      reason = (await queue.getJob(job.id ?? ''))?.failedReason;
    } finally {
      await client.close();
      await worker.close(1_000);
    }
    // Before: the worker built the queue's provider from the job's entry and ran the program.
    expect(existsSync(marker)).toBe(false);
    expect({ state, reason }).toEqual({ state: 'completed', reason: undefined });
  });

  test("a job that names another of the vendor's models is asked of the queue's model: a job does not choose what the worker's key pays for", { timeout: 60_000 }, async () => {
    const asked: string[] = [];
    const model: Provider = {
      generate: async (request) => {
        asked.push(`${request.modelKey} ${request.model}`);
        return { text: 'Nothing to do.', toolCalls: [], modelKey: request.modelKey, usage: { inputTokens: 1, outputTokens: 1, estimated: false } };
      },
    };
    const worker = await startWorker({ address: redis.url, models: ['offline'], concurrency: 1, root: tempDir('lemming-worker-'), log: () => undefined, providerFor: () => model, discoverEveryMs: 100 });
    const client = new QueueClient(redis.url);
    try {
      const { queue } = await client.modelQueue('offline', OFFLINE);
      expect(await eventually(() => worker.status().serving.includes('offline'))).toBe(true);
      const request = { modelKey: 'dearer', model: 'dearer-model-1', system: 'You are the manager.', messages: [{ role: 'user', content: 'Turn 1.' }], tools: [], agent: 'manager', turn: 1 };
      const job = await queue.add('call', { modelKey: 'dearer', entry: { ...OFFLINE, model: 'dearer-model-1' }, request }, { attempts: 1 });
      expect(await waitForState(queue, job.id ?? '')).toBe('completed');
    } finally {
      await client.close();
      await worker.close(1_000);
    }
    // Before: "dearer dearer-model-1", the job's own words.
    expect(asked).toEqual(['offline offline-1']);
  });

  test("a job on an MCP server's queue that carries another declaration (a command of its choosing) runs the published server: the command never starts", { timeout: 60_000 }, async () => {
    const marker = join(tempDir('lemming-marker-'), 'ran');
    // Declarations as org.yaml's schema fills them in.
    const counter: McpServerConfig = { command: process.execPath, args: [join(REPO_ROOT, 'tests', 'fixtures', 'mcp', 'counting-server.mjs')], env: [], timeout_ms: 20_000, idempotent: false };
    const other: McpServerConfig = { ...counter, args: ['-e', `require('fs').writeFileSync(${JSON.stringify(marker)}, 'ran')`] };
    const worker = await startWorker({ address: redis.url, models: [], mcpServers: ['counter'], concurrency: 1, root: tempDir('lemming-worker-'), log: () => undefined, discoverEveryMs: 100 });
    const client = new QueueClient(redis.url);
    let result: unknown;
    try {
      const { queue } = await client.mcpQueue('counter', counter);
      expect(await eventually(() => worker.status().serving.includes('MCP server counter'))).toBe(true);
      const job = await queue.add('call', { kind: 'call', server: 'counter', config: other, grants: ['counter/count'], tool: 'count', args: {}, place: { turn: 1, agent: 'manager', sequence: 1 } }, { attempts: 1 });
      expect(await waitForState(queue, job.id ?? '')).toBe('completed');
      result = (await queue.getJob(job.id ?? ''))?.returnvalue;
    } finally {
      await client.close();
      await worker.close(1_000);
    }
    // Before: the worker started the job's command as the queue's server.
    expect(existsSync(marker)).toBe(false);
    expect(JSON.stringify(result)).toContain('call 1');
  });
});

/** The job's state once it is finished (completed or failed). */
async function waitForState(queue: Awaited<ReturnType<QueueClient['modelQueue']>>['queue'], id: string): Promise<string> {
  for (let attempt = 0; attempt < 400; attempt += 1) {
    const state = await queue.getJobState(id);
    if (state === 'completed' || state === 'failed') return state;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return 'unfinished';
}
