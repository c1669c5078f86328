import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createProviderFactory } from '../../src/providers/create-provider.js';
import { toolsFor } from '../../src/engine/turn/tools.js';
import { chatCompletion } from '../helpers/vendor-bodies.js';
import { startWireServer, type ReceivedRequest, type WireServer } from '../helpers/wire-server.js';
import { eventsOf, humanSends, runOrg } from './fault-org.js';
import { checkInvariants } from './invariants.js';
import { learnedFor } from '../helpers/learned-ratios.js';
import { logEvents, readOrgRecord } from './org-record.js';
import { agentOf, answer, KEYS, OPENAI_KEY, ANTHROPIC_KEY, wireOrg } from './wire-org.js';

/** How many messages a request's prompt shows. */
function shownIn(request: ReceivedRequest): number {
  const user = String(request.body.messages?.at(-1)?.content ?? '');
  return (user.match(/<message id=/g) ?? []).length;
}

describe('a server whose context is smaller than the registry says', () => {
  let server: WireServer;
  beforeAll(async () => {
    // Like llama.cpp with a small context: a prompt showing more than one message does not fit.
    server = await startWireServer((request) => {
      if (agentOf(request) === 'manager' && shownIn(request) > 1) {
        return { status: 400, body: { error: { code: 400, message: 'the request exceeds the available context size, try increasing it', type: 'exceed_context_size_error' } } };
      }
      return agentOf(request) === 'manager' ? answer(request, { to: 'human', body: 'On it.' }) : answer(request);
    });
  });
  afterAll(() => server.close());

  test('a context-length error is tried once more with fewer messages; the rest wait and the prompt says so; nothing counts as a failure', async () => {
    const root = wireOrg(server.url);
    for (const body of ['First task.', 'Second task.', 'Third task.']) humanSends(root, 'manager', body);
    const events = await runOrg(root, {}, { providerFactory: createProviderFactory({ root, env: KEYS }) });

    expect(eventsOf(events, 'agent-error')).toEqual([]);
    const manager = server.requests.filter((request) => agentOf(request) === 'manager');
    // Turn 1: three shown, refused; one shown, answered. Turn 2: two, refused; one, answered. Turn 3: one.
    expect(manager.map(shownIn)).toEqual([3, 1, 2, 1, 1]);
    expect(String(manager[1]?.body.messages.at(-1).content)).toMatch(/2 more message\(s\) are waiting and will be shown in a later turn: your context holds 1 messages/);
    const record = readOrgRecord(root);
    expect(logEvents(record, 'manager', 'note').map((entry) => entry.message)).toEqual([
      expect.stringMatching(/^the server said the prompt did not fit its context \(.*exceeds the available context size.*\); asked again showing 1 of 3 message\(s\), the rest wait/),
      expect.stringMatching(/asked again showing 1 of 2 message\(s\)/),
    ]);
    expect(logEvents(record, 'manager', 'read').flatMap((entry) => entry.ids as string[])).toHaveLength(3);
    expect(checkInvariants(root, { secrets: [OPENAI_KEY, ANTHROPIC_KEY] })).toEqual([]);
  });
});

