import { describe, expect, test } from 'vitest';
import type { ClientSettings } from '../../src/providers/client-settings.js';
import { ANSWER_MAX_BYTES } from '../../src/providers/provider-error.js';
import { createOpenAIClient, openAIProvider } from '../../src/providers/openai/openai-provider.js';
import { ProviderError } from '../../src/providers/provider-error.js';
import type { ModelEntry } from '../../src/org/schema.js';
import { engineRequest, modelEntry, providerFromFactory } from '../helpers/provider-requests.js';
import { chatCompletion, errorBody } from '../helpers/vendor-bodies.js';
import { startWireServer, wireServerPerTest } from '../helpers/wire-server.js';

const KEY = 'sk-test-0123456789abcdef';
const serve = wireServerPerTest();

/** The provider `lemming run` builds for an entry: adapter, rate limits and retries, with instant sleeps. */
function providerFor(entry: ModelEntry, env: Record<string, string> = { OPENAI_API_KEY: KEY }) {
  return providerFromFactory('main', entry, env);
}

describe('openai adapter (the real SDK against a local server that speaks the Chat Completions API)', () => {
  test('sends the prompt and tools in the Chat Completions format and maps tool calls and usage back', async () => {
    const wire = await serve(() => ({
      body: chatCompletion({
        toolCalls: [
          { name: 'send_message', arguments: { to: 'planner', body: 'Split it into tasks', subject: 'Tasks' } },
          { name: 'remember', arguments: '{"key": "plan", "text": "asked planner"}' },
        ],
        usage: { prompt_tokens: 812, completion_tokens: 144 },
      }),
    }));
    const { provider } = providerFor(modelEntry({ provider: 'openai', base_url: `${wire.url}/v1`, max_output_tokens: 300 }));
    const response = await provider.generate(engineRequest({ maxOutputTokens: 300 }));

    expect(response.toolCalls).toEqual([
      { id: 'call_1', name: 'send_message', arguments: { to: 'planner', body: 'Split it into tasks', subject: 'Tasks' } },
      { id: 'call_2', name: 'remember', arguments: { key: 'plan', text: 'asked planner' } },
    ]);
    expect(response.usage).toEqual({ inputTokens: 812, outputTokens: 144, estimated: false });
    expect(response.modelKey).toBe('main');

    const sent = wire.requests[0];
    expect(sent?.path).toBe('/v1/chat/completions');
    expect(sent?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(sent?.body.model).toBe('test-model');
    expect(sent?.body.messages[0]).toEqual({ role: 'system', content: engineRequest().system });
    expect(sent?.body.messages[1].role).toBe('user');
    expect(sent?.body.tools.map((tool: any) => tool.function.name)).toEqual(['send_message', 'remember']);
    expect(sent?.body.tools[0].function.parameters.required).toEqual(['to', 'body']);
    expect(sent?.body.max_completion_tokens).toBe(300);
    expect(sent?.body.max_tokens).toBeUndefined();
  });

  test('an entry\'s seed (an experiment\'s repeat) is sent as OpenAI\'s seed; an entry without one sends none', async () => {
    const wire = await serve(() => ({ body: chatCompletion({ content: 'ok' }) }));
    await providerFor(modelEntry({ provider: 'openai', base_url: `${wire.url}/v1`, seed: 8 })).provider.generate(engineRequest());
    await providerFor(modelEntry({ provider: 'openai', base_url: `${wire.url}/v1` })).provider.generate(engineRequest());
    expect(wire.requests[0]?.body.seed).toBe(8);
    expect(wire.requests[1]?.body).not.toHaveProperty('seed');
  });

  test('cached prompt tokens are reported apart, as part of the input; a cache that read nothing adds no field', async () => {
    const wire = await serve((_request, index) => ({
      body: chatCompletion({
        content: 'ok',
        usage: { prompt_tokens: 2000, completion_tokens: 100, prompt_tokens_details: { cached_tokens: index === 0 ? 1536 : 0, audio_tokens: 0 } },
      }),
    }));
    const { provider } = providerFor(modelEntry({ provider: 'openai', base_url: `${wire.url}/v1` }));
    // OpenAI's prompt_tokens already counts the cached tokens: the input stays 2000, of which 1536 came from the cache.
    expect((await provider.generate(engineRequest())).usage).toEqual({ inputTokens: 2000, cachedInputTokens: 1536, outputTokens: 100, estimated: false });
    expect((await provider.generate(engineRequest())).usage).toEqual({ inputTokens: 2000, outputTokens: 100, estimated: false });
  });

  test('openai-compatible sends max_tokens, needs no key, and a call with bad JSON arguments is reported, not dropped', async () => {
    const wire = await serve(() => ({ body: chatCompletion({ toolCalls: [{ name: 'send_message', arguments: '{"to": "planner", body' }] }) }));
    const { provider } = providerFor(modelEntry({ provider: 'openai-compatible', base_url: `${wire.url}/v1`, max_output_tokens: 64 }), {});
    const response = await provider.generate(engineRequest({ maxOutputTokens: 64 }));
    expect(wire.requests[0]?.body.max_tokens).toBe(64);
    expect(wire.requests[0]?.body.max_completion_tokens).toBeUndefined();
    expect(wire.requests[0]?.headers.authorization).toBe('Bearer no-key');
    expect(response.toolCalls[0]?.argumentsError).toBeTruthy();
    expect(response.toolCalls[0]?.arguments).toBe('{"to": "planner", body');
  });

  test('a server that reports no usage is charged by the documented estimate, marked estimated', async () => {
    const wire = await serve(() => ({ body: chatCompletion({ content: 'Nothing to do.', usage: null }) }));
    const { provider } = providerFor(modelEntry({ provider: 'openai-compatible', base_url: `${wire.url}/v1` }), {});
    const response = await provider.generate(engineRequest());
    expect(response.usage.estimated).toBe(true);
    expect(response.usage.inputTokens).toBeGreaterThan(20);
    expect(response.usage.outputTokens).toBe(Math.ceil('Nothing to do.'.length / 4));
  });

  test('a 429 with Retry-After is waited out for exactly that long, then the answer is used', async () => {
    const wire = await serve((_request, index) =>
      index === 0
        ? { status: 429, headers: { 'retry-after': '7' }, body: errorBody('Rate limit reached', 'rate_limit_error') }
        : { body: chatCompletion({ content: 'ok' }) },
    );
    const { provider, waits } = providerFor(modelEntry({ provider: 'openai', base_url: `${wire.url}/v1` }));
    const response = await provider.generate(engineRequest());
    expect(waits).toEqual([7000]);
    expect(wire.requests).toHaveLength(2);
    expect(response.text).toBe('ok');
    expect(response.notes?.join('\n')).toMatch(/answered on attempt 2 of 4, after: main: the server answered 429 Too Many Requests: Rate limit reached/);
  });

  test('a 500 then success: one backoff wait, then the answer', async () => {
    const wire = await serve((_request, index) => (index === 0 ? { status: 500, body: errorBody('boom') } : { body: chatCompletion({ content: 'fine' }) }));
    const { provider, waits } = providerFor(modelEntry({ provider: 'openai', base_url: `${wire.url}/v1` }));
    const response = await provider.generate(engineRequest());
    expect(response.text).toBe('fine');
    expect(waits).toHaveLength(1);
    // First retry: between half and all of the 1 s base delay (equal jitter).
    expect(waits[0]).toBeGreaterThanOrEqual(500);
    expect(waits[0]).toBeLessThanOrEqual(1000);
  });

  test('a server that keeps failing is tried a bounded number of times, then the error says so', async () => {
    const wire = await serve(() => ({ status: 503, body: errorBody('overloaded') }));
    const { provider, waits } = providerFor(modelEntry({ provider: 'openai', base_url: `${wire.url}/v1`, max_retries: 2 }));
    const error = await provider.generate(engineRequest()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).message).toMatch(/503 Service Unavailable: overloaded \(gave up after 3 attempts\)/);
    expect(wire.requests).toHaveLength(3);
    expect(waits).toHaveLength(2);
  });

  test('a server that does not answer in timeout_ms is a retryable timeout', async () => {
    const wire = await serve(() => ({ hang: true }));
    // A second long enough for the second request to reach the server (it shares this loaded process's
    // event loop: at 150 ms, under a loaded suite, the client gave up before the server had read it).
    const { provider } = providerFor(modelEntry({ provider: 'openai', base_url: `${wire.url}/v1`, timeout_ms: 1000, max_retries: 1 }));
    const started = Date.now();
    const error = (await provider.generate(engineRequest()).catch((caught: unknown) => caught)) as ProviderError;
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/main: no answer within 1000 ms \(org.yaml models.main.timeout_ms\) \(gave up after 2 attempts\)/);
    expect(wire.requests).toHaveLength(2);
    // The server never answers: without the timeout the call would wait for ever (the SDK's own is 10 minutes).
    expect(Date.now() - started).toBeLessThan(60_000);
  });

  test('a call the run stops is a stop, not a provider error, and is not tried again', async () => {
    const wire = await serve(() => ({ hang: true }));
    const { provider, waits } = providerFor(modelEntry({ provider: 'openai', base_url: `${wire.url}/v1`, max_retries: 3 }));
    const stop = new AbortController();
    const call = provider.generate(engineRequest({ signal: stop.signal })).catch((caught: unknown) => caught);
    while (wire.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    stop.abort(new Error('the person pressed q'));
    const error = (await call) as Error;
    expect(error).not.toBeInstanceOf(ProviderError);
    expect(error.name).toBe('AbortError');
    expect(wire.requests).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  test('a server that cannot be reached is a retryable connection error that says why', async () => {
    const closed = await startWireServer(() => ({}));
    await closed.close();
    const { provider, waits } = providerFor(modelEntry({ provider: 'openai-compatible', base_url: `${closed.url}/v1`, max_retries: 1 }), {});
    const error = (await provider.generate(engineRequest()).catch((caught: unknown) => caught)) as ProviderError;
    expect(error.retryable).toBe(true);
    expect(error.message).toBe(`main: could not reach ${closed.url}/v1: connect ECONNREFUSED ${closed.url.replace('http://', '')} (gave up after 2 attempts)`);
    expect(waits).toHaveLength(1);
  });

  test('a malformed body is an error that says what came back, and is not retried', async () => {
    const wire = await serve((_request, index) => (index === 0 ? { body: '{"choices": [' } : { body: '<html>gateway</html>', headers: { 'content-type': 'text/html' } }));
    const { provider } = providerFor(modelEntry({ provider: 'openai', base_url: `${wire.url}/v1` }));
    const broken = (await provider.generate(engineRequest()).catch((caught: unknown) => caught)) as ProviderError;
    expect(broken.retryable).toBe(false);
    expect(broken.message).toMatch(/not valid JSON/);
    const html = (await provider.generate(engineRequest()).catch((caught: unknown) => caught)) as ProviderError;
    expect(html.message).toMatch(/not a chat completion: it sent text \("<html>gateway<\/html>"\)/);
    expect(wire.requests).toHaveLength(2);
  });

  test('an answer past 16 MiB is not read further: one clear error, and not retried', async () => {
    const huge = chatCompletion({ content: 'x'.repeat(ANSWER_MAX_BYTES + 1024) });
    const wire = await serve(() => ({ body: huge }));
    const { provider } = providerFor(modelEntry({ provider: 'openai', base_url: `${wire.url}/v1` }));
    const error = (await provider.generate(engineRequest()).catch((caught: unknown) => caught)) as ProviderError;
    expect(error.retryable).toBe(false);
    expect(error.message).toBe("main: the server's answer was longer than 16 MiB, so lemming read no further");
    expect(wire.requests).toHaveLength(1);
  });

  test('an answer that begins with a byte order mark is read, as fetch reads JSON', async () => {
    const wire = await serve(() => ({ body: `\uFEFF${JSON.stringify(chatCompletion({ content: 'marked' }))}` }));
    const { provider } = providerFor(modelEntry({ provider: 'openai', base_url: `${wire.url}/v1` }));
    expect((await provider.generate(engineRequest())).text).toBe('marked');
  });

  test('a chat completion sent as text/plain (a content-type that lies) is read and its usage charged; HTML stays refused', async () => {
    const wire = await serve((_request, index) =>
      index === 0
        ? { body: chatCompletion({ content: 'plain', usage: { prompt_tokens: 700, completion_tokens: 70 } }), headers: { 'content-type': 'text/plain; charset=utf-8' } }
        : { body: '<html>gateway</html>', headers: { 'content-type': 'text/html' } },
    );
    const { provider } = providerFor(modelEntry({ provider: 'openai', base_url: `${wire.url}/v1` }));
    const answer = await provider.generate(engineRequest());
    expect(answer.text).toBe('plain');
    expect(answer.usage).toEqual({ inputTokens: 700, outputTokens: 70, estimated: false });
    const html = (await provider.generate(engineRequest()).catch((caught: unknown) => caught)) as ProviderError;
    expect(html.message).toBe('main: the server\'s answer is not a chat completion: it sent text ("<html>gateway</html>")');
  });

  test('content sent as a list of parts (as some OpenAI-compatible servers send it) is read as its text parts; content of no readable form says which field and what it may be', async () => {
    const parts = (content: unknown): Record<string, unknown> => {
      const body = chatCompletion({ content: '', usage: { prompt_tokens: 300, completion_tokens: 30 } });
      const [choice] = body.choices as Array<{ message: Record<string, unknown> }>;
      if (choice) choice.message.content = content;
      return body;
    };
    const wire = await serve((_request, index) =>
      index === 0
        ? { body: parts([{ type: 'thinking', thinking: [{ type: 'text', text: 'Let me see.' }] }, { type: 'text', text: 'Part one, ' }, { type: 'text', text: 'part two.' }]) }
        : { body: parts({ text: 'an object' }) },
    );
    const { provider } = providerFor(modelEntry({ provider: 'openai-compatible', base_url: `${wire.url}/v1` }));
    const answer = await provider.generate(engineRequest());
    expect(answer.text).toBe('Part one, part two.');
    expect(answer.usage).toEqual({ inputTokens: 300, outputTokens: 30, estimated: false });
    const unreadable = (await provider.generate(engineRequest()).catch((caught: unknown) => caught)) as ProviderError;
    expect(unreadable.retryable).toBe(false);
    expect(unreadable.message).toBe(
      'main: the server\'s answer is not a chat completion: it sent JSON whose choices[0].message.content is not text or a list of parts like [{"type": "text", "text": "..."}]',
    );
  });

  test('a redirect is not followed: the prompt goes only to base_url, and the error says where the server pointed and what to set', async () => {
    const elsewhere = await startWireServer(() => ({ body: chatCompletion({ content: 'from elsewhere' }) }));
    try {
      const wire = await serve((request) => ({ status: 307, headers: { location: `${elsewhere.url.replace('127.0.0.1', 'localhost')}${request.path}` } }));
      const { provider } = providerFor(modelEntry({ provider: 'openai-compatible', base_url: `${wire.url}/v1` }));
      const error = (await provider.generate(engineRequest()).catch((caught: unknown) => caught)) as ProviderError;
      expect(error.retryable).toBe(false);
      expect(error.message).toBe(`main: the server redirected the call (307) to ${elsewhere.url.replace('127.0.0.1', 'localhost')}/v1/chat/completions; lemming sends a prompt only where org.yaml says, so it did not follow: set models.main.base_url to where the server points`);
      expect(wire.requests).toHaveLength(1);
      expect(elsewhere.requests).toHaveLength(0);
    } finally {
      await elsewhere.close();
    }
  });

  test('a refused key is one clear, non-retryable error naming the variable and never the key', async () => {
    const wire = await serve(() => ({ status: 401, body: errorBody(`Incorrect API key provided: ${KEY}.`, 'invalid_request_error') }));
    const { provider } = providerFor(modelEntry({ provider: 'openai', base_url: `${wire.url}/v1` }));
    const error = (await provider.generate(engineRequest()).catch((caught: unknown) => caught)) as ProviderError;
    expect(error.retryable).toBe(false);
    expect(error.status).toBe(401);
    expect(error.message).toBe('main: the server refused the API key in OPENAI_API_KEY (401 Unauthorized); check that the key is valid and allowed to use this model');
    expect(JSON.stringify(error)).not.toContain(KEY);
    expect(String(error.stack)).not.toContain(KEY);
    expect(wire.requests).toHaveLength(1);
  });

  test('a key a server echoes in another error is cut out of the message', async () => {
    const wire = await serve(() => ({ status: 400, body: errorBody(`bad request for key ${KEY}`) }));
    const { provider } = providerFor(modelEntry({ provider: 'openai', base_url: `${wire.url}/v1` }));
    const error = (await provider.generate(engineRequest()).catch((caught: unknown) => caught)) as ProviderError;
    expect(error.message).toBe('main: the server answered 400 Bad Request: bad request for key [secret OPENAI_API_KEY]');
  });

  test('tool_calling: false asks for the plain-text format and reads actions from the reply, with a note', async () => {
    const reply = ['I will hand this on.', '', '=== send_message', 'to: planner', 'subject: Tasks', 'body:', 'Please split the release.', 'Thanks.', '=== end'].join('\n');
    const wire = await serve(() => ({ body: chatCompletion({ content: reply }) }));
    const { provider } = providerFor(modelEntry({ provider: 'openai-compatible', base_url: `${wire.url}/v1`, tool_calling: false }), {});
    const response = await provider.generate(engineRequest());
    expect(wire.requests[0]?.body.tools).toBeUndefined();
    expect(wire.requests[0]?.body.messages[0].content).toMatch(/=== send_message/);
    expect(response.toolCalls).toEqual([
      { id: 'text_1', name: 'send_message', arguments: { to: 'planner', subject: 'Tasks', body: 'Please split the release.\nThanks.' } },
    ]);
    expect(response.text).toBe('I will hand this on.');
    expect(response.notes?.[0]).toMatch(/plain-text action format .*models.main.tool_calling is false.*read 1 action/);
  });

  test('an answer cut at the cap: a call is marked cut only when the cap stopped inside it, in tool calls and in the text format', async () => {
    const bodies = [
      chatCompletion({ content: 'The plan has three parts. The first', finishReason: 'length' }),
      chatCompletion({ toolCalls: [{ name: 'send_message', arguments: { to: 'planner', body: 'Split it.' } }, { name: 'remember', arguments: '{"key": "plan", "te' }], finishReason: 'length' }),
      chatCompletion({ toolCalls: [{ name: 'send_message', arguments: { to: 'planner', body: 'Split it.' } }], finishReason: 'length' }),
      chatCompletion({ content: '=== send_message\nto: planner\nbody:\nSplit the release into', finishReason: 'length' }),
      chatCompletion({ content: '=== send_message\nto: planner\nbody:\nSplit it.\n=== end\nThat is all I', finishReason: 'length' }),
    ];
    const wire = await serve((_request, index) => ({ body: bodies[index] }));
    const { provider } = providerFor(modelEntry({ provider: 'openai-compatible', base_url: `${wire.url}/v1` }), {});
    const prose = await provider.generate(engineRequest());
    expect(prose).toMatchObject({ truncated: true, toolCalls: [] });
    const cutCalls = (await provider.generate(engineRequest())).toolCalls;
    expect(cutCalls.map((call) => call.cut)).toEqual([undefined, true]);
    expect((await provider.generate(engineRequest())).toolCalls.map((call) => call.cut)).toEqual([undefined]);
    const { provider: textModel } = providerFor(modelEntry({ provider: 'openai-compatible', base_url: `${wire.url}/v1`, tool_calling: false }), {});
    const openBlock = await textModel.generate(engineRequest());
    expect(openBlock.toolCalls).toEqual([{ id: 'text_1', name: 'send_message', arguments: { to: 'planner', body: 'Split the release into' }, cut: true }]);
    const closedBlock = await textModel.generate(engineRequest());
    expect(closedBlock).toMatchObject({ truncated: true, text: 'That is all I' });
    expect(closedBlock.toolCalls.map((call) => call.cut)).toEqual([undefined]);
  });

  test('a server that says the model cannot call tools is asked again in the text format, and stays switched', async () => {
    const wire = await serve((request) =>
      request.body.tools
        ? { status: 400, body: { error: { message: 'registry.ollama.ai/library/gemma:2b does not support tools' } } }
        : { body: chatCompletion({ content: '=== remember\nkey: plan\ntext: nothing yet\n=== end' }) },
    );
    const { provider } = providerFor(modelEntry({ provider: 'openai-compatible', base_url: `${wire.url}/v1` }), {});
    const first = await provider.generate(engineRequest());
    expect(first.toolCalls).toEqual([{ id: 'text_1', name: 'remember', arguments: { key: 'plan', text: 'nothing yet' } }]);
    expect(first.notes?.[0]).toMatch(/the server said the model cannot call tools \(.*does not support tools\)/);
    await provider.generate(engineRequest());
    expect(wire.requests.map((request) => Boolean(request.body.tools))).toEqual([true, false, false]);
  });

  test('limits.concurrency holds calls back instead of sending them all at once', async () => {
    let inFlight = 0;
    let most = 0;
    const wire = await serve(async () => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 30));
      inFlight -= 1;
      return { body: chatCompletion({ content: 'ok' }) };
    });
    const { provider } = providerFor(modelEntry({ provider: 'openai', base_url: `${wire.url}/v1`, limits: { concurrency: 2, requests_per_minute: 100 } }));
    const answers = await Promise.all([1, 2, 3, 4, 5].map((turn) => provider.generate(engineRequest({ turn }))));
    expect(answers.map((answer) => answer.text)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    expect(most).toBe(2);
  });

  test('prompt cache: OpenAI gets one prompt_cache_key per agent; a local server gets cache fields only when it names its slots and the request the slot its agent keeps to', async () => {
    const wire = await serve(() => ({ body: chatCompletion({ content: 'ok' }) }));
    await providerFor(modelEntry({ provider: 'openai', base_url: `${wire.url}/v1` })).provider.generate(engineRequest());
    await providerFor(modelEntry({ provider: 'openai', base_url: `${wire.url}/v1`, prompt_cache: false })).provider.generate(engineRequest());
    expect(wire.requests[0]?.body.prompt_cache_key).toBe('lemming:manager');
    expect(wire.requests[1]?.body).not.toHaveProperty('prompt_cache_key');

    const local = (entry: Partial<ModelEntry>, request: Parameters<typeof engineRequest>[0]) =>
      providerFor(modelEntry({ provider: 'openai-compatible', base_url: `${wire.url}/v1`, ...entry }), {}).provider.generate(engineRequest(request));
    await local({}, { agent: 'manager', cacheSlot: 1 });
    await local({ cache_slots: 4 }, { agent: 'manager' });
    await local({ cache_slots: 4, prompt_cache: false }, { agent: 'manager', cacheSlot: 1 });
    for (const request of wire.requests.slice(2)) {
      expect(request.body).not.toHaveProperty('cache_prompt');
      expect(request.body).not.toHaveProperty('id_slot');
      expect(request.body).not.toHaveProperty('prompt_cache_key');
    }
    await local({ cache_slots: 4 }, { agent: 'planner', cacheSlot: 3 });
    expect(wire.requests.at(-1)?.body).toMatchObject({ cache_prompt: true, id_slot: 3 });
  });

  test('OPENAI_ORG_ID and OPENAI_PROJECT go to OpenAI only, never to another server', async () => {
    const wire = await serve(() => ({ body: chatCompletion({ content: 'ok' }) }));
    const before = { org: process.env.OPENAI_ORG_ID, project: process.env.OPENAI_PROJECT };
    process.env.OPENAI_ORG_ID = 'org-test';
    process.env.OPENAI_PROJECT = 'proj-test';
    try {
      await providerFor(modelEntry({ provider: 'openai', base_url: `${wire.url}/v1` })).provider.generate(engineRequest());
      await providerFor(modelEntry({ provider: 'openai-compatible', base_url: `${wire.url}/v1` }), {}).provider.generate(engineRequest());
    } finally {
      for (const [name, value] of [['OPENAI_ORG_ID', before.org], ['OPENAI_PROJECT', before.project]] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
    expect(wire.requests[0]?.headers).toMatchObject({ 'openai-organization': 'org-test', 'openai-project': 'proj-test' });
    expect(wire.requests[1]?.headers).not.toHaveProperty('openai-organization');
    expect(wire.requests[1]?.headers).not.toHaveProperty('openai-project');
  });

  test('the client is built from the registry entry and can be handed a fetch', async () => {
    const seen: string[] = [];
    const fakeFetch: typeof fetch = async (input) => {
      seen.push(String(input instanceof Request ? input.url : input));
      return new Response(JSON.stringify(chatCompletion({ content: 'via fetch' })), { status: 200, headers: { 'content-type': 'application/json' } });
    };
    const settings: ClientSettings = { modelKey: 'main', entry: modelEntry({ provider: 'openai', base_url: 'http://models.test/v1' }), apiKey: KEY, fetch: fakeFetch };
    const response = await openAIProvider(createOpenAIClient(settings), settings, 'openai').generate(engineRequest());
    expect(response.text).toBe('via fetch');
    expect(seen).toEqual(['http://models.test/v1/chat/completions']);
  });
});
