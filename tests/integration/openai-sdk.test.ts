import { VERSION } from 'openai/version';
import { describe, expect, test } from 'vitest';
import { ProviderError } from '../../src/providers/provider-error.js';
import { engineRequest, modelEntry, providerFromFactory } from '../helpers/provider-requests.js';
import { chatCompletion, errorBody } from '../helpers/vendor-bodies.js';
import { wireServerPerTest } from '../helpers/wire-server.js';

const serve = wireServerPerTest();

/**
 * A Chat Completions server is called through the official `openai` package (issue 65): users of
 * OpenAI-compatible servers trust it for its retries, error types, streaming, Azure and the
 * Responses API, and lemming keeps no client of its own right. Seen from the server's side, as a
 * server sees it: the SDK's own headers arrive, and its retries stay off (lemming retries).
 */
describe('the Chat Completions path goes through the openai SDK', () => {
  test("a call reaches the server with the SDK's user agent and x-stainless headers, for OpenAI and for a local server", async () => {
    const wire = await serve(() => ({ body: chatCompletion({ content: 'ok' }) }));
    await providerFromFactory('main', modelEntry({ provider: 'openai', base_url: `${wire.url}/v1` }), { OPENAI_API_KEY: 'sk-test-0123456789abcdef' }).provider.generate(engineRequest());
    await providerFromFactory('local', modelEntry({ provider: 'openai-compatible', base_url: `${wire.url}/v1` }), {}).provider.generate(engineRequest());
    expect(wire.requests).toHaveLength(2);
    for (const request of wire.requests) {
      expect(request.path).toBe('/v1/chat/completions');
      expect(request.headers).toMatchObject({
        'user-agent': `OpenAI/JS ${VERSION}`,
        'x-stainless-lang': 'js',
        'x-stainless-package-version': VERSION,
        'x-stainless-runtime': 'node',
        'x-stainless-retry-count': '0',
      });
    }
    expect(wire.requests[0]?.headers.authorization).toBe('Bearer sk-test-0123456789abcdef');
  });

  test("the SDK's own retries are off: max_retries 0 is one request, whatever the SDK would do with a 500", async () => {
    const wire = await serve(() => ({ status: 500, body: errorBody('The server had an error') }));
    const { provider, waits } = providerFromFactory('main', modelEntry({ provider: 'openai-compatible', base_url: `${wire.url}/v1`, max_retries: 0 }), {});
    const error = (await provider.generate(engineRequest()).catch((caught: unknown) => caught)) as ProviderError;
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.message).toMatch(/^main: the server answered 500 Internal Server Error: The server had an error/);
    expect(wire.requests).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  test('an answer cut off mid-body is a connection that broke while the answer arrived (retried), not a server that could not be reached', async () => {
    const wire = await serve((_request, index) => (index === 0 ? { body: chatCompletion({ content: 'half' }), resetMidBody: true } : { body: chatCompletion({ content: 'whole' }) }));
    const { provider, waits } = providerFromFactory('main', modelEntry({ provider: 'openai-compatible', base_url: `${wire.url}/v1`, max_retries: 0 }), {});
    const error = (await provider.generate(engineRequest()).catch((caught: unknown) => caught)) as ProviderError;
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(new RegExp(`^main: the connection to ${wire.url}/v1 broke while the answer arrived: `));
    expect((await provider.generate(engineRequest())).text).toBe('whole');
    expect(waits).toEqual([]);
  });
});