describe('learning what a server counts', () => {
  let server: WireServer;
  let tokensPerCharacter = 0.25;
  beforeAll(async () => {
    // A tokenizer that counts `tokensPerCharacter` of what it is sent.
    server = await startWireServer((request) => {
      const sent = JSON.stringify(request.body.messages).length + JSON.stringify(request.body.tools ?? []).length;
      const reply = agentOf(request) === 'manager' ? answer(request, { to: 'human', body: 'On it.' }) : answer(request);
      const body = reply.body as { usage?: { prompt_tokens: number } };
      if (body.usage) body.usage.prompt_tokens = Math.ceil(sent * tokensPerCharacter);
      return reply;
    });
  });
  afterAll(() => server.close());

  /** Shown to the manager in its last call, after a first short message taught the ratio. */
  async function shownAfterLearning(ratio: number): Promise<{ shown: number; root: string }> {
    tokensPerCharacter = ratio;
    const root = wireOrg(server.url);
    const orgFile = join(root, 'org/org.yaml');
    writeFileSync(orgFile, readFileSync(orgFile, 'utf8').replace('context_window: 32000', 'context_window: 6000'));
    const resume = join(root, 'agents/manager/resume.md');
    writeFileSync(resume, readFileSync(resume, 'utf8').replace('credits: 10', 'credits: 1000'));
    humanSends(root, 'manager', 'Hello.');
    const factory = createProviderFactory({ root, env: KEYS });
    await runOrg(root, { maxTurns: 1 }, { providerFactory: factory });
    for (let index = 0; index < 6; index += 1) humanSends(root, 'manager', `Task ${index}: ${'details of the task. '.repeat(60)}`);
    await runOrg(root, { maxTurns: 1 }, { providerFactory: factory });
    const last = server.requests.filter((request) => agentOf(request) === 'manager').at(-1);
    return { shown: last ? shownIn(last) : 0, root };
  }

  test("prompts are sized with the tokens per character the server reports, kept in org/state/token-ratios.json", async () => {
    const asEstimated = await shownAfterLearning(0.25);
    expect(asEstimated.shown).toBe(6);

    const counted = await shownAfterLearning(1);
    // About four times the estimate: the same window holds far fewer messages, and the prompt says the rest wait.
    expect(counted.shown).toBeGreaterThan(0);
    expect(counted.shown).toBeLessThan(3);
    const last = server.requests.filter((request) => agentOf(request) === 'manager').at(-1);
    expect(String(last?.body.messages.at(-1).content)).toMatch(/more message\(s\) are waiting and will be shown in a later turn/);
    const learned = learnedFor(counted.root, 'flaky-openai');
    expect(learned!.tokens / learned!.characters).toBeGreaterThan(0.9);
    expect(learnedFor(counted.root, 'flaky-anthropic')).toBeUndefined();
  });
});

describe('each call teaches its own ratio', () => {
  let server: WireServer;
  beforeAll(async () => {
    // A tokenizer that counts one token for every two characters of the messages it is sent, and a
    // manager that writes a file twice before it reports: a turn of three calls of growing prompts.
    server = await startWireServer((request) => {
      const messages = request.body.messages as Array<{ role: string; content: string }>;
      const characters = messages.reduce((sum, message) => sum + String(message.content).length, 0);
      const step = messages.filter((message) => message.role === 'assistant').length + 1;
      const call = step < 3 ? { name: 'write_file', arguments: { path: `draft-${step}.md`, content: 'x'.repeat(400) } } : { name: 'send_message', arguments: { to: 'human', body: 'Drafted.' } };
      return { body: chatCompletion({ toolCalls: [call], usage: { prompt_tokens: Math.ceil(characters / 2), completion_tokens: 20 } }) };
    });
  });
  afterAll(() => server.close());

  test('a three-step turn learns each step\'s tokens against that step\'s own prompt', async () => {
    const root = wireOrg(server.url);
    writeFileSync(join(root, 'agents/manager/resume.md'), '---\ntitle: Manager\nmodel: flaky-openai\ncredits: 1000\ntools: [send_message, write_file]\n---\nDraft, then report.\n');
    humanSends(root, 'manager', 'Draft the plan.');
    await runOrg(root, { maxTurns: 1 }, { providerFactory: createProviderFactory({ root, env: KEYS }) });
    const calls = server.requests.filter((request) => agentOf(request) === 'manager');
    expect(calls).toHaveLength(3);
    // What lemming counts of each prompt: its system prompt and messages, and its tools' definitions (the same in each).
    const contents = calls.map((request) => (request.body.messages as Array<{ content: string }>).reduce((sum, message) => sum + String(message.content).length, 0));
    const tools = JSON.stringify(toolsFor(['send_message', 'write_file'])).length;
    const learned = learnedFor(root, 'flaky-openai')!;
    expect(learned.tokens).toBe(contents.reduce((sum, characters) => sum + Math.ceil(characters / 2), 0));
    expect(learned.characters).toBe(contents.reduce((sum, characters) => sum + characters + tools, 0));
    // About the half a token a character the server counts, less for the tools it is not sent as such; never 3× that.
    expect(learned.tokens / learned.characters).toBeLessThan(0.5);
  });
});

