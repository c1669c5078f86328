import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, test } from 'vitest';
import { requestsCommand } from '../../src/cli/commands/requests.js';
import { formatEvent } from '../../src/cli/format-event.js';
import { createProviderFactory } from '../../src/providers/create-provider.js';
import { charges } from '../helpers/org-snapshot.js';
import { chatCompletion } from '../helpers/vendor-bodies.js';
import { startWireServer, wireServerPerTest, type ReceivedRequest, type WireReply } from '../helpers/wire-server.js';
import { humanSends, ofType, read, runEngine, tempDir, write } from '../helpers/temp-org.js';

/**
 * What a real small model does to a run (issue 53): answers with nothing, a prompt its tokenizer counts
 * far above lemming's estimate, an action block cut at the output cap, tools it invents. Each against a
 * local server that answers the way llama.cpp's `llama-server` does.
 */
const serve = wireServerPerTest();

/** A person and a manager on a local OpenAI-compatible model at `url`. */
function smallModelOrg(url: string, entry = ''): string {
  const root = tempDir('lemming-small-');
  write(
    root,
    'org/org.yaml',
    `name: small
engine: { max_turns: 3, max_failed_turns: 3 }
models:
  local:
    provider: openai-compatible
    model: stories
    base_url: ${url}/v1
    max_retries: 0
    input_price: 100
    output_price: 200
    context_window: 8192
    max_output_tokens: 256
${entry}`,
  );
  write(root, 'org/chart.yaml', 'agents:\n  human: { reports_to: null, send_to: [manager], read_from: ["*"] }\n  manager: { reports_to: human, send_to: [human], read_from: ["*"] }\n');
  write(root, 'agents/human/resume.md', '---\ntitle: The person\nmodel: human\n---\nThe person.\n');
  write(root, 'agents/manager/resume.md', '---\ntitle: Manager\nmodel: local\ncredits: 10\n---\nAnswer the human.\n');
  return root;
}

function run(root: string, turns = 1) {
  return runEngine(root, { maxTurns: turns }, { providerFactory: createProviderFactory({ root }) });
}

function chatRequests(requests: ReceivedRequest[]): ReceivedRequest[] {
  return requests.filter((request) => request.path === '/v1/chat/completions');
}

/** A tokenizer far coarser than lemming's 4 characters a token, as a 512-token vocabulary is: one token per 2 characters. */
const tokens = (text: string): number => Math.ceil(text.length / 2);

/** The prompt llama.cpp's default template makes of a chat request, and what its /tokenize counts of it. */
function templated(body: { messages: Array<{ role: string; content: string }> }): string {
  return body.messages.map((message) => `<|im_start|>${message.role}\n${message.content}<|im_end|>\n`).join('') + '<|im_start|>assistant\n';
}

/** A llama.cpp-like server: /apply-template, /tokenize, and chat completions that report the prompt's tokens by the same tokenizer. */
function llamaServer(answer: (request: ReceivedRequest) => Record<string, unknown>): (request: ReceivedRequest) => WireReply {
  return (request) => {
    if (request.path === '/apply-template') return { body: { prompt: templated(request.body) } };
    if (request.path === '/tokenize') return { body: { tokens: Array.from({ length: tokens(String(request.body.content)) }, (_, index) => index % 512) } };
    if (request.path === '/v1/chat/completions') return { body: answer(request) };
    return { status: 404, body: { error: { code: 404, message: 'File Not Found', type: 'not_found_error' } } };
  };
}

