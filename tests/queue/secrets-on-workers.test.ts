import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { agentOf, answer, KEYS, OPENAI_KEY, wireOrg } from '../faults/wire-org.js';
import { humanSends, readText, writeFile } from '../faults/fault-org.js';
import { checkInvariants } from '../faults/invariants.js';
import { secretsIn } from '../faults/secret-invariants.js';
import { REPO_ROOT, tempDir } from '../helpers/org-files.js';
import { chatCompletion, errorBody } from '../helpers/vendor-bodies.js';
import { startWireServer, type ReceivedRequest, type WireReply } from '../helpers/wire-server.js';
// @ts-expect-error a plain ES module fixture without types
import { startHeaderEchoServer } from '../fixtures/mcp/secret-echo-server.mjs';
import { queueTestKit } from './queue-test-kit.js';
import { everythingInRedis } from './redis-contents.js';

const ECHO_SERVER = join(REPO_ROOT, 'tests/fixtures/mcp/secret-echo-server.mjs');
/** Values only the workers hold: the org names the variables, the engine never sees their values. */
const GITHUB_TOKEN = 'ghp_lemmingQueueToken7e6d5c4b3a291807';
const SEARCH_KEY = 'Bearer queue-"search"\\key-2b8d4f60';
const WORKER_ENV = { ...KEYS, LEMMING_QUEUE_GITHUB_TOKEN: GITHUB_TOKEN, LEMMING_QUEUE_SEARCH_KEY: SEARCH_KEY };
const VALUES = Object.values(WORKER_ENV);

const redis = queueTestKit();

interface HeaderEcho {
  url: string;
  authorizations: string[];
  close(): Promise<void>;
}

/** The wire org with traces kept, both careless servers declared, and the manager granted their tools. */
function echoOrg(modelUrl: string, mcpUrl: string): string {
  const root = wireOrg(modelUrl);
  const orgYaml = readText(root, 'org/org.yaml').replace('engine: { max_turns: 12, concurrency: 4 }', 'engine: { max_turns: 12, concurrency: 4, traces: { keep: 10 } }');
  writeFile(
    root,
    'org/org.yaml',
    `${orgYaml}mcp_servers:\n  kit:\n    command: ${JSON.stringify(process.execPath)}\n    args: [${JSON.stringify(ECHO_SERVER)}]\n    env: [LEMMING_QUEUE_GITHUB_TOKEN]\n    timeout_ms: 20000\n  web:\n    url: ${mcpUrl}\n    headers: { authorization: LEMMING_QUEUE_SEARCH_KEY }\n    timeout_ms: 20000\n`,
  );
  writeFile(root, 'agents/manager/resume.md', '---\ntitle: Manager\nmodel: flaky-openai\ncredits: 10\ntools: [send_message, kit/*, web/*]\n---\nAsk the servers; report to the human.\n');
  humanSends(root, 'manager', 'What do our servers know?');
  return root;
}

/** The tool results the model was shown last (the last user message of a Chat Completions request). */
const lastShown = (request: ReceivedRequest): string => String(request.body.messages?.at(-1)?.content ?? '');

/**
 * The manager's model: its first answer is an error that repeats the key it was sent and the
 * search key; then it asks each server for its secret, and tells the human what it was shown.
 */
function model(): (request: ReceivedRequest) => WireReply {
  let managerCalls = 0;
  return (request) => {
    if (agentOf(request) !== 'manager') return answer(request);
    managerCalls += 1;
    if (managerCalls === 1) return { status: 400, body: errorBody(`no access for ${String(request.headers.authorization)}, nor for ${SEARCH_KEY}`, 'invalid_request_error') };
    if (!lastShown(request).includes('<tool_result')) {
      const name = { name: 'LEMMING_QUEUE_GITHUB_TOKEN' };
      const toolCalls = [
        { name: 'kit__env_value', arguments: name },
        { name: 'kit__env_error', arguments: name },
        { name: 'web__headers', arguments: {} },
        { name: 'web__header_error', arguments: {} },
      ];
      return { body: chatCompletion({ toolCalls, usage: { prompt_tokens: 250, completion_tokens: 20 } }) };
    }
    return answer(request, { to: 'human', body: `The servers said:\n${lastShown(request)}` });
  };
}

describe('secrets on workers', () => {
  test('workers hold the values: a model error that echoes them, and MCP servers that print them, leave no value in Redis, the files, the traces, the cassette, the tape or any output', { timeout: 120_000 }, async () => {
    const http = (await startHeaderEchoServer()) as HeaderEcho;
    const server = await startWireServer(model());
    try {
      const root = echoOrg(server.url, http.url);
      const cassette = join(tempDir('lemming-cassette-'), 'run.jsonl');
      const worker = redis.watched(tempDir('lemming-worker-'), ['worker', '--queue', redis.url, '--models', 'flaky-openai,flaky-anthropic', '--mcp-servers', 'kit,web'], WORKER_ENV);
      await worker.waitFor(/serves models flaky-openai/);
      // The engine has no key and no MCP variable: only the workers could cut them.
      const run = redis.watched(root, ['run', '--plain', '--queue', redis.url, '--record', cassette]);
      expect(await run.exited()).toBe(0);

      // The servers were sent the real values...
      expect(http.authorizations).toContain(SEARCH_KEY);
      expect(server.requests.some((request) => request.headers.authorization === `Bearer ${OPENAI_KEY}`)).toBe(true);
      // ...the model's error reached the run cut, and its next prompt shows markers where the servers repeated them.
      expect(run.output()).toContain('no access for Bearer [secret FAULT_OPENAI_KEY], nor for [secret LEMMING_QUEUE_SEARCH_KEY]');
      const shown = server.requests.map(lastShown).find((text) => text.includes('<tool_result')) ?? '';
      expect(shown).toContain('LEMMING_QUEUE_GITHUB_TOKEN=[secret LEMMING_QUEUE_GITHUB_TOKEN]');
      expect(shown).toContain('the token [secret LEMMING_QUEUE_GITHUB_TOKEN] was refused');
      expect(shown).toContain('"authorization":"[secret LEMMING_QUEUE_SEARCH_KEY]"');
      expect(shown).toContain('authorization [secret LEMMING_QUEUE_SEARCH_KEY] is not allowed here');
      expect(secretsIn('the model requests', JSON.stringify(server.requests.map((request) => request.body)), VALUES)).toEqual([]);

      // Redis holds variable names and markers: the jobs carried names, the worker cut its results and its failure.
      const stored = await everythingInRedis(redis.url);
      expect(stored).toContain('LEMMING_QUEUE_GITHUB_TOKEN');
      expect(stored).toContain('[secret LEMMING_QUEUE_SEARCH_KEY]');
      expect(stored).toContain('[secret FAULT_OPENAI_KEY]');
      expect(secretsIn('Redis', stored, VALUES)).toEqual([]);

      // What the run printed and the worker logged, the traces, and every file, cassette and tape: markers, no values.
      expect(secretsIn('the run output', run.output(), VALUES)).toEqual([]);
      expect(secretsIn('the worker output', worker.output(), VALUES)).toEqual([]);
      const traces = join(root, 'agents/manager/logs/traces');
      const traced = readdirSync(traces).filter((name) => name.endsWith('.json')).map((name) => readFileSync(join(traces, name), 'utf8')).join('\n');
      expect(traced).toContain('[secret LEMMING_QUEUE_SEARCH_KEY]');
      expect(checkInvariants(root, { env: WORKER_ENV, alsoSearch: [cassette] })).toEqual([]);
    } finally {
      await server.close();
      await http.close();
    }
  });
});
