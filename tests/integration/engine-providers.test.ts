import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import type { EngineEvent } from '../../src/engine/events.js';
import { sendAsHuman } from '../../src/engine/human/send-as-human.js';
import type { ProviderFactory } from '../../src/providers/create-provider.js';
import { createProviderFactory } from '../../src/providers/create-provider.js';
import { ProviderError } from '../../src/providers/provider-error.js';
import type { ProviderRequest, ProviderResponse } from '../../src/providers/provider.js';
import { writeRealModelOrg } from '../helpers/real-model-org.js';

async function collect(events: AsyncIterable<EngineEvent>): Promise<EngineEvent[]> {
  const all: EngineEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

/** A factory whose `primary` is down and whose other models answer by sending one message (to the human, unless told otherwise). */
function scriptedFactory(requests: ProviderRequest[], to = 'human'): ProviderFactory {
  return (modelKey) => ({
    async generate(request): Promise<ProviderResponse> {
      requests.push(request);
      if (modelKey === 'primary') throw new ProviderError('primary: the server answered 503 (gave up after 4 attempts)', { retryable: true, status: 503 });
      return {
        text: '',
        toolCalls: [{ id: 'call_1', name: 'send_message', arguments: { to, body: `answered by ${request.model}` } }],
        usage: { inputTokens: 100, outputTokens: 20, estimated: false },
        modelKey: request.modelKey,
        receivedAt: '2026-01-01T00:00:00.000Z',
      };
    },
  });
}

describe('the engine with real-model providers', () => {
  test('an agent whose primary fails is answered by its fallback; the message says which model wrote it and is charged at its price', async () => {
    const root = writeRealModelOrg('http://127.0.0.1:9');
    const requests: ProviderRequest[] = [];
    const engine = Engine.open({ root, providerFactory: scriptedFactory(requests) });
    try {
      sendAsHuman(root, engine.currentOrg, { to: 'manager', body: 'Write the release notes' });
      const events = await collect(engine.run({ maxTurns: 1 }));
      expect(requests.map((request) => [request.modelKey, request.model, request.maxOutputTokens])).toEqual([
        ['primary', 'primary-model', undefined],
        ['backup', 'backup-model', 512],
      ]);
      expect(requests[0]?.creditsLeft).toBe(1);
      const note = events.find((event) => event.type === 'agent-note');
      expect(note).toMatchObject({ agent: 'manager', message: expect.stringMatching(/^answered by fallback model backup after: primary failed/) });
      const message = readFileSync(join(root, 'agents/manager/outbox/000001-001-human.md'), 'utf8');
      expect(message).toMatch(/^model: backup$/m);
      expect(message).toMatch(/^created: 2026-01-01T00:00:00.000Z$/m);
      const charge = events.find((event) => event.type === 'credits-charged');
      // backup: 2 and 8 credits per million tokens.
      expect(charge).toMatchObject({ model: 'backup', credits: (100 * 2 + 20 * 8) / 1_000_000 });
    } finally {
      engine.close();
    }
  });

  test('a call whose prompt plus expected output would cost more than the agent has is not made', async () => {
    const root = writeRealModelOrg('http://127.0.0.1:9');
    const resume = join(root, 'agents/coder/resume.md');
    // The coder's local model costs 100 credits per million output tokens; at the default 1024-token cap that is ~0.1 credits.
    writeFileSync(join(root, 'org/org.yaml'), readFileSync(join(root, 'org/org.yaml'), 'utf8').replace('    input_price: 0\n    output_price: 0', '    input_price: 0\n    output_price: 100'));
    writeFileSync(resume, readFileSync(resume, 'utf8').replace('credits: 1', 'credits: 0.05'));
    const requests: ProviderRequest[] = [];
    const engine = Engine.open({ root, providerFactory: scriptedFactory(requests, 'coder') });
    try {
      sendAsHuman(root, engine.currentOrg, { to: 'manager', body: 'hello' });
      const events = await collect(engine.run({ maxTurns: 2 }));
      const skipped = events.find((event) => event.type === 'agent-skipped' && event.agent === 'coder');
      expect(skipped).toMatchObject({ reason: 'insufficient-credits', balance: 0.05 });
      expect((skipped as { needed: number }).needed).toBeGreaterThan(0.1);
      expect(requests.some((request) => request.agent === 'coder')).toBe(false);
    } finally {
      engine.close();
    }
  });

  test('a missing key stops Engine.open before any turn, and leaves the org unlocked', () => {
    const root = writeRealModelOrg('http://127.0.0.1:9');
    const factory = createProviderFactory({ root, env: {} });
    expect(() => Engine.open({ root, providerFactory: factory })).toThrow(
      /^E2E_ANTHROPIC_KEY is not set \(needed by manager for org\/org.yaml models backup\); E2E_OPENAI_KEY is not set \(needed by manager for org\/org.yaml models primary\)\./,
    );
    const engine = Engine.open({ root, providerFactory: createProviderFactory({ root, env: { E2E_OPENAI_KEY: 'a', E2E_ANTHROPIC_KEY: 'b' } }) });
    expect(engine.lastTurn).toBe(0);
    engine.close();
  });
});
