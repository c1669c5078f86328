import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createProviderFactory } from '../../src/providers/create-provider.js';
import { lemming, lemmingAsync } from '../helpers/cli.js';
import { errorBody } from '../helpers/vendor-bodies.js';
import { startWatched } from '../helpers/watched-process.js';
import { untilIndexed } from '../helpers/until-indexed.js';
import { startWireServer, type ReceivedRequest, type WireServer } from '../helpers/wire-server.js';
import { eventsOf, humanSends, readText, runOrg, writeFile } from './fault-org.js';
import { checkInvariants } from './invariants.js';
import { scratchDir } from './scratch.js';
import { secretsIn, secretViolations } from './secret-invariants.js';
import { agentOf, answer, ANTHROPIC_KEY, KEYS, OPENAI_KEY, wireOrg } from './wire-org.js';

/** Whatever credentials the request carried, as a careless (or hostile) server would repeat them. */
function echoed(request: ReceivedRequest): string {
  return `authorization=${String(request.headers.authorization)} x-api-key=${String(request.headers['x-api-key'])}`;
}

describe('API keys', () => {
  let server: WireServer;
  beforeAll(async () => {
    let managerCalls = 0;
    server = await startWireServer((request) => {
      if (agentOf(request) === 'manager') {
        managerCalls += 1;
        if (managerCalls === 1) return { status: 400, body: errorBody(`Bad request from ${echoed(request)}`, 'invalid_request_error') };
        if (managerCalls === 2) return answer(request, { to: 'coder', body: `Build it. (${echoed(request)})` });
        return answer(request);
      }
      return answer(request, { to: 'manager', body: `Built, says ${echoed(request)}` });
    });
  });
  afterAll(() => server.close());

  test('a server that echoes the key, in an error or in an answer, never gets it into a file under the root or the cassette', async () => {
    const root = wireOrg(server.url);
    // One key from the environment, one from the root's .env: both are cut out wherever a server repeats them.
    writeFile(root, '.env', `FAULT_ANTHROPIC_KEY=${ANTHROPIC_KEY}\n`);
    humanSends(root, 'manager', 'Build the thing.');
    const cassette = join(scratchDir('lemming-cassette-'), 'run.jsonl');
    const providerFactory = createProviderFactory({ root, env: { FAULT_OPENAI_KEY: OPENAI_KEY }, record: cassette });
    const events = await runOrg(root, {}, { providerFactory });

    expect(eventsOf(events, 'agent-error')).toMatchObject([{ agent: 'manager', message: expect.stringContaining('Bad request from authorization=Bearer [secret FAULT_OPENAI_KEY]') }]);
    expect(readText(root, 'agents/manager/outbox/000002-001-coder.md')).toContain('authorization=Bearer [secret FAULT_OPENAI_KEY]');
    expect(readText(root, 'agents/coder/outbox/000003-001-manager.md')).toContain('Bearer [secret FAULT_ANTHROPIC_KEY]');
    expect(server.requests.some((request) => echoed(request).includes(OPENAI_KEY))).toBe(true);
    expect(server.requests.some((request) => echoed(request).includes(ANTHROPIC_KEY))).toBe(true);
    expect(checkInvariants(root, { secrets: [OPENAI_KEY, ANTHROPIC_KEY], alsoSearch: [cassette] })).toEqual([]);
  });
});

/** An MCP server's header value, kept in the org's `.env`: never used in the run below, cut because the org names it. */
const SEARCH_KEY = 'search-key-for-the-cli-4e1d7b2a';

