import { join } from 'node:path';
import { Queue } from 'bullmq';
import { describe, expect, test } from 'vitest';
import { loadOrg } from '../../src/org/load-org-once.js';
import type { Provider, ProviderRequest, ProviderResponse } from '../../src/providers/provider.js';
import { createRunProviderFactory } from '../../src/queue/queue-provider-factory.js';
import { KEY_PREFIX, mcpQueueNameFor } from '../../src/queue/queue-keys.js';
import { connectionOptions } from '../../src/queue/redis-address.js';
import { startWorker } from '../../src/queue/run-worker.js';
import { humanSends, ofType, read, REPO_ROOT, runEngine, tempDir, write } from '../helpers/temp-org.js';
import { outsideOrg } from '../outside/outside-org.js';
import { queueTestKit } from './queue-test-kit.js';

const redis = queueTestKit();

const NAMED_SERVER = join(REPO_ROOT, 'tests/fixtures/mcp/named-server.mjs');

/** How many offer jobs (a server's tools asked of its worker) the run sent to one MCP server's queue. */
async function offerJobs(root: string, server: string): Promise<number> {
  const config = loadOrg(root).org?.mcpServers[server];
  if (!config) throw new Error(`no MCP server ${server}`);
  const queue = new Queue(mcpQueueNameFor(server, config), { connection: connectionOptions(redis.url), prefix: KEY_PREFIX });
  try {
    return (await queue.getJobs(['completed', 'failed'])).filter((job) => job.name === 'offer').length;
  } finally {
    await queue.close();
  }
}

/**
 * An offer a worker answered with its tools checked is kept for the run, problems and all (a name that
 * meets another server's tool, more than 128 tools): they are about the tools, which a running server
 * does not change between turns. A server that would not start is asked again, as a local one is
 * started again. Before, an offer with any problem was asked of the worker again at every turn.
 */
describe('offers of MCP tools from workers over a run of five turns', () => {
  test('one offer job for each server whose tools came back, problems or not; one a turn for a server that would not start', { timeout: 90_000 }, async () => {
    const org = outsideOrg({ provider: 'command', max_retries: 0, context_window: 32_000 }, { credits: 100, tools: '[send_message, names__files/*, names/*, broken/*]' });
    write(org.root, 'agents/manager/resume.md', read(org.root, 'agents/manager/resume.md').replace(/^credits: (.*)$/m, 'credits: $1\nschedule: { every: 1 }'));
    const server = (name: string, tool: string): string => `  ${name}: { command: ${JSON.stringify(process.execPath)}, args: ${JSON.stringify([NAMED_SERVER, tool])}, timeout_ms: 20000 }\n`;
    const broken = `  broken: { command: ${JSON.stringify(join(tempDir('lemming-no-server-'), 'missing-server'))}, timeout_ms: 20000 }\n`;
    write(org.root, 'org/org.yaml', `${read(org.root, 'org/org.yaml')}mcp_servers:\n${server('names', 'files__read')}${server('names__files', 'read')}${broken}`);
    const requests: ProviderRequest[] = [];
    const model: Provider = {
      generate: async (request) => {
        requests.push(request);
        return { text: 'Nothing to do.', toolCalls: [], modelKey: 'agent', usage: { inputTokens: 100, outputTokens: 10, estimated: false } } as ProviderResponse;
      },
    };
    const worker = await startWorker({ address: redis.url, models: ['agent'], mcpServers: ['names', 'names__files', 'broken'], concurrency: 1, root: tempDir('lemming-worker-'), log: () => undefined, providerFor: () => model, discoverEveryMs: 100 });
    humanSends(org.root, 'manager', 'Look around.');
    const factory = createRunProviderFactory({ root: org.root, queue: redis.url });
    try {
      const events = await runEngine(org.root, { maxTurns: 5, stopWhenIdle: false }, { providerFactory: factory, mcp: factory.mcp });
      // The agent ran each turn and was told each turn what its offer left out and what would not start.
      expect(requests).toHaveLength(5);
      const notes = ofType(events, 'agent-note').map((note) => note.message);
      expect(notes.filter((note) => note.includes('the MCP server names__files lists 1 tool this agent is granted whose names a model cannot call them by'))).toHaveLength(5);
      expect(notes.filter((note) => note.includes('the tools of the MCP server broken are unavailable this turn'))).toHaveLength(5);
      // Before: names__files (a name clash) was asked 5 times.
      expect(await offerJobs(org.root, 'names')).toBe(1);
      expect(await offerJobs(org.root, 'names__files')).toBe(1);
      expect(await offerJobs(org.root, 'broken')).toBe(5);
    } finally {
      await factory.close();
      await worker.close(1_000);
    }
  });
});
