import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ScriptedProvider, sendCall } from '../helpers/scripted-provider.js';
import { defaultFaultOrg, eventsOf, humanSends, readText, runScripted, writeFile } from './fault-org.js';
import { checkInvariants } from './invariants.js';

describe('a turn interrupted more than once', () => {
  test('stopped, its journal cut inside a record, and stopped again: every model is asked once per turn, every message written once', async () => {
    const root = defaultFaultOrg();
    // One call at a time, in name order (hr, janitor, planner), so each stop falls between two agents.
    writeFile(root, 'org/org.yaml', readText(root, 'org/org.yaml').replace('concurrency: 8', 'concurrency: 1'));
    humanSends(root, 'manager', 'go');
    let stopWhen: { agent: string; controller: AbortController } | undefined;
    const provider = new ScriptedProvider((request) => {
      if (stopWhen && request.agent === stopWhen.agent) stopWhen.controller.abort();
      if (request.agent === 'manager' && request.turn === 1) return { toolCalls: ['planner', 'hr', 'janitor'].map((to) => sendCall(to, `work for ${to}`)) };
      if (request.turn === 2) return { toolCalls: [sendCall('manager', `done by ${request.agent}`)] };
      return {};
    });
    const runUntil = async (agent?: string) => {
      const controller = new AbortController();
      stopWhen = agent === undefined ? undefined : { agent, controller };
      return runScripted(root, provider, { signal: controller.signal });
    };

    expect(eventsOf(await runUntil('janitor'), 'run-finished')[0]?.reason).toBe('stopped');
    // A kill inside a journal write leaves a record cut short, with no newline.
    const journal = join(root, 'org/state/journal.jsonl');
    appendFileSync(journal, '{"type":"response","turn":2,"agent":"jan');
    expect(eventsOf(await runUntil('planner'), 'run-finished')[0]?.reason).toBe('stopped');
    // The cut record is gone; every answer that arrived, even the one that came in after the stop, is journaled,
    // each before its agent's outcome (an answer is journaled as it arrives, so the next call's may come before it is applied).
    const records = readFileSync(journal, 'utf8').split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as { type: string; agent?: string; outcome?: { agent: string } });
    expect(records.map((record) => record.type).sort()).toEqual(['done', 'done', 'done', 'plan', 'response', 'response', 'response']);
    expect(records[0]?.type).toBe('plan');
    for (const agent of ['hr', 'janitor', 'planner']) {
      const answered = records.findIndex((record) => record.type === 'response' && record.agent === agent);
      const done = records.findIndex((record) => record.type === 'done' && record.outcome?.agent === agent);
      expect({ agent, answeredFirst: answered >= 0 && answered < done }).toEqual({ agent, answeredFirst: true });
    }
    expect(eventsOf(await runUntil(), 'run-finished')[0]?.reason).toBe('idle');

    // An answer that arrived after the stop was asked for is kept, so no model is asked twice for a turn.
    expect(provider.requests.map((request) => `${request.turn}:${request.agent}`)).toEqual(['1:manager', '2:hr', '2:janitor', '2:planner', '3:manager']);
    expect(checkInvariants(root, { requests: provider.requests })).toEqual([]);
  });
});
