import { describe, expect, test } from 'vitest';
import { createProviderFactory } from '../../src/providers/create-provider.js';
import { countedTokens, smallWindowServer, type OverLong } from '../helpers/small-window-server.js';
import { humanSends, ofType, read, runEngine, write } from '../helpers/temp-org.js';
import { localCoderOrg } from '../helpers/local-coder-org.js';
import { wireServerPerTest, type ReceivedRequest } from '../helpers/wire-server.js';
import { learnedFor } from '../helpers/learned-ratios.js';

/**
 * Small local models (issue 61): a server with a 2k–4k context and no tokenizer endpoint, as Ollama
 * is, counting a token per 4 bytes of the messages' text. The agent's own part (resume, rules, tools)
 * is some 3 KB, as in the default org, which a bound of a token a byte alone made too long for a
 * 4,096-token window.
 */
const serve = wireServerPerTest();

/** The default org's coder with three of its tools (some 3.3 KB with its rules and tools' definitions, as the default org's agents are): the agent's own part. */
const CODER = `---
title: "Software engineer: writes and tests code"
model: local
credits: 100
tools: [send_message, remember, read_file]
---
You write and test code for the tasks the planner gives you. When a task is done,
save your work as a file in your workspace, write a test of it and run the test with
run_command (it runs in a sandbox, in your workspace), then report back to the planner with
the file's path: what you changed, how you tested it and how the tests went, and anything left
open. Ask the planner when a task is unclear rather than guessing.
`;

/** The coder above on the local server, with 100 KB of numbered lines in big.md. */
function smallOrg(url: string, entry: string): string {
  return localCoderOrg(url, { entry, resume: CODER, bigFile: { lines: 2000, bytes: 100_000 } });
}

/** The model reads big.md, then tells the human what it read. */
function readsThenReplies(request: ReceivedRequest): { toolCalls: Array<{ name: string; arguments: Record<string, unknown> }> } {
  const read = (request.body.messages as Array<{ role: string }>).some((message) => message.role === 'assistant');
  return { toolCalls: [read ? { name: 'send_message', arguments: { to: 'human', body: 'I read big.md.' } } : { name: 'read_file', arguments: { path: 'big.md' } }] };
}

const windows = [
  { name: 'context_window: 4096', entry: '    context_window: 4096\n', window: 4096, answer: 1024 },
  { name: 'context_window: 2048, max_output_tokens: 256', entry: '    context_window: 2048\n    max_output_tokens: 256\n', window: 2048, answer: 256 },
];

describe('an agent on a small local model with no tokenizer reads a 100 KB file and replies within its window', () => {
  for (const overLong of ['refuse', 'truncate'] as OverLong[]) {
    for (const size of windows) {
      test(`${size.name}, a server that ${overLong === 'refuse' ? 'refuses' : 'silently cuts'} an over-long prompt`, async () => {
        const server = await serve(smallWindowServer({ window: size.window, overLong, answer: readsThenReplies }));
        const root = smallOrg(server.url, size.entry);
        const factory = createProviderFactory({ root });
        // Turn 1 sizes with the prior; turn 2 with what turn 1's answers reported (org/state/token-ratios.json).
        humanSends(root, 'coder', 'Read big.md and tell me what is in it.', 'big.md');
        const events = await runEngine(root, {}, { providerFactory: factory });
        humanSends(root, 'coder', 'Read it again, please.', 'big.md again');
        events.push(...(await runEngine(root, {}, { providerFactory: factory })));

        expect(ofType(events, 'agent-error')).toEqual([]);
        const chats = server.requests.filter((request) => request.path === '/v1/chat/completions');
        expect(chats).toHaveLength(4);
        // Every prompt sent fits the window with room for the answer, by the server's own count: nothing was refused or cut.
        for (const request of chats) expect(countedTokens(request)).toBeLessThanOrEqual(size.window - size.answer);
        // The file was shown cut, said so, with where to read on.
        for (const request of [chats[1], chats[3]]) {
          expect(String(request?.body.messages.at(-1).content)).toMatch(/\[lemming: cut to fit your context window: \d+ of \d+ characters shown; read on with read_file \{"path":"big.md","start_line":\d+\}\]/);
        }
        expect(read(root, 'agents/coder/outbox/000001-001-human.md')).toContain('I read big.md.');
        expect(read(root, 'agents/coder/outbox/000002-001-human.md')).toContain('I read big.md.');
        // Charged what the server reported: the prompt tokens it counted for each call.
        expect(ofType(events, 'credits-charged')).toEqual([
          expect.objectContaining({ agent: 'coder', turn: 1, inputTokens: countedTokens(chats[0]!) + countedTokens(chats[1]!), outputTokens: 40 }),
          expect.objectContaining({ agent: 'coder', turn: 2, inputTokens: countedTokens(chats[2]!) + countedTokens(chats[3]!), outputTokens: 40 }),
        ]);
        // What turn 1 taught sizes turn 2 closer to the window: the estimate errs high by a little, not by four times.
        expect(countedTokens(chats[3]!)).toBeGreaterThan(countedTokens(chats[1]!));
        expect(countedTokens(chats[3]!)).toBeGreaterThan(0.6 * (size.window - size.answer));
      });
    }
  }
});

