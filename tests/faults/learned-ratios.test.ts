import { describe, expect, test } from 'vitest';
import { lemmingAsync } from '../helpers/cli.js';
import { read, write } from '../helpers/org-files.js';
import { localCoderOrg } from '../helpers/local-coder-org.js';
import { countedTokens } from '../helpers/small-window-server.js';
import { chatCompletion } from '../helpers/vendor-bodies.js';
import { wireServerPerTest, type ReceivedRequest, type WireReply } from '../helpers/wire-server.js';

/**
 * What lemming learns of a local server's prompts (org/state/token-ratios.json), attacked through
 * `lemming run` (issue 72, item 3): one answer, one refusal or one planted file must not decide how
 * every later prompt is sized. The server counts a token per 4 bytes of its messages' text and offers
 * no tokenizer, as Ollama does; the registry says 8,192 tokens of context, as the server holds.
 */
const serve = wireServerPerTest();

const CODER = `---
title: Software engineer
model: local
credits: 100
tools: [send_message, read_file]
---
You write and test code for the tasks you are given, and report back to the human.
`;

/** The coder on the local server (8,192 tokens of context, as the server holds), with 60 KB of numbered lines in big.md. */
function localOrg(url: string): string {
  return localCoderOrg(url, { entry: '    context_window: 8192\n', resume: CODER, bigFile: { lines: 1200, bytes: 60_000 } });
}

function chats(requests: readonly ReceivedRequest[]): ReceivedRequest[] {
  return requests.filter((request) => request.path === '/v1/chat/completions');
}

/** Reads big.md when asked to read, then tells the human; any other mail gets a word to the human. */
function coderAnswer(request: ReceivedRequest): { toolCalls: Array<{ name: string; arguments: Record<string, unknown> }> } {
  const messages = request.body.messages as Array<{ role: string; content: unknown }>;
  const asked = messages.some((message) => message.role === 'user' && /Read big\.md/.test(String(message.content)));
  const read = messages.some((message) => message.role === 'assistant');
  return { toolCalls: [asked && !read ? { name: 'read_file', arguments: { path: 'big.md' } } : { name: 'send_message', arguments: { to: 'human', body: 'Done.' } }] };
}

/** An honest answer: the prompt tokens it counted (a token per 4 bytes), 20 for the answer. */
function honest(request: ReceivedRequest): WireReply {
  return { body: chatCompletion({ ...coderAnswer(request), usage: { prompt_tokens: countedTokens(request), completion_tokens: 20 } }) };
}

