import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Provider, ProviderRequest, ProviderResponse } from '../../src/providers/provider.js';
import { createRunProviderFactory } from '../../src/queue/queue-provider-factory.js';
import { startWorker } from '../../src/queue/run-worker.js';
import { humanSends, ofType, read, REPO_ROOT, runEngine, tempDir, write } from '../helpers/temp-org.js';
import { outsideOrg } from '../outside/outside-org.js';
import { queueTestKit } from './queue-test-kit.js';

const redis = queueTestKit();

const NAMED_SERVER = join(REPO_ROOT, 'tests/fixtures/mcp/named-server.mjs');

/**
 * Two MCP servers whose tools' names meet (names's files__read and names__files's read, both names__files__read), each run by
 * a worker, which knows only the server it runs: the engine, which knows every server, holds their offers to the rule a local
 * run's is (offer-gate.ts, heldToModelNames), as tests/integration/mcp-offer-bounds.test.ts holds a local run's.
 */
describe("MCP tools on workers whose names meet another server's", () => {
  test('offered once, as the tool a call reaches, the other said; the call runs the tool it was offered as', { timeout: 60_000 }, async () => {
    const org = outsideOrg({ provider: 'command', max_retries: 0, context_window: 32_000 }, { credits: 100, tools: '[send_message, names__files/*, names/*]' });
    const server = (name: string, tool: string): string => `  ${name}: { command: ${JSON.stringify(process.execPath)}, args: ${JSON.stringify([NAMED_SERVER, tool])}, timeout_ms: 20000 }\n`;
    write(org.root, 'org/org.yaml', `${read(org.root, 'org/org.yaml')}mcp_servers:\n${server('names', 'files__read')}${server('names__files', 'read')}`);
    const requests: ProviderRequest[] = [];
    const model: Provider = {
      generate: async (request) => {
        requests.push(request);
        const toolCalls = request.messages.length < 3 ? [{ id: 'read', name: 'names__files__read', arguments: {} }] : [{ id: 'reply', name: 'send_message', arguments: { to: 'human', subject: 'Read', body: 'Read.' } }];
        return { text: '', toolCalls, modelKey: 'agent', usage: { inputTokens: 100, outputTokens: 10, estimated: false } } as ProviderResponse;
      },
    };
    const worker = await startWorker({ address: redis.url, models: ['agent'], mcpServers: ['names', 'names__files'], concurrency: 1, root: tempDir('lemming-worker-'), log: () => undefined, providerFor: () => model, discoverEveryMs: 100 });
    humanSends(org.root, 'manager', 'Read.');
    const factory = createRunProviderFactory({ root: org.root, queue: redis.url });
    try {
      const events = await runEngine(org.root, { maxTurns: 1 }, { providerFactory: factory, mcp: factory.mcp });
      // Before: names__files__read offered twice (a request Anthropic refuses whole), and a call to it ran names's files__read whichever the model meant.
      expect(requests[0]?.tools.map((tool) => tool.name)).toEqual(['send_message', 'names__files__read']);
      expect(requests[1]?.messages.at(-1)?.content).toContain('I am files__read');
      expect(ofType(events, 'agent-note').map((note) => note.message)).toEqual([expect.stringContaining('the MCP server names__files lists 1 tool this agent is granted whose names a model cannot call them by, left out: "read";')]);
    } finally {
      await factory.close();
      await worker.close(1_000);
    }
  });
});