describe('a real small model costs what it should', () => {
  test('an empty reply is a failure: the mail waits, the human hears of it, it is charged, and `lemming requests` counts it', async () => {
    const server = await serve(() => ({ body: chatCompletion({ content: '', usage: { prompt_tokens: 1000, completion_tokens: 100 } }) }));
    const root = smallModelOrg(server.url);
    humanSends(root, 'manager', 'Plan the release', 'Release');
    const events = await run(root);

    // Charged where it was paid: 1000 × 100 + 100 × 200 per million.
    const charged = ofType(events, 'credits-charged');
    expect(charged).toEqual([expect.objectContaining({ agent: 'manager', credits: 0.12 })]);
    expect(read(root, 'org/state/ledger.jsonl')).toMatch(/"agent":"manager".*"credits":0\.12/);
    // A failure of the turn, said: not "read 0 action(s)".
    expect(ofType(events, 'agent-error')).toEqual([expect.objectContaining({ agent: 'manager', message: expect.stringMatching(/answered nothing/) })]);
    expect(ofType(events, 'turn-finished')[0]?.stats.errors).toBe(1);
    // The human's mail was not read: it waits for the next turn.
    const log = read(root, 'agents/manager/logs/activity.jsonl');
    expect(log).not.toMatch(/"event":"read"/);
    // The human hears of it, at once.
    const state = JSON.parse(read(root, 'org/state/engine.json')) as { humanNotices: Array<{ subject: string; body: string }> };
    expect(state.humanNotices.map((notice) => notice.subject)).toContainEqual(expect.stringMatching(/manager's model local answered nothing/));
    // `lemming requests` shows what the request has cost so far.
    const lines: string[] = [];
    requestsCommand(root, { json: true }, { out: (line) => lines.push(line), err: () => undefined });
    const listed = JSON.parse(lines.join('\n')) as { requests: Array<{ credits: number }> };
    expect(listed.requests[0]?.credits).toBe(0.12);
  });

  test('with context_window declared, the prompt sent never exceeds it by the server\'s own tokenizer (/tokenize)', async () => {
    const server = await serve(llamaServer(() => chatCompletion({ content: 'Once upon a time', usage: { prompt_tokens: 500, completion_tokens: 5 } })));
    const root = smallModelOrg(server.url);
    write(root, 'org/org.yaml', read(root, 'org/org.yaml').replace('context_window: 8192', 'context_window: 3072'));
    // Mail that by lemming's estimate (4 characters a token) fits, and by the server's tokenizer does not.
    for (let index = 1; index <= 6; index += 1) humanSends(root, 'manager', `Request ${index}: ${'please look at the figures of the quarter and say what changed. '.repeat(12)}`, `Request ${index}`);
    const events = await run(root);
    const sent = chatRequests(server.requests);
    expect(sent.length).toBeGreaterThan(0);
    // Room for the prompt: the window less the answer's (max_output_tokens: 256).
    for (const request of sent) expect(tokens(templated(request.body))).toBeLessThanOrEqual(3072 - 256);
    // Counted by the server's tokenizer (lemming's estimate alone errs high, and the prompt came near the room); what did not fit waits, and the prompt says so.
    expect(server.requests.map((request) => request.path)).toContain('/tokenize');
    expect(String(sent.at(-1)?.body.messages.at(-1).content)).toMatch(/more message\(s\) are waiting and will be shown in a later turn/);
    expect(ofType(events, 'agent-error')).toEqual([]);
  });

  test('when even the prompt without mail does not fit, the call fails naming what is too long, not blaming context_window', async () => {
    const server = await serve(llamaServer(() => chatCompletion({ content: 'Once upon a time', usage: { prompt_tokens: 500, completion_tokens: 5 } })));
    const root = smallModelOrg(server.url);
    write(root, 'org/org.yaml', read(root, 'org/org.yaml').replace('context_window: 8192', 'context_window: 2048'));
    write(root, 'agents/manager/resume.md', `---\ntitle: Manager\nmodel: local\ncredits: 10\n---\n${'Answer the human with care and in full sentences. '.repeat(60)}\n`);
    humanSends(root, 'manager', 'Plan the release', 'Release');
    const events = await run(root);
    expect(chatRequests(server.requests)).toEqual([]);
    const error = ofType(events, 'agent-error')[0]?.message ?? '';
    expect(error).toMatch(/org\/org\.yaml models\.local\.context_window: 2048/);
    expect(error).toMatch(/counted by the server's tokenizer/);
    expect(error).not.toMatch(/may be larger than the server's/);
  });

  test("a server without /tokenize: the prompt is held to the window by lemming's estimate (before any usage, the prior of 0.3 tokens a byte with 25% to spare)", async () => {
    const server = await serve((request) =>
      request.path === '/v1/chat/completions' ? { body: chatCompletion({ content: 'Once upon a time', usage: { prompt_tokens: 500, completion_tokens: 5 } }) } : { status: 404, body: 'Not Found' },
    );
    const root = smallModelOrg(server.url);
    write(root, 'org/org.yaml', read(root, 'org/org.yaml').replace('context_window: 8192', 'context_window: 4096'));
    for (let index = 1; index <= 6; index += 1) humanSends(root, 'manager', `Request ${index}: ${'please look at the figures of the quarter and say what changed. '.repeat(12)}`, `Request ${index}`);
    await run(root);
    const sent = chatRequests(server.requests);
    expect(sent.length).toBeGreaterThan(0);
    const bytes = (request: ReceivedRequest): number => (request.body.messages as Array<{ content: string }>).reduce((sum, message) => sum + Buffer.byteLength(message.content), 0);
    for (const request of sent) expect(bytes(request) * 0.375).toBeLessThanOrEqual(4096 - 256);
    // Not by a token a byte: that would leave this prompt no mail at all.
    expect(sent.some((request) => bytes(request) > 4096 - 256)).toBe(true);
  });

  test('an action block cut at the output cap is said as not read: the log does not count it among the actions read', async () => {
    const cut = '=== send_message\nto: human\nsubject: Plan\nbody:\nOnce upon a time there was a plan that';
    const server = await serve(() => ({ body: chatCompletion({ content: cut, finishReason: 'length', usage: { prompt_tokens: 900, completion_tokens: 256 } }) }));
    const root = smallModelOrg(server.url, '    tool_calling: false\n');
    humanSends(root, 'manager', 'Plan the release', 'Release');
    const events = await run(root);
    const notes = ofType(events, 'agent-note').map((note) => note.message);
    expect(notes.join('\n')).not.toMatch(/read 1 action\(s\)/);
    expect(notes).toContainEqual(expect.stringMatching(/read 0 action\(s\) from the reply; 1 more was cut short by the output cap and not read/));
    expect(notes).toContainEqual(expect.stringMatching(/the send_message call it cut short was not carried out/));
    expect(ofType(events, 'message-delivered').filter((event) => event.message.from !== 'human')).toEqual([]);
  });

  test('arguments nested a million lists deep are a malformed call, not a crash: the answer is charged, the turn counts it, the next turn runs', async () => {
    const deep = `{"to": "human", "body": "hi", "x": ${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}}`;
    const server = await serve((_request, index) =>
      index === 0
        ? { body: chatCompletion({ toolCalls: [{ name: 'send_message', arguments: deep }, { name: 'send_message', arguments: { to: 'human', body: 'The plan is ready.' } }], usage: { prompt_tokens: 900, completion_tokens: 80 } }) }
        : { body: chatCompletion({ toolCalls: [{ name: 'send_message', arguments: { to: 'human', body: 'And the next.' } }], usage: { prompt_tokens: 900, completion_tokens: 80 } }) },
    );
    const root = smallModelOrg(server.url);
    // A secret the org knows: every answer is then cut of it (secrets.ts cutIn) before the usage gate sees it. It failed in
    // whole suites only, where an earlier test file had left a secret known in the shared worker: the cut walked the million
    // levels and overflowed the call stack ("Maximum call stack size exceeded"), the answer lost and nothing counted.
    write(root, '.env', 'LOCAL_MODEL_KEY=sk-local-0123456789abcdef\n');
    humanSends(root, 'manager', 'Plan the release', 'Release');
    const events = await run(root);
    // What the turn said beside its figures, so a failure shows why.
    const said = JSON.stringify(events.filter((event) => event.type === 'agent-error' || event.type === 'agent-note' || event.type === 'agent-skipped')).slice(0, 2000);
    expect(ofType(events, 'turn-finished')[0]?.stats, said).toMatchObject({ delivered: 1, invalidCalls: 1 });
    expect(ofType(events, 'agent-note').map((event) => event.message)).toContain('invalid tool call: send_message: the arguments are not valid JSON (they nest lists and maps more than 64 levels deep; lemming reads no deeper)');
    // 900 tokens at 100 and 80 at 200 a million.
    expect(charges(root)).toEqual(['1:manager:0.106']);
    humanSends(root, 'manager', 'And the next?', 'Next');
    const next = await run(root);
    expect(ofType(next, 'turn-finished')[0]?.stats).toMatchObject({ delivered: 1, invalidCalls: 0 });
  });

  test("a turn's summary counts unknown tools and malformed calls", async () => {
    const server = await serve(() => ({
      body: chatCompletion({
        toolCalls: [
          { name: 'write_story', arguments: { text: 'Once upon a time' } },
          { name: 'send_message', arguments: '{"to": "human", "body": "unfinished' },
          { name: 'send_message', arguments: { to: 'human', body: 'The plan is ready.' } },
        ],
        usage: { prompt_tokens: 900, completion_tokens: 80 },
      }),
    }));
    const root = smallModelOrg(server.url);
    humanSends(root, 'manager', 'Plan the release', 'Release');
    const events = await run(root);
    const finished = ofType(events, 'turn-finished')[0];
    expect(finished?.stats).toMatchObject({ delivered: 1, invalidCalls: 2 });
    expect(formatEvent(finished!)).toMatch(/1 delivered \(\+1 from the human\), 0 refused, 2 tool call\(s\) not carried out, 0 error\(s\)/);
  });
});

describe('a tokenizer that redirects', () => {
  test('is not followed: the prompt goes to no other host, and the call goes on by the bound', async () => {
    const elsewhere = await startWireServer(llamaServer(() => chatCompletion({ content: 'from elsewhere' })));
    try {
      const server = await serve((request) =>
        request.path === '/v1/chat/completions'
          ? { body: chatCompletion({ content: 'The plan is ready.', usage: { prompt_tokens: 500, completion_tokens: 5 } }) }
          : { status: 307, headers: { location: `${elsewhere.url}${request.path}` } },
      );
      const root = smallModelOrg(server.url);
      write(root, 'org/org.yaml', read(root, 'org/org.yaml').replace('context_window: 8192', 'context_window: 3072'));
      for (let index = 1; index <= 6; index += 1) humanSends(root, 'manager', `Request ${index}: ${'please look at the figures of the quarter and say what changed. '.repeat(12)}`, `Request ${index}`);
      const events = await run(root);
      expect(server.requests.map((request) => request.path)).toContain('/apply-template');
      expect(elsewhere.requests).toEqual([]);
      expect(chatRequests(server.requests).length).toBeGreaterThan(0);
      expect(ofType(events, 'agent-error')).toEqual([]);
    } finally {
      await elsewhere.close();
    }
  });
});

describe("a tokenizer's answer is read within a cap", () => {
  /** What the hostile /tokenize would send whole: far past any prompt's tokens (64 MiB of `0,`). */
  const ENDLESS_BYTES = 64 * 1024 * 1024;

  test('a /tokenize that streams an endless list of tokens is cut off near the cap, and the call goes on by the bound', async () => {
    let written = 0;
    let hungUp = false;
    const chats: Array<Record<string, any>> = [];
    const asked: string[] = [];
    const server = createServer((incoming, outgoing) => {
      if (incoming.url !== '/v1/chat/completions') asked.push(incoming.url ?? '');
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, any>;
        if (incoming.url === '/apply-template') {
          outgoing.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ prompt: templated(body as never) }));
        } else if (incoming.url === '/tokenize') {
          outgoing.writeHead(200, { 'content-type': 'application/json' });
          outgoing.on('close', () => (hungUp = !outgoing.writableFinished));
          const piece = Buffer.from('0,'.repeat(512 * 1024));
          outgoing.write('{"tokens":[');
          // As fast as lemming reads it: each write waits for the last to drain, so what is written is what was taken.
          const more = (): void => {
            while (written < ENDLESS_BYTES && !outgoing.destroyed) {
              written += piece.length;
              if (!outgoing.write(piece)) return void outgoing.once('drain', more);
            }
            if (!outgoing.destroyed) outgoing.end('0]}');
          };
          more();
        } else {
          chats.push(body);
          outgoing.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(chatCompletion({ content: 'The plan is ready.', usage: { prompt_tokens: 500, completion_tokens: 5 } })));
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const root = smallModelOrg(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
      // A prompt near its window, so lemming asks the server to count it (as the test above).
      write(root, 'org/org.yaml', read(root, 'org/org.yaml').replace('context_window: 8192', 'context_window: 3072'));
      for (let index = 1; index <= 6; index += 1) humanSends(root, 'manager', `Request ${index}: ${'please look at the figures of the quarter and say what changed. '.repeat(12)}`, `Request ${index}`);
      const events = await run(root);
      expect(asked).toEqual(['/apply-template', '/tokenize']);
      // lemming stopped reading near its cap (the sockets' buffers hold a few MiB more): not the 64 MiB sent whole.
      expect(hungUp).toBe(true);
      expect(written).toBeLessThan(ENDLESS_BYTES / 4);
      // The call went on, held by the bound that needs no tokenizer, and the agent answered.
      expect(chats.length).toBeGreaterThan(0);
      expect(ofType(events, 'agent-error')).toEqual([]);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
