import { gzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { createAnthropicClient, anthropicProvider } from '../../src/providers/anthropic/anthropic-provider.js';
import type { ClientSettings } from '../../src/providers/client-settings.js';
import { ANSWER_MAX_BYTES } from '../../src/providers/provider-error.js';
import { ProviderError } from '../../src/providers/provider-error.js';
import type { ModelEntry } from '../../src/org/schema.js';
import { engineRequest, modelEntry, providerFromFactory } from '../helpers/provider-requests.js';
import { anthropicMessage, errorBody } from '../helpers/vendor-bodies.js';
import { startWireServer, wireServerPerTest } from '../helpers/wire-server.js';

const KEY = 'sk-ant-test-abcdef0123456789';
const serve = wireServerPerTest();

/** The provider `lemming run` builds for an entry: adapter, rate limits and retries, with instant sleeps. */
function providerFor(entry: ModelEntry, env: Record<string, string> = { ANTHROPIC_API_KEY: KEY }) {
  return providerFromFactory('claude', entry, env);
}

describe('anthropic adapter (real SDK against a local server)', () => {
  test('sends the Messages format with an output cap and maps tool_use blocks and usage back', async () => {
    const wire = await serve(() => ({
      body: anthropicMessage({
        text: 'Handing this to the planner.',
        toolUses: [{ name: 'send_message', arguments: { to: 'planner', body: 'Split it', priority: 'high' } }],
        usage: { input_tokens: 500, output_tokens: 60, cache_read_input_tokens: 100, cache_creation_input_tokens: 300 },
      }),
    }));
    const { provider } = providerFor(modelEntry({ provider: 'anthropic', base_url: wire.url }));
    const response = await provider.generate(engineRequest({ modelKey: 'claude' }));

    expect(response.text).toBe('Handing this to the planner.');
    expect(response.toolCalls).toEqual([{ id: 'toolu_1', name: 'send_message', arguments: { to: 'planner', body: 'Split it', priority: 'high' } }]);
    // Anthropic's input_tokens leaves the cache out; lemming's input counts every prompt token, and says which were cached.
    expect(response.usage).toEqual({ inputTokens: 900, cachedInputTokens: 100, cacheWriteTokens: 300, outputTokens: 60, estimated: false });

    const sent = wire.requests[0];
    expect(sent?.path).toBe('/v1/messages');
    // The key travels only in a request header.
    expect(`${sent?.headers['x-api-key'] ?? ''}${sent?.headers.authorization ?? ''}`).toContain(KEY);
    expect(sent?.body.system).toBe(engineRequest().system);
    expect(sent?.body.max_tokens).toBe(1024);
    // The last message ends with a cache breakpoint, so a turn's next step reads this one from the cache.
    expect(sent?.body.messages).toEqual(engineRequest().messages.map((turn) => ({ role: turn.role, content: [{ type: 'text', text: turn.content, cache_control: { type: 'ephemeral' } }] })));
    expect(sent?.body.tools.map((tool: any) => tool.name)).toEqual(['send_message', 'remember']);
    expect(sent?.body.tools[0].input_schema.required).toEqual(['to', 'body']);
  });

  test('max_output_tokens from the registry is the cap sent', async () => {
    const wire = await serve(() => ({ body: anthropicMessage({ text: 'ok' }) }));
    const { provider } = providerFor(modelEntry({ provider: 'anthropic', base_url: wire.url, max_output_tokens: 256 }));
    await provider.generate(engineRequest({ maxOutputTokens: 256 }));
    expect(wire.requests[0]?.body.max_tokens).toBe(256);
  });

  test('a 429 with Retry-After is honoured, a 529 overload is retried, then the answer is used', async () => {
    const wire = await serve((_request, index) =>
      index === 0
        ? { status: 429, headers: { 'retry-after': '3' }, body: errorBody('Number of requests has exceeded your rate limit', 'rate_limit_error') }
        : index === 1
          ? { status: 529, body: errorBody('Overloaded', 'overloaded_error') }
          : { body: anthropicMessage({ text: 'done' }) },
    );
    const { provider, waits } = providerFor(modelEntry({ provider: 'anthropic', base_url: wire.url }));
    const response = await provider.generate(engineRequest());
    expect(response.text).toBe('done');
    expect(waits[0]).toBe(3000);
    expect(waits).toHaveLength(2);
    expect(response.notes?.join('\n')).toMatch(/429 Too Many Requests: Number of requests has exceeded your rate limit.*529 Overloaded: Overloaded/);
  });

  test('a 500 then success', async () => {
    const wire = await serve((_request, index) => (index === 0 ? { status: 500, body: errorBody('Internal error', 'api_error') } : { body: anthropicMessage({ text: 'ok' }) }));
    const { provider, waits } = providerFor(modelEntry({ provider: 'anthropic', base_url: wire.url }));
    expect((await provider.generate(engineRequest())).text).toBe('ok');
    expect(waits).toHaveLength(1);
  });

  test('a timeout is retryable and says which setting to change', async () => {
    const wire = await serve(() => ({ hang: true }));
    const { provider } = providerFor(modelEntry({ provider: 'anthropic', base_url: wire.url, timeout_ms: 120, max_retries: 0 }));
    const error = (await provider.generate(engineRequest()).catch((caught: unknown) => caught)) as ProviderError;
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.retryable).toBe(true);
    expect(error.message).toBe('claude: no answer within 120 ms (org.yaml models.claude.timeout_ms)');
  });

  test('an answer that stops after its headers is cut at timeout_ms, its body included', async () => {
    const wire = await serve(() => ({ body: anthropicMessage({ text: 'never finished' }), stallMidBody: true }));
    const { provider } = providerFor(modelEntry({ provider: 'anthropic', base_url: wire.url, timeout_ms: 300, max_retries: 0 }));
    const error = (await provider.generate(engineRequest()).catch((caught: unknown) => caught)) as ProviderError;
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.retryable).toBe(true);
    expect(error.message).toBe('claude: no answer within 300 ms (org.yaml models.claude.timeout_ms)');
  }, 20_000);

  test('an answer past 16 MiB, plain or gzipped, is not read further: one clear error, and not retried', async () => {
    const huge = JSON.stringify(anthropicMessage({ text: 'x'.repeat(ANSWER_MAX_BYTES + 1024) }));
    const wire = await serve((_request, index) => (index === 0 ? { body: huge } : { body: gzipSync(huge), headers: { 'content-encoding': 'gzip' } }));
    const { provider } = providerFor(modelEntry({ provider: 'anthropic', base_url: wire.url }));
    for (const _form of ['plain', 'gzip']) {
      const error = (await provider.generate(engineRequest()).catch((caught: unknown) => caught)) as ProviderError;
      expect(error.retryable).toBe(false);
      expect(error.message).toBe("claude: the server's answer was longer than 16 MiB, so lemming read no further");
    }
    expect(wire.requests).toHaveLength(2);
  });

  test('an answer that begins with a byte order mark is read, as fetch reads JSON', async () => {
    const wire = await serve(() => ({ body: `\uFEFF${JSON.stringify(anthropicMessage({ text: 'marked' }))}` }));
    const { provider } = providerFor(modelEntry({ provider: 'anthropic', base_url: wire.url }));
    expect((await provider.generate(engineRequest())).text).toBe('marked');
  });

  test('a message sent as text/plain (a content-type that lies) is read and its usage charged', async () => {
    const wire = await serve(() => ({ body: anthropicMessage({ text: 'plain', usage: { input_tokens: 700, output_tokens: 70 } }), headers: { 'content-type': 'text/plain' } }));
    const { provider } = providerFor(modelEntry({ provider: 'anthropic', base_url: wire.url }));
    const answer = await provider.generate(engineRequest());
    expect(answer.text).toBe('plain');
    expect(answer.usage).toEqual({ inputTokens: 700, outputTokens: 70, estimated: false });
  });

  test('a redirect is not followed: the prompt goes only to base_url', async () => {
    const elsewhere = await startWireServer(() => ({ body: anthropicMessage({ text: 'from elsewhere' }) }));
    try {
      const wire = await serve((request) => ({ status: 308, headers: { location: `${elsewhere.url}${request.path}` } }));
      const { provider } = providerFor(modelEntry({ provider: 'anthropic', base_url: wire.url }));
      const error = (await provider.generate(engineRequest()).catch((caught: unknown) => caught)) as ProviderError;
      expect(error.message).toBe(`claude: the server redirected the call (308) to ${elsewhere.url}/v1/messages; lemming sends a prompt only where org.yaml says, so it did not follow: set models.claude.base_url to where the server points`);
      expect(elsewhere.requests).toHaveLength(0);
    } finally {
      await elsewhere.close();
    }
  });

  test('a malformed body is a clear, non-retryable error', async () => {
    const wire = await serve((_request, index) => (index === 0 ? { body: 'not json at all' } : { body: { id: 'msg', type: 'message' } }));
    const { provider } = providerFor(modelEntry({ provider: 'anthropic', base_url: wire.url }));
    const first = (await provider.generate(engineRequest()).catch((caught: unknown) => caught)) as ProviderError;
    expect(first.retryable).toBe(false);
    expect(first.message).toMatch(/claude: the server's answer (was not valid JSON|is not a message)/);
    const second = (await provider.generate(engineRequest()).catch((caught: unknown) => caught)) as ProviderError;
    expect(second.message).toBe("claude: the server's answer is not a message: it sent JSON without a content list");
    expect(wire.requests).toHaveLength(2);
  });

  test('a refused key names the variable, never the key, and is not retried', async () => {
    const wire = await serve(() => ({ status: 401, body: errorBody(`invalid x-api-key ${KEY}`, 'authentication_error') }));
    const { provider } = providerFor(modelEntry({ provider: 'anthropic', base_url: wire.url, api_key_env: 'MY_CLAUDE_KEY' }), { MY_CLAUDE_KEY: KEY });
    const error = (await provider.generate(engineRequest()).catch((caught: unknown) => caught)) as ProviderError;
    expect(error.message).toBe('claude: the server refused the API key in MY_CLAUDE_KEY (401 Unauthorized); check that the key is valid and allowed to use this model');
    expect(error.message).not.toContain(KEY);
    expect(wire.requests).toHaveLength(1);
  });

  test('a refusal stop reason is noted; an answer cut at the cap is marked, and its last call cut only when the cap stopped inside it', async () => {
    const bodies = [
      anthropicMessage({ text: 'I cannot help', stopReason: 'refusal' }),
      anthropicMessage({ text: 'The plan has three parts. The first', stopReason: 'max_tokens' }),
      anthropicMessage({ text: 'Sending it.', toolUses: [{ name: 'send_message', arguments: { to: 'planner' } }], stopReason: 'max_tokens' }),
    ];
    const wire = await serve((_request, index) => ({ body: bodies[index] }));
    const { provider } = providerFor(modelEntry({ provider: 'anthropic', base_url: wire.url }));
    expect((await provider.generate(engineRequest())).notes).toContain('the model declined to answer (stop_reason: refusal)');
    const prose = await provider.generate(engineRequest());
    expect(prose).toMatchObject({ truncated: true, toolCalls: [] });
    expect(prose.notes ?? []).toEqual([]);
    const cut = await provider.generate(engineRequest());
    expect(cut.truncated).toBe(true);
    expect(cut.toolCalls).toEqual([{ id: 'toolu_1', name: 'send_message', arguments: { to: 'planner' }, cut: true }]);
  });

  test('no usage reported: the estimate is charged and marked', async () => {
    const wire = await serve(() => ({ body: anthropicMessage({ text: 'hello', usage: null }) }));
    const { provider } = providerFor(modelEntry({ provider: 'anthropic', base_url: wire.url }));
    const response = await provider.generate(engineRequest());
    expect(response.usage.estimated).toBe(true);
    expect(response.usage.outputTokens).toBe(2);
  });

  test('a long prompt mostly read from the cache is counted whole and not floored; one reported as 0 tokens with no cache is', async () => {
    // 40,000 characters of mail: lemming's estimate is over 10,000 tokens, so the floor (1 in 8) is over 1,250.
    const long = engineRequest({ messages: [{ role: 'user', content: `Turn 1. ${'The release has many parts to plan. '.repeat(1112)}` }] });
    const wire = await serve((_request, index) => ({
      body: anthropicMessage({ text: 'Planned.', usage: index === 0 ? { input_tokens: 3, output_tokens: 20, cache_read_input_tokens: 9000, cache_creation_input_tokens: 0 } : { input_tokens: 0, output_tokens: 20 } }),
    }));
    const { provider } = providerFor(modelEntry({ provider: 'anthropic', base_url: wire.url }));
    const cached = await provider.generate(long);
    expect(cached.usage).toEqual({ inputTokens: 9003, cachedInputTokens: 9000, outputTokens: 20, estimated: false });
    const uncounted = await provider.generate(long);
    expect(uncounted.usage).toMatchObject({ outputTokens: 20, estimated: true, clamped: [expect.stringMatching(/^claude reported 0 input tokens; counted as \d+, the fewest a server is believed to count for the request/)] });
    expect(uncounted.usage.inputTokens).toBeGreaterThan(1250);
    expect(uncounted.usage.inputTokens).toBeLessThan(9003);
  });

  test('tool_calling: false uses the plain-text format and sends no tools', async () => {
    const wire = await serve(() => ({ body: anthropicMessage({ text: '=== send_message\nto: human\nbody: All done.\n=== end' }) }));
    const { provider } = providerFor(modelEntry({ provider: 'anthropic', base_url: wire.url, tool_calling: false }));
    const response = await provider.generate(engineRequest());
    expect(wire.requests[0]?.body.tools).toBeUndefined();
    expect(wire.requests[0]?.body.system).toMatch(/How to write your actions/);
    expect(response.toolCalls).toEqual([{ id: 'text_1', name: 'send_message', arguments: { to: 'human', body: 'All done.' } }]);
  });

  test('prompt cache: breakpoints after the tools, after the stable part of the system prompt and on the last message; prompt_cache: false sends none', async () => {
    const wire = await serve(() => ({ body: anthropicMessage({ text: 'ok' }) }));
    const stable = 'You are manager, Engineering manager, in the organisation "test".\n\n## Your notes';
    const request = engineRequest({
      system: `${stable}\n<note key="plan">ship friday</note>`,
      stableSystem: stable.length,
      messages: [
        { role: 'user', content: 'Turn 3. You have 1 new message(s).' },
        { role: 'assistant', content: 'Sending.' },
        { role: 'user', content: '<tool_result>sent</tool_result>' },
      ],
    });
    await providerFor(modelEntry({ provider: 'anthropic', base_url: wire.url })).provider.generate(request);
    const mark = { type: 'ephemeral' };
    const body = wire.requests[0]?.body;
    expect(body.system).toEqual([
      { type: 'text', text: stable, cache_control: mark },
      { type: 'text', text: '\n<note key="plan">ship friday</note>' },
    ]);
    expect(body.tools.map((tool: { cache_control?: unknown }) => tool.cache_control)).toEqual([undefined, mark]);
    expect(body.messages.slice(0, 2)).toEqual(request.messages.slice(0, 2));
    expect(body.messages[2]).toEqual({ role: 'user', content: [{ type: 'text', text: '<tool_result>sent</tool_result>', cache_control: mark }] });

    await providerFor(modelEntry({ provider: 'anthropic', base_url: wire.url, prompt_cache: false })).provider.generate(request);
    const plain = wire.requests[1]?.body;
    expect(plain.system).toBe(request.system);
    expect(plain.messages).toEqual(request.messages);
    expect(JSON.stringify(plain)).not.toContain('cache_control');
  });

  test('the client takes an injected fetch', async () => {
    const fakeFetch: typeof fetch = async () =>
      new Response(JSON.stringify(anthropicMessage({ text: 'via fetch' })), { status: 200, headers: { 'content-type': 'application/json' } });
    const settings: ClientSettings = { modelKey: 'claude', entry: modelEntry({ provider: 'anthropic', base_url: 'http://models.test' }), apiKey: KEY, fetch: fakeFetch };
    expect((await anthropicProvider(createAnthropicClient(settings), settings).generate(engineRequest())).text).toBe('via fetch');
  });
});
