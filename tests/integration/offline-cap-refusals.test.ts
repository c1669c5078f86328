import { readdirSync } from 'node:fs';
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

    // It sends none of them again: five hand-overs in all, the five answers to the human.
    const outbox = readdirSync(join(root, 'agents/manager/outbox'));
    expect(outbox.filter((name) => name.endsWith('-planner.md'))).toHaveLength(5);
    expect(outbox.filter((name) => name.endsWith('-human.md'))).toHaveLength(5);

    const requests = lemming(root, ['requests']).stdout;
    expect(requests.match(/answered by manager/g)).toHaveLength(5);
    expect(requests.match(/waiting on manager since turn 0/g)).toHaveLength(7);
  }, 120_000);
});
