import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { readHumanInbox } from '../../src/engine/human/human-inbox.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import { createProviderFactory } from '../../src/providers/create-provider.js';
import { lemming, lemmingAsync, startLemming } from '../helpers/cli.js';
import { allFiles } from '../helpers/org-snapshot.js';
import { recordingSleep } from '../helpers/provider-requests.js';
import { humanSends, ofType, runEngine, tempDir } from '../helpers/temp-org.js';
import { startWireServer, type WireReply, type WireServer } from '../helpers/wire-server.js';
import { checkInvariants } from '../faults/invariants.js';
import { chargeLines, eventually, outsideOrg } from './outside-org.js';

const TOKEN = 'Bearer agent-token-5f8e2a91c4';
const ENV = { AGENT_TOKEN: TOKEN };

let server: WireServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A local HTTP agent answering with `replies` in order (the last one again after them). */
async function agentServer(replies: WireReply[]): Promise<WireServer> {
  server = await startWireServer((_request, index) => replies[Math.min(index, replies.length - 1)] ?? { status: 500 });
  return server;
}

const answer = (body: Record<string, unknown>): WireReply => ({ body });
const send = (to: string, text: string) => ({ name: 'send_message', arguments: { to, body: text } });

function inbox(root: string) {
  return readHumanInbox(root, loadOrg(root).org).messages;
}

function runWith(root: string, extra: Partial<Parameters<typeof createProviderFactory>[0]> = {}) {
  const sleeps = recordingSleep();
  const events = runEngine(root, {}, { providerFactory: createProviderFactory({ root, env: ENV, sleep: sleeps.sleep, ...extra }) });
  return { events, sleeps };
}