describe('every secret the org names, through the CLI and the dashboard', () => {
  let server: WireServer;
  beforeAll(async () => {
    let managerCalls = 0;
    server = await startWireServer((request) => {
      const repeated = `${echoed(request)} search=${SEARCH_KEY}`;
      if (agentOf(request) === 'manager') {
        managerCalls += 1;
        if (managerCalls === 1) return { status: 400, body: errorBody(`Bad request from ${repeated}`, 'invalid_request_error') };
        if (managerCalls === 2) return answer(request, { to: 'coder', body: `Build it. (${repeated})` });
        return answer(request);
      }
      return answer(request, { to: 'manager', body: `Built, says ${repeated}` });
    });
  });
  afterAll(() => server.close());

  test('a model that repeats its key and an MCP header value in an error and in answers: cut in messages, logs, traces, what the CLI prints and what the dashboard answers', { timeout: 120_000 }, async () => {
    const root = wireOrg(server.url);
    writeFile(root, 'org/org.yaml', `${readText(root, 'org/org.yaml').replace('concurrency: 4 }', 'concurrency: 4, traces: { keep: 10 } }')}mcp_servers:\n  search:\n    url: http://127.0.0.1:9/mcp\n    headers: { Authorization: LEMMING_CLI_SEARCH_KEY }\n`);
    writeFile(root, '.env', `LEMMING_CLI_SEARCH_KEY=${SEARCH_KEY}\n`);
    const values = [OPENAI_KEY, ANTHROPIC_KEY, SEARCH_KEY];
    // A person pastes a key into a message: it is cut before the file is written.
    expect(lemming(root, ['send', 'manager', `Build the thing; the key is ${OPENAI_KEY}`], KEYS).status).toBe(0);
    const cassette = join(scratchDir('lemming-cassette-'), 'run.jsonl');
    const run = await lemmingAsync(root, ['run', '--plain', '--record', cassette], KEYS);
    expect(run.status).toBe(0);
    expect(run.stdout + run.stderr).toContain('Bad request from authorization=Bearer [secret FAULT_OPENAI_KEY] x-api-key=undefined search=[secret LEMMING_CLI_SEARCH_KEY]');
    expect(readText(root, 'agents/human/outbox/000000-001-manager.md')).toContain('the key is [secret FAULT_OPENAI_KEY]');
    expect(readText(root, 'agents/manager/outbox/000002-001-coder.md')).toContain('search=[secret LEMMING_CLI_SEARCH_KEY]');
    expect(server.requests.some((request) => JSON.stringify(request.body).includes('the key is [secret FAULT_OPENAI_KEY]'))).toBe(true);
    expect(secretsIn('the model requests', JSON.stringify(server.requests.map((request) => request.body)), values)).toEqual([]);

    const logs = lemming(root, ['logs', 'manager'], KEYS);
    expect(logs.stdout).toContain('[secret LEMMING_CLI_SEARCH_KEY]');
    const trace = lemming(root, ['trace', 'coder'], KEYS);
    expect(trace.stdout).toContain('Built, says authorization=Bearer [secret FAULT_ANTHROPIC_KEY]');
    for (const [label, said] of [['run', run], ['logs', logs], ['trace', trace]] as const) expect(secretsIn(label, said.stdout + said.stderr, values)).toEqual([]);

    const dashboard = startWatched(root, ['serve', '--port', '0'], KEYS);
    try {
      await dashboard.waitFor(/http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/);
      const url = /http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/.exec(dashboard.output())?.[0] ?? '';
      await untilIndexed(url);
      const base = url.slice(0, url.indexOf('/?'));
      const headers = { authorization: `Bearer ${decodeURIComponent(url.slice(url.indexOf('token=') + 'token='.length))}` };
      const get = async (path: string): Promise<string> => (await fetch(`${base}${path}`, { headers })).text();
      const answers = {
        message: await get('/api/messages/000002-manager-001'),
        thread: await get('/api/threads/000003-coder-001'),
        trace: await get('/api/traces/coder/3'),
        inbox: await get('/api/inbox'),
        agent: await get('/api/agents/manager'),
        // What a person types into the search box comes back in the answer, and in an error naming it.
        search: await get(`/api/search?q=${encodeURIComponent(SEARCH_KEY)}`),
        missing: await get(`/api/messages/${encodeURIComponent(OPENAI_KEY)}`),
      };
      expect(answers.message).toContain('search=[secret LEMMING_CLI_SEARCH_KEY]');
      expect(answers.trace).toContain('[secret FAULT_ANTHROPIC_KEY]');
      expect(answers.search).toContain('"query":"[secret LEMMING_CLI_SEARCH_KEY]"');
      expect(answers.missing).toContain('no message has the id \\"[secret FAULT_OPENAI_KEY]\\"');
      for (const [label, text] of Object.entries(answers)) expect(secretsIn(label, text, values)).toEqual([]);
    } finally {
      await dashboard.stop('SIGINT');
    }
    expect(checkInvariants(root, { env: KEYS, alsoSearch: [cassette] })).toEqual([]);
  });

  test('a variable the org names whose value is too short to be told from ordinary text: validate warns, naming the variable, never the value', () => {
    const root = wireOrg('http://127.0.0.1:9');
    writeFile(root, 'org/org.yaml', `${readText(root, 'org/org.yaml')}mcp_servers:\n  search:\n    url: http://127.0.0.1:9/mcp\n    headers: { Authorization: LEMMING_SHORT_TOKEN }\n`);
    writeFile(root, '.env', 'LEMMING_SHORT_TOKEN=abc12\n');
    const validated = lemming(root, ['validate'], KEYS);
    expect(validated.status).toBe(0);
    expect(validated.stdout).toContain('warning: org/org.yaml: mcp_servers.search.headers.Authorization: names LEMMING_SHORT_TOKEN, whose value is 5 character(s) long: lemming treats only values of 8 characters or more as secrets');
    expect(validated.stdout).toContain('valid: 3 agent(s), 1 warning(s)');
    expect(validated.stdout).not.toContain('abc12');
  });

  test('the checker finds a named value in a file, as written or JSON-escaped, and nothing where there is none', () => {
    const root = scratchDir();
    const quoted = 'token-with-"quotes"-and-\\';
    writeFile(root, 'plain.txt', `a ${SEARCH_KEY} b`);
    writeFile(root, 'escaped.json', JSON.stringify({ value: quoted }));
    writeFile(root, 'clean.txt', '[secret LEMMING_CLI_SEARCH_KEY]');
    expect(secretViolations(root, ['plain.txt', 'escaped.json', 'clean.txt'], [SEARCH_KEY, quoted], [])).toEqual([
      'plain.txt: holds a secret (31 characters, starting "sea")',
      'escaped.json: holds a secret (25 characters, starting "tok")',
    ]);
  });
});