/** The characters of big.md a request's last tool result showed: all 60,000, or what its cut note says. */
function shownOfFile(request: ReceivedRequest | undefined): number {
  const content = String((request?.body.messages as Array<{ content: unknown }> | undefined)?.at(-1)?.content ?? '');
  const cut = /\[lemming: cut to fit your context window: (\d+) of (\d+) characters shown/.exec(content);
  return cut ? Number(cut[1]) : content.includes('line 1200') ? 60_000 : 0;
}

async function send(root: string, text: string): Promise<void> {
  const sent = await lemmingAsync(root, ['send', 'coder', text]);
  expect(sent.stderr).toBe('');
}

describe('a window one refusal stated', () => {
  test('a refusal stating a 256-token context, then normal answers: the agent is called in every later turn and nothing holds it', async () => {
    // The first request is refused stating a context of 256 tokens; from then on the server answers every prompt.
    const server = await serve((request) => {
      if (request.path !== '/v1/chat/completions') return { status: 404, body: 'Not Found' };
      if (chats(server.requests).length === 1) {
        const tokens = countedTokens(request);
        return { status: 400, body: { error: { code: 400, message: `request (${tokens} tokens) exceeds the available context size (256 tokens), try increasing it`, type: 'exceed_context_size_error' } } };
      }
      return honest(request);
    });
    const root = localOrg(server.url);
    const perTurn: number[] = [];
    for (let turn = 1; turn <= 3; turn += 1) {
      await send(root, `Task ${turn}: say what you think of the plan.`);
      const before = chats(server.requests).length;
      const run = await lemmingAsync(root, ['run']);
      expect(run.status).toBe(0);
      perTurn.push(chats(server.requests).length - before);
      if (turn === 1) expect(run.stdout).toContain("local's server stated a context of 256 tokens, less than the 1024 lemming believes a server holds: not kept");
      if (turn > 1) expect(run.stdout).not.toMatch(/coder error|coder held|, [1-9]\d* error/);
    }
    // Turn 1: refused, then asked again by the stated sizes; turns 2 and 3: asked, answered.
    expect(perTurn).toEqual([2, 1, 1]);
    for (const turn of [2, 3]) expect(read(root, `agents/coder/outbox/00000${turn}-001-human.md`)).toContain('Done.');
    expect(read(root, 'org/state/token-ratios.json')).not.toMatch(/"window":256\b/);
  });
});

describe('an answer claiming the whole window as its prompt tokens', () => {
  test('teaches nothing: the next turn reads a 60 KB file as an org that never had that answer does', async () => {
    // Attacked: the first answer says its prompt took the whole 8,192-token window.
    const attacked = await serve((request) => {
      if (request.path !== '/v1/chat/completions') return { status: 404, body: 'Not Found' };
      if (chats(attacked.requests).length === 1) return { body: chatCompletion({ ...coderAnswer(request), usage: { prompt_tokens: 8192, completion_tokens: 20 } }) };
      return honest(request);
    });
    const root = localOrg(attacked.url);
    await send(root, 'Hello: say hello back.');
    const claimed = await lemmingAsync(root, ['run']);
    expect(claimed.status).toBe(0);
    expect(claimed.stdout).toMatch(/local's server reported 8192 prompt tokens for a prompt of \d+ bytes \(at most \d+ by any tokenizer, at least \d+\): not a count lemming learns from/);
    await send(root, 'Read big.md and tell me what is in it.');
    expect((await lemmingAsync(root, ['run'])).status).toBe(0);
    const attackedShown = shownOfFile(chats(attacked.requests)[2]);
    await attacked.close();

    // Fresh: the same org asked to read the file at once.
    const fresh = await serve((request) => (request.path === '/v1/chat/completions' ? honest(request) : { status: 404, body: 'Not Found' }));
    const freshRoot = localOrg(fresh.url);
    await send(freshRoot, 'Read big.md and tell me what is in it.');
    expect((await lemmingAsync(freshRoot, ['run'])).status).toBe(0);
    const freshShown = shownOfFile(chats(fresh.requests)[1]);

    expect(freshShown).toBeGreaterThan(10_000);
    // The same sizing, give or take the few characters the turn's number and the earlier mail change.
    expect(Math.abs(attackedShown - freshShown)).toBeLessThan(0.02 * freshShown);
    expect(read(root, 'agents/coder/outbox/000002-001-human.md')).toContain('Done.');
  });
});

/** Learned values a person (or a broken disk) planted, in the format before endpoints were kept and in today's. */
const PLANTED = [
  {
    name: 'version 1, keyed by the model: window: 0, a ratio "big", tokens: "many"',
    file: () => ({ version: 1, turn: 0, models: { local: { characters: 4000, tokens: 'many', estimated: 1000, highest: 'big', reports: 5, window: 0 } } }),
    field: 'version',
  },
  {
    name: 'version 1, keyed by the model: a ratio "big", tokens: "many"',
    file: () => ({ version: 1, turn: 0, models: { local: { characters: 4000, tokens: 'many', estimated: 1000, highest: 'big', reports: 5 } } }),
    field: 'version',
  },
  {
    name: 'version 2, keyed by the endpoint: window: 0, a ratio "big", tokens: "many"',
    file: (url: string) => ({ version: 2, turn: 0, endpoints: { [`openai-compatible ${url}/v1 small`]: { characters: 4000, tokens: 'many', estimated: 1000, seen: ['big'], reports: 5, window: 0 } } }),
    field: 'window',
  },
  {
    name: 'version 2, keyed by the endpoint: a ratio "big", tokens: "many"',
    file: (url: string) => ({ version: 2, turn: 0, endpoints: { [`openai-compatible ${url}/v1 small`]: { characters: 4000, tokens: 'many', estimated: 1000, seen: ['big'], reports: 5 } } }),
    field: 'seen',
  },
];

describe('a planted org/state/token-ratios.json', () => {
  for (const planted of PLANTED) {
    test(`${planted.name}: said once with the file and the field, ignored, and validate warns`, async () => {
      const server = await serve((request) => (request.path === '/v1/chat/completions' ? honest(request) : { status: 404, body: 'Not Found' }));
      const root = localOrg(server.url);
      write(root, 'org/state/token-ratios.json', `${JSON.stringify(planted.file(server.url))}\n`);

      const validate = await lemmingAsync(root, ['validate']);
      expect(validate.status).toBe(0);
      expect(validate.stdout).toMatch(new RegExp(`^warning: org/state/token-ratios\\.json: .*${planted.field}.*`, 'm'));

      await send(root, 'Read big.md and tell me what is in it.');
      const first = await lemmingAsync(root, ['run']);
      expect(first.status).toBe(0);
      // Called, and the file read as an org with no such file reads it.
      expect(chats(server.requests)).toHaveLength(2);
      expect(shownOfFile(chats(server.requests)[1])).toBeGreaterThan(10_000);
      expect(read(root, 'agents/coder/outbox/000001-001-human.md')).toContain('Done.');
      const warned = `${first.stdout}${first.stderr}`.split('\n').filter((line) => line.includes('org/state/token-ratios.json'));
      expect(warned).toEqual([expect.stringMatching(new RegExp(`${planted.field}.*ignored`))]);

      // Said once: the file now holds what was learned, and the next run and validate are quiet about it.
      await send(root, 'Read big.md again.');
      const second = await lemmingAsync(root, ['run']);
      expect(`${second.stdout}${second.stderr}`).not.toContain('token-ratios.json');
      expect((await lemmingAsync(root, ['validate'])).stdout).not.toContain('token-ratios.json');
    });
  }
});

/** A record lemming would have learned of the test's server: within every bound, so `validate` is quiet about it. */
function learnedFile(url: string, counts: Record<string, unknown>): string {
  return `${JSON.stringify({ version: 2, turn: 0, endpoints: { [`openai-compatible ${url}/v1 small`]: { characters: 0, tokens: 0, estimated: 0, ...counts } } })}\n`;
}

describe('what a learned value holds back', () => {
  test('a call a learned ratio stops names the ratio, the file and how to forget it; forgotten as told, the call is made', async () => {
    const server = await serve((request) => (request.path === '/v1/chat/completions' ? honest(request) : { status: 404, body: 'Not Found' }));
    const root = localOrg(server.url);
    // Some 9 KB of resume: about 3,400 tokens by the prior, about 9,000 at the learned 0.9 tokens a byte.
    write(root, 'agents/coder/resume.md', `${CODER}\n${'Keep to the house style in every file you write. '.repeat(170)}\n`);
    write(root, 'org/state/token-ratios.json', learnedFile(server.url, { seen: [0.9, 0.9, 0.9], reports: 3 }));
    expect((await lemmingAsync(root, ['validate'])).stdout).not.toContain('token-ratios.json');
    await send(root, 'Task 1: say what you think of the plan.');
    const held = await lemmingAsync(root, ['run']);
    expect(chats(server.requests)).toEqual([]);
    expect(held.stdout).toMatch(
      /coder error: local: the prompt is about \d+ tokens of \d+ bytes by lemming's estimate \(the server offers no \/tokenize to count with; 0\.9 tokens a byte, the second highest of the last 3 call\(s\) its server counted, with 10% to spare; learned and kept in org\/state\/token-ratios\.json endpoints\["openai-compatible http:\/\/127\.0\.0\.1:\d+\/v1 small"\]\.seen: remove that record, or the file, to forget it\), more than the 7168 that org\/org\.yaml models\.local\.context_window: 8192 leaves it/,
    );
    write(root, 'org/state/token-ratios.json', learnedFile(server.url, {}));
    const called = await lemmingAsync(root, ['run']);
    expect(called.stdout).not.toMatch(/coder error/);
    expect(chats(server.requests)).toHaveLength(1);
  });

  test("tool results a stated context leaves no room for name it, the file and how to forget it", async () => {
    const server = await serve((request) => (request.path === '/v1/chat/completions' ? honest(request) : { status: 404, body: 'Not Found' }));
    const root = localOrg(server.url);
    write(root, 'org/state/token-ratios.json', learnedFile(server.url, { window: 2048, windowTurn: 1 }));
    await send(root, 'Read big.md and tell me what is in it.');
    const run = await lemmingAsync(root, ['run']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(
      /stopped after step 1: the results of its tools do not fit what the context window of local has left, even cut \(the window is the 2048-token context local's server stated in turn 1 \(org\/org\.yaml models\.local\.context_window says 8192\), learned and kept in org\/state\/token-ratios\.json endpoints\["openai-compatible http:\/\/127\.0\.0\.1:\d+\/v1 small"\]\.window: remove that record, or the file, to forget it\)/,
    );
  });
});
