import { describe, expect, test } from 'vitest';
import { orgStatus } from '../../src/engine/human/org-status.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import type { ModelEntry } from '../../src/org/schema.js';
import { ANSWER_TOO_LARGE_CODE, KEY_REFUSED_CODE, ProviderError } from '../../src/providers/provider-error.js';
import { UsageGate } from '../../src/providers/usage-gate.js';
import { ScriptedProvider, sendCall } from '../helpers/scripted-provider.js';
import { defaultOrg, humanSends, read, runEngine, write } from '../helpers/temp-org.js';
import { serveOrg } from './web-server.js';

/*
 * The dashboard's /metrics counts the agents held, by why, from the record `lemming status` reads its
 * holds from: a refused key, an answer refused unread, engine.max_failed_turns turns of failures
 * a circuit breaker and an intervention's hold. Before, /metrics had no line for holds at all.
 */

describe('/metrics and held agents', () => {
  test('a gauge of the agents held, by reason, equal to what status says is held', async () => {
    const root = defaultOrg();
    write(root, 'org/org.yaml', read(root, 'org/org.yaml').replace('  max_turns: 50', '  max_turns: 50\n  max_failed_turns: 1'));
    humanSends(root, 'manager', 'Ask planner, hr and janitor for their part.');
    const model = new ScriptedProvider((request) => {
      if (request.agent === 'manager') return { toolCalls: ['planner', 'hr', 'janitor'].map((to) => sendCall(to, 'Your part, please.')) };
      if (request.agent === 'planner') return new ProviderError('offline: the answer was longer than 16 MiB, so lemming read no further', { retryable: false, code: ANSWER_TOO_LARGE_CODE });
      if (request.agent === 'hr') return new ProviderError('offline: 401 the key was refused', { retryable: false, code: KEY_REFUSED_CODE });
      if (request.agent === 'janitor') return new ProviderError('offline: 500 the server failed', { retryable: false });
      return { text: 'done' };
    });
    await runEngine(root, { maxTurns: 2, stopWhenIdle: false }, { providerFactory: (modelKey: string, entry: ModelEntry) => new UsageGate(model, modelKey, entry) });
    // What status says is held: the three.
    expect(orgStatus(loadOrg(root).org).agents.flatMap((agent) => (agent.held ? [agent.name] : [])).sort()).toEqual(['hr', 'janitor', 'planner']);

    const server = await serveOrg(root);
    const metrics = await (await fetch(`${server.base}/metrics`, { headers: { authorization: `Bearer ${server.token}` } })).text();
    expect(metrics).toMatch(/^# TYPE lemming_agents_held gauge$/m);
    const held = Object.fromEntries([...metrics.matchAll(/^lemming_agents_held\{reason="([a-z_]+)"\} (\d+)$/gm)].map((match) => [match[1], Number(match[2])]));
    expect(held).toEqual({ key: 1, answer: 1, failed_turns: 1, breaker: 0, intervention: 0 });

    // A hold let go by `lemming retry` is no longer counted, as status no longer shows it.
    write(root, 'org/state/cache/retry/hr', '');
    const after = await (await fetch(`${server.base}/metrics`, { headers: { authorization: `Bearer ${server.token}` } })).text();
    expect(after).toMatch(/^lemming_agents_held\{reason="key"\} 0$/m);
  });

  test('an agent a circuit breaker holds is counted under breaker, as status names it', async () => {
    const root = defaultOrg();
    write(root, 'agents/janitor/resume.md', read(root, 'agents/janitor/resume.md').replace(/^schedule: .*\n/m, ''));
    write(root, 'org/org.yaml', read(root, 'org/org.yaml').replace('engine:\n', 'engine:\n  breakers: { repeated_messages: { times: 3, on: pause } }\n'));
    humanSends(root, 'manager', 'Build the login page.');
    let round = 0;
    const model = new ScriptedProvider((request) => {
      round += 1;
      if (request.agent === 'manager') return { toolCalls: [sendCall('planner', 'Please plan the login page.')] };
      if (request.agent === 'planner') return { toolCalls: [sendCall('coder_01', 'Still waiting for the framework decision, please hold.')] };
      if (request.agent === 'coder_01') return { toolCalls: [sendCall('planner', `Which framework do we use? (${round})`)] };
      return {};
    });
    await runEngine(root, { maxTurns: 20 }, { providerFactory: () => model });
    expect(orgStatus(loadOrg(root).org).breakerHeld?.map((held) => held.agent)).toEqual(['planner']);
    const server = await serveOrg(root);
    const metrics = await (await fetch(`${server.base}/metrics`, { headers: { authorization: `Bearer ${server.token}` } })).text();
    expect(metrics).toMatch(/^lemming_agents_held\{reason="breaker"\} 1$/m);
    expect(metrics).toMatch(/^lemming_agents_held\{reason="failed_turns"\} 0$/m);
  });

  test("an intervention's hold is counted under intervention, a breaker's (or a hold written before lemming said who held) under breaker", async () => {
    const root = defaultOrg();
    // The state a breaker and an intervention leave: a breaker's hold as lemming wrote it before it recorded who held (no `by`).
    write(root, 'org/state/breakers.json', `${JSON.stringify({ version: 1, countedThrough: 0, pairs: {}, offsets: [], held: { planner: { turn: 2, reason: 'held by an intervention before turn 2', by: 'intervention' }, hr: { turn: 3, reason: 'ping-pong with manager' } } })}\n`);
    expect(orgStatus(loadOrg(root).org).breakerHeld).toEqual([
      { agent: 'planner', by: 'intervention', turn: 2, reason: 'held by an intervention before turn 2' },
      { agent: 'hr', by: 'breaker', turn: 3, reason: 'ping-pong with manager' },
    ]);
    const server = await serveOrg(root);
    const metrics = await (await fetch(`${server.base}/metrics`, { headers: { authorization: `Bearer ${server.token}` } })).text();
    expect(metrics).toMatch(/^lemming_agents_held\{reason="breaker"\} 1$/m);
    expect(metrics).toMatch(/^lemming_agents_held\{reason="intervention"\} 1$/m);
  });
});