describe('an agent behind a webhook (provider: http)', () => {
  test('each call is POSTed as JSON with headers from the environment; JSON tool calls and usage come back; the header never reaches a file', async () => {
    const agent = await agentServer([answer({ text: 'Sure.', tool_calls: [send('human', 'Hello over HTTP.')], usage: { input_tokens: 900, output_tokens: 40 } })]);
    const org = outsideOrg({ provider: 'http', url: `${agent.url}/agent`, headers: { Authorization: 'AGENT_TOKEN' } });
    humanSends(org.root, 'manager', 'Say hello.');
    const { events } = runWith(org.root);
    expect(ofType(await events, 'agent-error')).toEqual([]);

    const [request] = agent.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/agent', headers: { authorization: TOKEN, 'content-type': 'application/json' } });
    expect(request?.body).toMatchObject({ lemming: 1, agent: 'manager', turn: 1, step: 1, model_key: 'agent', model: 'http', max_output_tokens: null });
    expect((request?.body.tools as Array<{ name: string }>).map((tool) => tool.name)).toContain('send_message');
    expect(request?.body.messages).toEqual([{ role: 'user', content: expect.stringContaining('Say hello.') }]);
    expect(inbox(org.root)).toMatchObject([{ body: 'Hello over HTTP.' }]);
    expect(chargeLines(org.root)).toMatchObject([{ input_tokens: 900, output_tokens: 40, credits: 0.01098 }]);
    expect(checkInvariants(org.root, { secrets: [TOKEN] })).toEqual([]);
  });

  test('a redirect is not followed: neither the call nor its headers reach the host it names, the error says what to set, nothing is charged', async () => {
    const elsewhere = await startWireServer(() => answer({ text: 'Sure.', tool_calls: [send('human', 'From elsewhere.')] }));
    try {
      await agentServer([{ status: 307, headers: { location: `${elsewhere.url.replace('127.0.0.1', 'localhost')}/agent` } }]);
      const org = outsideOrg({ provider: 'http', url: `${server!.url}/agent`, headers: { 'X-Agent-Token': 'AGENT_TOKEN' } });
      humanSends(org.root, 'manager', 'Say hello.');
      const { events } = runWith(org.root);
      const errors = ofType(await events, 'agent-error').map((event) => event.message);
      expect(errors[0]).toBe(`agent: ${server!.url}/agent redirected the call (307) to ${elsewhere.url.replace('127.0.0.1', 'localhost')}/agent; lemming sends a call only where org.yaml says, so it did not follow: set models.agent.url to where the server points`);
      expect(elsewhere.requests).toEqual([]);
      expect(inbox(org.root)).toEqual([]);
      expect(chargeLines(org.root)).toEqual([]);
    } finally {
      await elsewhere.close();
    }
  });

  test('a 3xx without a location, or one fetch does not follow (300, 304), is no run of the agent: not retried, nothing charged, the error says what came', async () => {
    const agent = await agentServer([{ status: 302, body: 'moved, somewhere' }, { status: 300, headers: { location: '/choose' }, body: '' }]);
    const org = outsideOrg({ provider: 'http', url: `${agent.url}/agent`, max_retries: 3 });
    humanSends(org.root, 'manager', 'Say hello.');
    const { events, sleeps } = runWith(org.root);
    const errors = ofType(await events, 'agent-error').map((event) => event.message);
    // The agent's mail waits, and each later turn asks it again: the 300 from then on.
    expect(errors.slice(0, 2)).toEqual([
      `agent: ${agent.url}/agent answered 302 Found without a location to follow: moved, somewhere`,
      `agent: ${agent.url}/agent answered 300 Multiple Choices, a redirect lemming does not follow`,
    ]);
    expect(sleeps.waits).toEqual([]);
    expect(agent.requests).toHaveLength(errors.length);
    expect(inbox(org.root)).toEqual([]);
    expect(chargeLines(org.root)).toEqual([]);
  });

  test('503 with Retry-After is waited for and tried again; a refusal (401) is not, and the server\'s echo of the header is cut', async () => {
    const agent = await agentServer([
      { status: 503, headers: { 'retry-after': '2' }, body: { error: 'busy' } },
      answer({ text: 'Back now.', tool_calls: [send('human', 'Sorry, I was busy.')] }),
    ]);
    const org = outsideOrg({ provider: 'http', url: agent.url, headers: { Authorization: 'AGENT_TOKEN' } });
    humanSends(org.root, 'manager', 'Status?');
    const first = runWith(org.root);
    await first.events;
    expect(first.sleeps.waits).toEqual([2000]);
    expect(inbox(org.root)).toMatchObject([{ body: 'Sorry, I was busy.' }]);
    // An estimate stands in for the usage it did not report, and says so.
    expect(chargeLines(org.root)).toMatchObject([{ estimated: true }]);

    const refusing = await agentServer([{ status: 401, body: `token ${TOKEN} is not valid` }, { status: 400, body: { error: `I got ${TOKEN}` } }]);
    const other = outsideOrg({ provider: 'http', url: refusing.url, headers: { Authorization: 'AGENT_TOKEN' }, max_retries: 3 });
    humanSends(other.root, 'manager', 'Status?');
    const refused = runWith(other.root);
    const events = await refused.events;
    expect(refused.sleeps.waits).toEqual([]);
    expect(ofType(events, 'agent-error')[0]).toMatchObject({ turn: 1, message: `agent: ${refusing.url} answered 401 Unauthorized (check the headers org.yaml names for it)` });
    expect(ofType(events, 'agent-error')[1]?.message).toBe(`agent: ${refusing.url} answered 400 Bad Request: {"error":"I got [secret AGENT_TOKEN]"}`);
    expect(checkInvariants(other.root, { secrets: [TOKEN] })).toEqual([]);
  });

  test('no answer within timeout_ms is retried; an answer that is not the JSON of the form is not, and is charged its price per call', async () => {
    const agent = await agentServer([{ hang: true }, answer({ text: 'Late but here.', tool_calls: [send('human', 'Here.')] })]);
    const org = outsideOrg({ provider: 'http', url: agent.url, timeout_ms: 1000, max_retries: 1 }); // long enough for the server in this loaded process to read the first request before the client gives up
    humanSends(org.root, 'manager', 'Ping.');
    const slow = runWith(org.root);
    expect(ofType(await slow.events, 'agent-retrying')).toMatchObject([{ cause: `agent: no answer from ${agent.url} within 1000 ms (org.yaml models.agent.timeout_ms)` }]);
    expect(inbox(org.root)).toMatchObject([{ body: 'Here.' }]);

    const garbled = await agentServer([{ body: '<html>Gateway</html>' }, answer({ text: 'Nothing more.' })]);
    const other = outsideOrg({ provider: 'http', url: garbled.url, max_retries: 3 });
    humanSends(other.root, 'manager', 'Ping.');
    const broken = runWith(other.root);
    const events = await broken.events;
    expect(broken.sleeps.waits).toEqual([]);
    expect(ofType(events, 'agent-error')).toMatchObject([{ turn: 1, message: expect.stringMatching(/answered something that is not JSON .*it starts "<html>Gateway<\/html>"/) }]);
    expect(chargeLines(other.root).filter((charge) => charge.turn === 1)).toMatchObject([{ input_tokens: 0, output_tokens: 0, credits: 0.01 }]);
    expect(checkInvariants(other.root)).toEqual([]);
  });

  test('an agent that reports an error of a megabyte: the error line and the activity log hold its first 300 characters, as for any provider', async () => {
    const said = `Upstream failed: ${'stack frame '.repeat(80_000)}`;
    const agent = await agentServer([answer({ is_error: true, result: said })]);
    const org = outsideOrg({ provider: 'http', url: agent.url });
    humanSends(org.root, 'manager', 'Ping.');
    const [error] = ofType(await runWith(org.root).events, 'agent-error');
    expect(error?.message).toBe(`agent: ${agent.url} reported an error: ${said.slice(0, 297)}...`);
    const logs = join(org.root, 'agents/manager/logs');
    const logged = allFiles(logs).filter((path) => path.endsWith('.jsonl')).map((path) => readFileSync(join(logs, path), 'utf8')).join('');
    expect(logged).toContain('reported an error: Upstream failed: stack frame');
    expect(logged.length).toBeLessThan(4_000);
  });

  test('recorded and replayed with no server at all: the same files, byte for byte', async () => {
    const agent = await agentServer([answer({ tool_calls: [send('human', 'Recorded answer.')], usage: { input_tokens: 10, output_tokens: 5 } })]);
    const org = outsideOrg({ provider: 'http', url: agent.url, headers: { Authorization: 'AGENT_TOKEN' } });
    humanSends(org.root, 'manager', 'Once.');
    const copy = tempDir('lemming-replay-');
    cpSync(org.root, copy, { recursive: true });
    const cassette = join(tempDir('lemming-cassette-'), 'run.jsonl');
    const clock = () => new Date('2026-03-01T00:00:00.000Z');
    await runEngine(org.root, {}, { clock, providerFactory: createProviderFactory({ root: org.root, env: ENV, record: cassette, clock }) });
    await agent.close();
    server = undefined;
    // No server, no token: the replay needs neither.
    await runEngine(copy, {}, { clock, providerFactory: createProviderFactory({ root: copy, env: {}, replay: cassette }) });
    const bytes = (root: string) => Object.fromEntries(allFiles(root).filter((file) => file.includes('/outbox/') || file.endsWith('ledger.jsonl')).map((file) => [file, readFileSync(join(root, file), 'latin1')]));
    expect(bytes(copy)).toEqual(bytes(org.root));
    expect(readFileSync(cassette, 'utf8')).not.toContain('agent-token');
  });

  test('prompt: text sends the system prompt with the text format and no tools, for an endpoint in front of a model that cannot call tools', async () => {
    const agent = await agentServer([answer({ text: `Here it is.\n=== send_message\nto: human\nbody:\nIn plain text.\n=== end` })]);
    const org = outsideOrg({ provider: 'http', url: agent.url, prompt: 'text' });
    humanSends(org.root, 'manager', 'Hi.');
    await runWith(org.root).events;
    expect(agent.requests[0]?.body).toMatchObject({ tools: [], system: expect.stringContaining('## How to write your actions') });
    expect(inbox(org.root)).toMatchObject([{ body: 'In plain text.' }]);
  });

  test('Ctrl-C while the endpoint thinks: the run stops, and the next run asks once more and delivers once', async () => {
    let calls = 0;
    server = await startWireServer(() => (++calls === 1 ? { hang: true } : answer({ tool_calls: [send('human', 'Answered the second time.')] })));
    const org = outsideOrg({ provider: 'http', url: server.url });
    humanSends(org.root, 'manager', 'Think hard.');
    const run = startLemming(org.root, ['run', '--plain']);
    const exited = new Promise<number | null>((resolve) => run.once('close', (code) => resolve(code)));
    expect(await eventually(() => server?.requests.length === 1)).toBe(true);
    run.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(inbox(org.root)).toEqual([]);
    const again = await lemmingAsync(org.root, ['run', '--plain']);
    expect(again.status).toBe(0);
    expect(server.requests).toHaveLength(2);
    expect(inbox(org.root)).toMatchObject([{ body: 'Answered the second time.' }]);
    expect(chargeLines(org.root)).toHaveLength(1);
    expect(checkInvariants(org.root)).toEqual([]);
  });

  test('a URL nothing listens at stops run before turn 1; a header variable that is not set stops it too; a URL that does not parse fails validate', async () => {
    const org = outsideOrg({ provider: 'http', url: 'http://127.0.0.1:9/agent' });
    humanSends(org.root, 'manager', 'Anyone?');
    const run = lemming(org.root, ['run', '--plain']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('org/org.yaml models.agent: cannot reach http://127.0.0.1:9/agent (connection refused: nothing listens there; needed by manager)');

    const keyless = outsideOrg({ provider: 'http', url: 'http://127.0.0.1:9/agent', headers: { Authorization: 'AGENT_TOKEN_UNSET' } });
    const stopped = lemming(keyless.root, ['run', '--plain']);
    expect(stopped.status).toBe(1);
    expect(stopped.stderr).toContain('AGENT_TOKEN_UNSET is not set (needed by manager for org/org.yaml models agent)');

    const badUrl = outsideOrg({ provider: 'http', url: 'not a url' });
    const validated = lemming(badUrl.root, ['validate']);
    expect(validated.status).toBe(1);
    expect(validated.stdout).toMatch(/error: org\/org\.yaml:\d+: models\.agent\.url: .*; a valid value looks like `url: http:\/\/127\.0\.0\.1:8931\/agent`/);
  });
});
