import { describe, expect, test } from 'vitest';
import type { ModelEntry } from '../../src/org/schema.js';
import type { ProviderRequest } from '../../src/providers/provider.js';
import { callJobData, callJobId, decodeFailure, encodeFailure } from '../../src/queue/call-job.js';
import { queueNameFor } from '../../src/queue/queue-keys.js';
import { connectionOptions, parseRedisAddress, showAddress } from '../../src/queue/redis-address.js';
import { ProviderError } from '../../src/providers/provider-error.js';
import { mergeFields } from '../../src/experiment/prepare-run.js';

const entry: ModelEntry = { provider: 'openai', model: 'gpt-test', input_price: 1, output_price: 2, context_window: 1000, api_key_env: 'MY_KEY' };

function request(overrides: Partial<ProviderRequest> = {}): ProviderRequest {
  return { modelKey: 'fast', model: 'gpt-test', system: 'You are coder, …', messages: [{ role: 'user', content: 'Mail' }], tools: [], agent: 'coder', turn: 7, ...overrides };
}

describe('a call as a job', () => {
  test('the same call has the same id, whatever the credits left or the signal; another step, prompt or org folder has another', () => {
    const id = callJobId('My Org!', '/orgs/a', callJobData('fast', entry, request()));
    expect(id).toMatch(/^my-org-\.t7\.coder\.s0\.[0-9a-f]{16}$/);
    expect(id).not.toContain(':');
    expect(callJobId('My Org!', '/orgs/a', callJobData('fast', entry, request({ creditsLeft: 3, signal: new AbortController().signal })))).toBe(id);
    const nextStep = request({ messages: [{ role: 'user', content: 'Mail' }, { role: 'assistant', content: 'Done.' }, { role: 'user', content: 'Result' }] });
    expect(callJobId('My Org!', '/orgs/a', callJobData('fast', entry, nextStep))).toMatch(/\.s1\./);
    expect(callJobId('My Org!', '/orgs/b', callJobData('fast', entry, request()))).not.toBe(id);
    expect(callJobId('My Org!', '/orgs/a', callJobData('fast', entry, request({ system: 'edited' })))).not.toBe(id);
  });

  test('a job carries the request and the entry, never a signal, a budget, a key or the system prompt twice', () => {
    const data = callJobData('fast', entry, request({ creditsLeft: 3, signal: new AbortController().signal, systemParts: ['You are coder, …'] }));
    expect(Object.keys(data.request).sort()).toEqual(['agent', 'messages', 'model', 'modelKey', 'system', 'tools', 'turn']);
    expect(JSON.stringify(data)).toContain('"api_key_env":"MY_KEY"');
  });

  test("a worker's failure comes back as the same ProviderError; BullMQ's own reasons are said as they are", () => {
    const back = decodeFailure(encodeFailure(new ProviderError('rate limited', { retryable: true, status: 429 })), 'fast');
    expect(back).toMatchObject({ message: 'rate limited', retryable: true, status: 429 });
    // A failed call that is charged all the same (an agent program's run that exited 1) is charged when a worker made it too.
    const ran = [{ modelKey: 'script', usage: { inputTokens: 0, outputTokens: 0, estimated: false } }];
    expect(decodeFailure(encodeFailure(new ProviderError('script: exited with code 1', { retryable: true, unusable: ran })), 'script').unusable).toEqual(ran);
    expect(decodeFailure('job stalled more than allowable limit', 'fast').message).toBe("the worker's job for fast failed: job stalled more than allowable limit");
  });

  test('one queue per registry entry: a key with a colon is encoded, and another entry under the same key is another queue', () => {
    expect(queueNameFor('llama:8b', entry)).toMatch(/^model-llama%3A8b-[0-9a-f]{8}$/);
    expect(queueNameFor('fast', entry)).not.toBe(queueNameFor('fast', { ...entry, limits: { requests_per_minute: 60 } }));
  });
});

describe('queue addresses', () => {
  test('redis:// and rediss:// with a host are taken; anything else is refused naming where it came from', () => {
    expect(parseRedisAddress('redis://10.0.0.5:6380/2', '--queue')).toBe('redis://10.0.0.5:6380/2');
    expect(connectionOptions('rediss://user:p%40ss@host:6380/2')).toMatchObject({ host: 'host', port: 6380, username: 'user', password: 'p@ss', db: 2, tls: {} });
    expect(() => parseRedisAddress('http://host:6379', 'org/org.yaml engine.queue')).toThrow('org/org.yaml engine.queue: "http://host:6379" is not a Redis address (redis://HOST:PORT); for example redis://127.0.0.1:6379');
    expect(showAddress('redis://:secret@host:6379')).toBe('redis://:***@host:6379');
  });
});

describe('experiment variants', () => {
  test('objects merge field by field; lists and values replace', () => {
    expect(mergeFields({ engine: { max_turns: 50, concurrency: 8 }, models: { a: { input_price: 1 } } }, { engine: { concurrency: 2 }, models: { b: { input_price: 3 } } })).toEqual({
      engine: { max_turns: 50, concurrency: 2 },
      models: { a: { input_price: 1 }, b: { input_price: 3 } },
    });
    expect(mergeFields({ send_to: ['a', 'b'] }, { send_to: ['c'] })).toEqual({ send_to: ['c'] });
  });
});