/** A small vocabulary with byte fallback: far more tokens than the prior's 0.3 a byte (of the messages' text; the tools are not counted). */
const BYTES_A_TOKEN = 1.2;

/** Twelve requests of some 1,100 bytes each: more than an 8,192-token context holds where a token is 1.2 bytes. */
function sendsMuchMail(root: string, turn: number): void {
  for (let index = 1; index <= 12; index += 1) humanSends(root, 'coder', `Request ${turn}.${index}: ${'please look at the figures of the quarter and say what changed. '.repeat(17)}`, `Request ${turn}.${index}`);
}

/** A model that answers every prompt with a word to the human. */
const replies = (): { toolCalls: Array<{ name: string; arguments: Record<string, unknown> }> } => ({ toolCalls: [{ name: 'send_message', arguments: { to: 'human', body: 'Noted.' } }] });

describe('a small vocabulary (a token for 1.2 bytes) that the prior estimate undercounts', () => {
  test("llama.cpp's refusal with sizes: the retry is sized by them, and the ratio and the smaller window it states are learned", async () => {
    // The registry says 8,192; the server was started with 6,144.
    const server = await serve(smallWindowServer({ window: 6144, overLong: 'refuse', bytesPerToken: BYTES_A_TOKEN, answer: replies }));
    const root = smallOrg(server.url, '    context_window: 8192\n');
    sendsMuchMail(root, 1);
    const factory = createProviderFactory({ root });
    const first = await runEngine(root, {}, { providerFactory: factory });
    expect(ofType(first, 'agent-error')).toEqual([]);
    const turn1 = server.requests.filter((request) => request.path === '/v1/chat/completions');
    // Refused once, then asked with the mail the stated sizes leave room for: it fits the server's context beside the answer.
    expect(turn1.map((request) => countedTokens(request, BYTES_A_TOKEN) > 6144)).toEqual([true, false]);
    expect(countedTokens(turn1[1]!, BYTES_A_TOKEN)).toBeLessThanOrEqual(6144 - 1024);
    const refused = countedTokens(turn1[0]!, BYTES_A_TOKEN);
    expect(ofType(first, 'agent-note').map((note) => note.message)).toContainEqual(
      expect.stringMatching(new RegExp(`^the server said the prompt did not fit its context \\(.*request \\(${refused} tokens\\) exceeds the available context size \\(6144 tokens\\).*\\); asked again showing \\d+ of 12 message\\(s\\)`)),
    );
    const learned = learnedFor(root, 'local');
    expect(learned?.window).toBe(6144);
    expect(Math.max(...(learned?.seen ?? []))).toBeGreaterThan(0.45);

    // The next turn is sized by what was learned: asked once, and it fits.
    sendsMuchMail(root, 2);
    const second = await runEngine(root, {}, { providerFactory: factory });
    expect(ofType(second, 'agent-error')).toEqual([]);
    const turn2 = server.requests.filter((request) => request.path === '/v1/chat/completions').slice(turn1.length);
    expect(turn2).toHaveLength(1);
    expect(countedTokens(turn2[0]!, BYTES_A_TOKEN)).toBeLessThanOrEqual(6144 - 1024);
  });

  test('a server that cuts silently is recognised by prompt tokens at the window: the human is told once, and the next prompts are smaller', async () => {
    const server = await serve(smallWindowServer({ window: 8192, overLong: 'truncate', bytesPerToken: BYTES_A_TOKEN, answer: replies }));
    const root = smallOrg(server.url, '    context_window: 8192\n');
    const factory = createProviderFactory({ root });
    const turns = [];
    for (let turn = 1; turn <= 3; turn += 1) {
      sendsMuchMail(root, turn);
      const events = await runEngine(root, {}, { providerFactory: factory });
      expect(ofType(events, 'agent-error')).toEqual([]);
      turns.push(events);
    }
    const chats = server.requests.filter((request) => request.path === '/v1/chat/completions');
    expect(chats).toHaveLength(3);
    // Turn 1 was cut (the prior undercounts a small vocabulary); each cut shrinks the next prompt, until it fits.
    const counted = chats.map((request) => countedTokens(request, BYTES_A_TOKEN));
    expect(counted[0]).toBeGreaterThan(8192);
    expect(counted[1]).toBeLessThan(counted[0]!);
    expect(counted[2]).toBeLessThan(Math.min(counted[1]!, 8192 - 1024));
    expect(ofType(turns[0]!, 'agent-note').map((note) => note.message)).toContainEqual(expect.stringMatching(/^local's server reported 8192 prompt tokens, the whole of its 8192-token window: it cut the prompt silently/));
    const state = JSON.parse(read(root, 'org/state/engine.json')) as { humanNotices: Array<{ subject: string; body: string }> };
    expect(state.humanNotices.filter((notice) => /prompt was cut/.test(notice.subject))).toEqual([
      { id: expect.any(String), turn: 1, subject: "coder's prompt was cut by its model's server", body: expect.stringContaining('set context_window to the server') },
    ]);
    // Charged what the server reported, the cut prompt's included.
    expect(ofType(turns[0]!, 'credits-charged')).toEqual([expect.objectContaining({ inputTokens: 8192 })]);
  });
});

describe("a step's results that the server refuses, stating its sizes", () => {
  test('are cut by what it counted past its room and asked once more; its smaller window is learned', async () => {
    // The registry says 16,384; the server was started with 4,096.
    const server = await serve(smallWindowServer({ window: 4096, overLong: 'refuse', answer: readsThenReplies }));
    const root = smallOrg(server.url, '    context_window: 16384\n');
    humanSends(root, 'coder', 'Read big.md and tell me what is in it.', 'big.md');
    const events = await runEngine(root, {}, { providerFactory: createProviderFactory({ root }) });
    expect(ofType(events, 'agent-error')).toEqual([]);
    const chats = server.requests.filter((request) => request.path === '/v1/chat/completions');
    // Step 1; step 2 refused; step 2 again, its result cut to fit the server's context beside the answer.
    expect(chats.map((request) => countedTokens(request) > 4096)).toEqual([false, true, false]);
    expect(countedTokens(chats[2]!)).toBeLessThanOrEqual(4096 - 1024);
    expect(String(chats[2]?.body.messages.at(-1).content)).toMatch(/\[lemming: cut to fit your context window: \d+ of \d+ characters shown; read on with read_file/);
    expect(read(root, 'agents/coder/outbox/000001-001-human.md')).toContain('I read big.md.');
    expect(ofType(events, 'agent-note').map((note) => note.message)).toContainEqual(
      expect.stringMatching(/^step 2: the server said the prompt did not fit its context \(.*exceeds the available context size \(4096 tokens\).*\); asked again with 1 tool result\(s\) cut/),
    );
    // Charged the two answers, not the refusal.
    expect(ofType(events, 'credits-charged')).toEqual([expect.objectContaining({ inputTokens: countedTokens(chats[0]!) + countedTokens(chats[2]!) })]);
    expect(learnedFor(root, 'local')?.window).toBe(4096);
  });
});

describe('a step whose results do not fit beside the mail even cut', () => {
  test('cuts the older mail (read in step 1) to make room, saying so; the agent replies within its window', async () => {
    const server = await serve(smallWindowServer({ window: 4096, overLong: 'refuse', answer: readsThenReplies }));
    const root = smallOrg(server.url, '    context_window: 4096\n');
    // A long request: the first prompt shows as much of it as fits, leaving no room for what the file says.
    humanSends(root, 'coder', `Read big.md and compare it with this: ${'the figures of the quarter as we have them today. '.repeat(200)}`, 'big.md');
    const events = await runEngine(root, {}, { providerFactory: createProviderFactory({ root }) });
    expect(ofType(events, 'agent-error')).toEqual([]);
    const chats = server.requests.filter((request) => request.path === '/v1/chat/completions');
    expect(chats).toHaveLength(2);
    for (const request of chats) expect(countedTokens(request)).toBeLessThanOrEqual(4096 - 1024);
    const [mail, , results] = (chats[1]?.body.messages as Array<{ content: string }>).slice(1).map((message) => message.content);
    expect(mail).toMatch(/\[lemming: cut to make room for your tool results: \d+ of \d+ characters of the mail you read in step 1 kept\]$/);
    expect(results).toMatch(/\[lemming: cut to fit your context window: \d+ of \d+ characters shown; read on with read_file/);
    expect(read(root, 'agents/coder/outbox/000001-001-human.md')).toContain('I read big.md.');
    expect(ofType(events, 'agent-note').map((note) => note.message)).toContainEqual('step 1: the mail shown in step 1 was cut to make room for the tool results in the context window of local');
  });
});

describe("an agent's own part that alone exceeds the window", () => {
  test('is refused before anything is sent, with the sizes and what to change', async () => {
    const server = await serve(smallWindowServer({ window: 2048, overLong: 'refuse', answer: readsThenReplies }));
    const root = smallOrg(server.url, '    context_window: 2048\n    max_output_tokens: 256\n');
    write(root, 'agents/coder/resume.md', CODER.replace('Ask the planner', `${'Keep to the house style in every file you write. '.repeat(100)}\nAsk the planner`));
    humanSends(root, 'coder', 'Read big.md.', 'big.md');
    const events = await runEngine(root, {}, { providerFactory: createProviderFactory({ root }) });
    expect(server.requests.filter((request) => request.path === '/v1/chat/completions')).toEqual([]);
    expect(ofType(events, 'agent-error').map((error) => error.message)).toEqual([
      expect.stringMatching(
        /^local: the prompt is about \d+ tokens of \d+ bytes by lemming's estimate .*more than the 1792 that org\/org\.yaml models\.local\.context_window: 2048 leaves it beside 256 for the answer \(max_output_tokens\); it was not sent \(with 1 of 1 message\(s\) shown: what is left, the agent's resume, rules and notes \(its system prompt, \d+ bytes\), and its 3 tools' definitions, 2359 bytes, is too long for the window; shorten them, grant fewer tools, or give the agent a model with a larger context_window\)$/,
      ),
    ]);
  });
});