describe('a tool result larger than the context window has room for', () => {
  let server: WireServer;
  /** Like llama.cpp with a context of `window` tokens, counting one token for every four characters it is sent. */
  let window = 6000;
  beforeAll(async () => {
    server = await startWireServer((request) => {
      const messages = request.body.messages as Array<{ role: string; content: string }>;
      const sent = messages.reduce((sum, message) => sum + String(message.content).length, 0) + JSON.stringify(request.body.tools ?? []).length;
      const tokens = Math.ceil(sent / 4);
      // Room for the answer as lemming keeps it (context-fit.ts, promptRoom): 1,024 tokens, at most half the window.
      if (tokens + Math.min(1024, Math.floor(window / 2)) > window) return { status: 400, body: { error: { code: 400, message: `the request exceeds the available context size (${tokens} tokens), try increasing it`, type: 'exceed_context_size_error' } } };
      const step = messages.filter((message) => message.role === 'assistant').length + 1;
      const call = step === 1 ? { name: 'read_file', arguments: { path: 'big.md' } } : { name: 'send_message', arguments: { to: 'human', body: 'Read it.' } };
      return { body: chatCompletion({ toolCalls: [call], usage: { prompt_tokens: tokens, completion_tokens: 20 } }) };
    });
  });
  afterAll(() => server.close());

  function readsABigFile(contextWindow: number): string {
    window = contextWindow;
    const root = wireOrg(server.url);
    const orgFile = join(root, 'org/org.yaml');
    writeFileSync(orgFile, readFileSync(orgFile, 'utf8').replace('context_window: 32000', `context_window: ${contextWindow}`));
    writeFileSync(join(root, 'agents/manager/resume.md'), '---\ntitle: Manager\nmodel: flaky-openai\ncredits: 1000\ntools: [send_message, read_file]\n---\nRead, then report.\n');
    mkdirSync(join(root, 'agents/manager/workspace'), { recursive: true });
    writeFileSync(join(root, 'agents/manager/workspace/big.md'), Array.from({ length: 2000 }, (_, index) => `line ${index + 1}: ${'words of the file '.repeat(2)}`).join('\n'));
    humanSends(root, 'manager', 'Read big.md and tell me.');
    return root;
  }

  test('is cut to fit, saying how much and where to read on: the next step is answered, both are charged, and the agent is not held', async () => {
    const root = readsABigFile(6000);
    const events = await runOrg(root, { maxTurns: 1 }, { providerFactory: createProviderFactory({ root, env: KEYS }) });
    expect(eventsOf(events, 'agent-error')).toEqual([]);
    const second = server.requests.filter((request) => agentOf(request) === 'manager').at(-1);
    const shown = String(second?.body.messages.at(-1).content);
    expect(shown).toMatch(/\[lemming: cut to fit your context window: \d+ of \d+ characters shown; read on with read_file \{"path":"big.md","start_line":\d+\}\]/);
    expect(readFileSync(join(root, 'agents/manager/outbox/000001-001-human.md'), 'utf8')).toContain('Read it.');
    const record = readOrgRecord(root);
    expect(logEvents(record, 'manager', 'charged')).toHaveLength(1);
    expect(logEvents(record, 'manager', 'step').map((entry) => entry.step)).toEqual([1, 2]);
    expect(logEvents(record, 'manager', 'note').map((entry) => entry.message)).toContainEqual(expect.stringContaining('1 tool result(s) were cut to fit the context window of flaky-openai'));
    expect(checkInvariants(root, { idle: false, secrets: [OPENAI_KEY, ANTHROPIC_KEY] })).toEqual([]);
  });

  test('that cannot fit even cut ends the loop with a note; the step that was answered is charged', async () => {
    // The first prompt fits (756 tokens beside the answer's 756), with hardly a token to spare for anything more.
    const root = readsABigFile(1512);
    const events = await runOrg(root, { maxTurns: 1 }, { providerFactory: createProviderFactory({ root, env: KEYS }) });
    expect(eventsOf(events, 'agent-error')).toEqual([]);
    expect(server.requests.filter((request) => agentOf(request) === 'manager').length).toBeGreaterThan(0);
    const record = readOrgRecord(root);
    expect(logEvents(record, 'manager', 'note').map((entry) => entry.message)).toContainEqual(expect.stringContaining('the results of its tools do not fit what the context window of flaky-openai has left'));
    expect(logEvents(record, 'manager', 'charged')).toHaveLength(1);
    expect(checkInvariants(root, { idle: false, secrets: [OPENAI_KEY, ANTHROPIC_KEY] })).toEqual([]);
  });
});
