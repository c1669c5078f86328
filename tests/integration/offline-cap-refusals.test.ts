import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { lemming } from '../helpers/cli.js';
import { defaultOrg, humanSends } from '../helpers/temp-org.js';

/**
 * What docs/offline-model.md says of sends past `engine.max_messages_per_turn`: the engine tells the
 * sender which were refused and why, the offline model does not send them again, and what the cap cut
 * is said where a person looks (the run's summary, `lemming requests`).
 */
describe('the offline model and the per-turn cap', () => {
  test('a manager given 12 tasks in one turn hands on 5; told of the 7 refused, it does not send them again; the run and `requests` say so', () => {
    const root = defaultOrg();
    for (let task = 1; task <= 12; task += 1) humanSends(root, 'manager', `Please write the release notes for component ${task}.`, `Task ${task}`);

    const run = lemming(root, ['run', '--plain']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('the org is idle');
    expect(run.stdout).toContain('The per-turn cap cut 7 send(s) of this run');

    // What the engine tells the manager at its next turn: each refused hand-over, and why.
    const trace = lemming(root, ['trace', 'manager', '--turn', '2']);
    expect(trace.stdout).toContain('7 message(s) you sent were not delivered:');
    expect(trace.stdout).toContain('- to "planner" ("Task 12"): over the cap of 5 messages per turn (org.yaml engine.max_messages_per_turn)');
    // And what to do with them: a model told only "not delivered" may drop them.
    expect(trace.stdout).toContain('The cap counts the messages of one turn: those refused for it were not kept. Send them again in a later turn, at most the cap in each.');

    // It sends none of them again: five hand-overs in all, the five answers to the human.
    const outbox = readdirSync(join(root, 'agents/manager/outbox'));
    expect(outbox.filter((name) => name.endsWith('-planner.md'))).toHaveLength(5);
    expect(outbox.filter((name) => name.endsWith('-human.md'))).toHaveLength(5);

    const requests = lemming(root, ['requests']).stdout;
    expect(requests.match(/answered by manager/g)).toHaveLength(5);
    expect(requests.match(/waiting on manager since turn 0/g)).toHaveLength(7);

    // A waiting request counts the call that was shown it and tried to hand it on: the manager's
    // turn-1 call, charged whole to each request it was shown, as to the five it handed on (before: 0 credits).
    const turnOneCharge = readFileSync(join(root, 'agents/manager/logs/activity.jsonl'), 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as { turn: number; event: string; credits?: number; inputTokens?: number; outputTokens?: number })
      .find((entry) => entry.turn === 1 && entry.event === 'charged');
    expect(turnOneCharge?.credits).toBeGreaterThan(0);
    const listed = JSON.parse(lemming(root, ['requests', '--json']).stdout) as { requests: Array<{ subject?: string; state: string; credits: number; tokens: number }> };
    const waiting = listed.requests.filter((request) => request.state === 'open');
    expect(waiting.map((request) => request.subject)).toEqual(['Task 6', 'Task 7', 'Task 8', 'Task 9', 'Task 10', 'Task 11', 'Task 12']);
    for (const request of waiting) {
      expect(request.credits).toBe(turnOneCharge?.credits);
      expect(request.tokens).toBe((turnOneCharge?.inputTokens ?? 0) + (turnOneCharge?.outputTokens ?? 0));
    }
  }, 120_000);
});
