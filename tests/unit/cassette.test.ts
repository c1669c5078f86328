import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { CassetteWriter, readCassette } from '../../src/providers/cassette/cassette-file.js';
import { normaliseRequest, requestKey } from '../../src/providers/cassette/normalise-request.js';
import { CONTEXT_COUNTED_CODE, CONTEXT_LENGTH_CODE, isContextLengthError, isCountedTooLong, ProviderError } from '../../src/providers/provider-error.js';
import type { Provider, ProviderResponse } from '../../src/providers/provider.js';
import { RecordingProvider } from '../../src/providers/recording-provider.js';
import { CassetteAnswers, ReplayingProvider } from '../../src/providers/replaying-provider.js';
import { engineRequest } from '../helpers/provider-requests.js';
import { tempDir } from '../helpers/temp-dirs.js';

function cassettePath(): string {
  return join(tempDir('lemming-cassette-'), 'run.jsonl');
}

const live: Provider = {
  async generate(request): Promise<ProviderResponse> {
    if (request.agent === 'planner') throw new ProviderError('main: the server answered 503', { retryable: true, status: 503 });
    return { text: '', toolCalls: [{ id: 'call_1', name: 'send_message', arguments: { to: 'human', body: `turn ${request.turn}` } }], usage: { inputTokens: 9, outputTokens: 3, estimated: false }, modelKey: request.modelKey };
  },
};

describe('record and replay', () => {
  test('the key ignores the signal, the credits left and CRLF; it changes with the prompt', () => {
    const base = requestKey(normaliseRequest(engineRequest()));
    expect(requestKey(normaliseRequest(engineRequest({ creditsLeft: 3, signal: new AbortController().signal })))).toBe(base);
    expect(requestKey(normaliseRequest(engineRequest({ system: engineRequest().system.replace(/\n/g, '\r\n') })))).toBe(base);
    expect(requestKey(normaliseRequest(engineRequest({ turn: 2 })))).not.toBe(base);
  });

  test('a recording replays the same answers, receivedAt and failures, with no live provider', async () => {
    const file = cassettePath();
    const recorder = new RecordingProvider(live, new CassetteWriter(file), () => new Date('2026-01-02T03:04:05.678Z'));
    const recorded = await recorder.generate(engineRequest());
    expect(recorded.receivedAt).toBe('2026-01-02T03:04:05.678Z');
    await expect(recorder.generate(engineRequest({ agent: 'planner' }))).rejects.toThrow('503');
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(2);

    const replay = new ReplayingProvider(new CassetteAnswers(file, readCassette(file)));
    expect(await replay.generate(engineRequest())).toEqual(recorded);
    const failure = (await replay.generate(engineRequest({ agent: 'planner' })).catch((caught: unknown) => caught)) as ProviderError;
    expect(failure.message).toBe('main: the server answered 503');
    expect(failure.retryable).toBe(true);
    expect(failure.fatal).toBe(false);
  });

  test('a failure the engine acts on replays as that failure: a prompt too long (the server\'s refusal or lemming\'s own count) shrinks the prompt on replay as it did', async () => {
    const file = cassettePath();
    const refusing: Provider = {
      async generate(request): Promise<ProviderResponse> {
        const code = request.agent === 'planner' ? CONTEXT_COUNTED_CODE : CONTEXT_LENGTH_CODE;
        throw new ProviderError(`main: the prompt does not fit (${code})`, { retryable: false, code });
      },
    };
    const recorder = new RecordingProvider(refusing, new CassetteWriter(file));
    for (const agent of ['manager', 'planner']) await expect(recorder.generate(engineRequest({ agent }))).rejects.toThrow('does not fit');
    const replay = new ReplayingProvider(new CassetteAnswers(file, readCassette(file)));
    const [server, counted] = await Promise.all(['manager', 'planner'].map((agent) => replay.generate(engineRequest({ agent })).catch((error: unknown) => error)));
    expect(isContextLengthError(server) && !isCountedTooLong(server)).toBe(true);
    expect(isCountedTooLong(counted)).toBe(true);
  });

  test('a request not in the cassette fails loudly, naming the agent and turn and showing what changed', async () => {
    const file = cassettePath();
    await new RecordingProvider(live, new CassetteWriter(file)).generate(engineRequest());
    const replay = new ReplayingProvider(new CassetteAnswers(file, readCassette(file)));
    const changed = engineRequest({
      messages: [{ role: 'user', content: engineRequest().messages[0]?.content.replace('Plan the release', 'Plan the launch') ?? '' }],
    });
    const error = (await replay.generate(changed).catch((caught: unknown) => caught)) as ProviderError;
    expect(error.fatal).toBe(true);
    expect(error.code).toBe('replay-miss');
    expect(error.message).toContain(`--replay ${file} has no answer for manager's call in turn 1 (model main)`);
    expect(error.message).toContain('messages[0] (user), line 3:');
    expect(error.message).toContain('- recorded: <message id="000000-human-001" from="human" turn="0">Plan the release</message>');
    expect(error.message).toContain('+ now:      <message id="000000-human-001" from="human" turn="0">Plan the launch</message>');

    const unknownTurn = (await replay.generate(engineRequest({ turn: 7, agent: 'hr' })).catch((caught: unknown) => caught)) as Error;
    expect(unknownTurn.message).toContain("hr's call in turn 7");
    expect(unknownTurn.message).toContain('The recording has no call for hr at all.');
  });

  test('a missing or broken cassette is an error naming the file and line', () => {
    const file = cassettePath();
    expect(() => readCassette(file)).toThrow(/there is no such file/);
    const writer = new CassetteWriter(file);
    writer.append({ version: 1, key: 'k', request: normaliseRequest(engineRequest()), response: { text: '', toolCalls: [], usage: { inputTokens: 0, outputTokens: 0, estimated: true }, modelKey: 'main' } });
    readCassette(file);
    writer.append({ nonsense: true } as never);
    expect(() => readCassette(file)).toThrow(`${file}:2: is not a cassette entry`);
  });
});
