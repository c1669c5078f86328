import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { analyze } from '../../src/library/analysis.js';
import { lemming } from '../helpers/cli.js';
import { HandBuiltOrg } from '../helpers/hand-built-org.js';
import { read, write } from '../helpers/temp-org.js';
import { readTablesFolder } from '../helpers/read-csv.js';

/*
 * A planted request whose cost is known: the person asks the manager (turn 0); the manager, shown it,
 * hands it to the planner and to hr (turn 1, charged 0.01); the planner, shown its part, reports back
 * (turn 2, 0.02); hr, shown its part, is charged 0.005 and writes nothing (its sends refused, say); the
 * manager, shown the report, answers the person (turn 3, 0.004). Every one of those calls was paid to
 * work on the request, so it cost 0.039 credits and 0.039 is what `lemming requests` and `lemming
 * analyze` both say. Before, analyze counted only the calls that wrote in the thread and said 0.034,
 * where requests said 0.039: two rules for one figure.
 */

const AT = '2026-11-24T10:00:00.000Z';

/** The call's charge, where the engine writes it: the agent's log and the ledger. */
function charge(org: HandBuiltOrg, turn: number, agent: string, credits: number): void {
  mkdirSync(join(org.root, `agents/${agent}/logs`), { recursive: true });
  appendFileSync(join(org.root, `agents/${agent}/logs/activity.jsonl`), `${JSON.stringify({ turn, at: AT, event: 'charged', model: 'offline', inputTokens: 100, outputTokens: 20, credits })}\n`);
  appendFileSync(
    join(org.root, 'org/state/ledger.jsonl'),
    `${JSON.stringify({ type: 'charge', turn, agent, model: 'offline', input_tokens: 100, output_tokens: 20, credits, at: AT })}\n`,
  );
}

test('a request costs the same by `lemming requests` and `lemming analyze`: every call paid to work on it, once', () => {
  const org = new HandBuiltOrg();
  const request = org.send(0, 'human', 'manager', 'Build the login page for the site.');
  org.called(1, 'manager', [request]);
  const plan = org.send(1, 'manager', 'planner', 'Plan the login page, please.', { replyTo: request, credits: 0.01 });
  const hire = org.send(1, 'manager', 'hr', 'Find us a designer for the login page.', { replyTo: request, credits: 0.01 });
  charge(org, 1, 'manager', 0.01);
  org.called(2, 'planner', [plan]);
  const report = org.send(2, 'planner', 'manager', 'The plan is ready.', { replyTo: plan, credits: 0.02 });
  charge(org, 2, 'planner', 0.02);
  org.called(2, 'hr', [hire]);
  charge(org, 2, 'hr', 0.005);
  org.called(3, 'manager', [report]);
  org.send(3, 'manager', 'human', 'The login page is planned.', { replyTo: report, credits: 0.004 });
  charge(org, 3, 'manager', 0.004);
  org.finished(3);

  const requests = lemming(org.root, ['requests', '--json']);
  expect(requests.status, requests.stderr).toBe(0);
  const listed = (JSON.parse(requests.stdout) as { requests: Array<{ id: string; credits: number }> }).requests;
  const analysed = lemming(org.root, ['analyze', '--json']);
  expect(analysed.status, analysed.stderr).toBe(0);
  const paths = (JSON.parse(analysed.stdout) as { requests: Array<{ id: string; credits: number }> }).requests;

  expect(listed.map((each) => [each.id, each.credits])).toEqual([[request, 0.039]]);
  expect(paths.map((each) => [each.id, each.credits])).toEqual([[request, 0.039]]);
  // analyze's CSV and the library's analyze say the same.
  const tables = join(org.root, 'tables');
  expect(lemming(org.root, ['analyze', '--csv', tables]).status).toBe(0);
  expect(readTablesFolder(tables).requests?.map((row) => [row.id, row.credits])).toEqual([[request, '0.039']]);
  expect(analyze(org.root).requests.map((each) => each.credits)).toEqual([0.039]);
  // What the person reads on screen says the same.
  expect(lemming(org.root, ['requests']).stdout).toContain('0.0390 credits');
  expect(lemming(org.root, ['analyze']).stdout).toContain(`| ${request} | human → manager → planner → manager → human | 4 | 3 | 0.0390 |`);
});

/** Each request's id, credits and whom it was answered by, as `lemming requests --json` and `lemming analyze --json` list them. */
function bothPaths(root: string): { listed: Array<[string, number, string | undefined]>; paths: Array<[string, number, string | undefined]> } {
  const requests = lemming(root, ['requests', '--json']);
  expect(requests.status, requests.stderr).toBe(0);
  const analysed = lemming(root, ['analyze', '--json']);
  expect(analysed.status, analysed.stderr).toBe(0);
  type Row = { id: string; credits: number; answer?: { from: string } };
  return {
    listed: (JSON.parse(requests.stdout) as { requests: Row[] }).requests.map((each) => [each.id, each.credits, each.answer?.from]),
    paths: (JSON.parse(analysed.stdout) as { requests: Row[] }).requests.map((each) => [each.id, each.credits, each.answer?.from]),
  };
}

/*
 * Two human seats (docs/mcp.md: `outside_seats`): the person asks the manager (answered in turn 2 for
 * 0.01 + 0.004), and a reviewer at its own seat asks the manager too (answered in turn 1 by the same call,
 * 0.01, the usage every message of a call carries).
 * Both are requests, by both paths. Before, `lemming requests` listed only the person's (`human`'s)
 * and analyze listed both.
 */
test("every human seat's requests are listed by `lemming requests` as by `lemming analyze`, at the same cost", () => {
  const org = new HandBuiltOrg();
  write(org.root, 'agents/reviewer/resume.md', '---\ntitle: Outside reviewer\nmodel: human\n---\nA second person, through `lemming mcp --as reviewer`.\n');
  write(org.root, 'org/chart.yaml', read(org.root, 'org/chart.yaml').replace('agents:\n', 'agents:\n  reviewer:\n    reports_to: null\n    send_to: [manager]\n    read_from: ["*"]\n'));
  write(org.root, 'org/org.yaml', `${read(org.root, 'org/org.yaml')}\noutside_seats: [reviewer]\n`);
  const login = org.send(0, 'human', 'manager', 'Build the login page for the site.');
  const notes = org.send(0, 'reviewer', 'manager', 'Please check the release notes.');
  org.called(1, 'manager', [login, notes]);
  const plan = org.send(1, 'manager', 'planner', 'Plan the login page, please.', { replyTo: login, credits: 0.01 });
  org.send(1, 'manager', 'reviewer', 'The release notes read well.', { replyTo: notes, credits: 0.01 });
  charge(org, 1, 'manager', 0.01);
  org.called(2, 'manager', [plan]);
  org.send(2, 'manager', 'human', 'The login page is planned.', { replyTo: login, credits: 0.004 });
  charge(org, 2, 'manager', 0.004);
  org.finished(2);
  expect(lemming(org.root, ['validate']).status).toBe(0);

  const { listed, paths } = bothPaths(org.root);
  // The manager's turn-1 call was shown both requests: it counts whole under each (request-calls.ts).
  expect(paths).toEqual([
    [login, 0.014, 'manager'],
    [notes, 0.01, 'manager'],
  ]);
  expect(listed).toEqual(paths);
  expect(lemming(org.root, ['requests']).stdout).toContain(`[turn 0] ${notes} to manager: Please check the\n  answered by manager in turn 1 (000001-manager-002); 2 message(s), 120 tokens, 0.0100 credits`);
});

/*
 * A request whose thread goes through a mailing list (docs/org-on-disk.md): the manager posts the
 * person's request to the list `team` (the planner and hr, turn 1, 0.01); the planner, shown the post,
 * reports back (turn 2, 0.02); hr, shown it, is charged 0.005 and writes nothing; the manager answers
 * (turn 3, 0.004): 0.039 by both paths. Before, `lemming requests` took the list's name for a reader,
 * missed hr's call and said 0.034, where analyze, reading the list's members, said 0.039.
 */
test('a request handed on through a mailing list costs the same by both paths: every member shown the post counts', () => {
  const org = new HandBuiltOrg();
  write(org.root, 'org/lists/team.yaml', 'members: [planner, hr]\nmay_post: "*"\n');
  write(org.root, 'org/chart.yaml', read(org.root, 'org/chart.yaml').replace(/(  manager:\n(?:    .*\n)*?    send_to: \[)/, '$1team, '));
  const request = org.send(0, 'human', 'manager', 'Build the login page for the site.');
  org.called(1, 'manager', [request]);
  const post = org.send(1, 'manager', 'team', 'Plan the login page and find a designer.', { replyTo: request, credits: 0.01 });
  charge(org, 1, 'manager', 0.01);
  org.called(2, 'planner', [post]);
  const report = org.send(2, 'planner', 'manager', 'The plan is ready.', { replyTo: post, credits: 0.02 });
  charge(org, 2, 'planner', 0.02);
  org.called(2, 'hr', [post]);
  charge(org, 2, 'hr', 0.005);
  org.called(3, 'manager', [report]);
  org.send(3, 'manager', 'human', 'The login page is planned.', { replyTo: report, credits: 0.004 });
  charge(org, 3, 'manager', 0.004);
  org.finished(3);
  expect(lemming(org.root, ['validate']).status).toBe(0);

  const { listed, paths } = bothPaths(org.root);
  expect(paths).toEqual([[request, 0.039, 'manager']]);
  expect(listed).toEqual(paths);
});

/*
 * An open request handed on through a list: the manager posts the person's request to `team` (the
 * planner and hr) in turn 1; neither has written since. Both paths say it waits on the planner and on
 * hr since turn 1. Before, `lemming requests` said "stuck with team since turn 1: team is no longer in
 * the org" (the list's name taken for an agent) and analyze said it waited on the planner alone.
 */
test('an open request posted to a list waits on each member, by both paths', () => {
  const org = new HandBuiltOrg();
  write(org.root, 'org/lists/team.yaml', 'members: [planner, hr]\nmay_post: "*"\n');
  write(org.root, 'org/chart.yaml', read(org.root, 'org/chart.yaml').replace(/(  manager:\n(?:    .*\n)*?    send_to: \[)/, '$1team, '));
  const request = org.send(0, 'human', 'manager', 'Build the login page for the site.');
  org.called(1, 'manager', [request]);
  const post = org.send(1, 'manager', 'team', 'Plan the login page and find a designer.', { replyTo: request, credits: 0.01 });
  charge(org, 1, 'manager', 0.01);
  org.finished(2);

  const expected = [
    { agent: 'planner', since: 1, message: post },
    { agent: 'hr', since: 1, message: post },
  ];
  const listed = JSON.parse(lemming(org.root, ['requests', '--json']).stdout) as { requests: Array<{ state: string; waitingOn: unknown }> };
  expect(listed.requests.map((each) => [each.state, each.waitingOn])).toEqual([['open', expected]]);
  const analysed = JSON.parse(lemming(org.root, ['analyze', '--json']).stdout) as { unanswered: Array<{ waitingOn: unknown }> };
  expect(analysed.unanswered.map((each) => each.waitingOn)).toEqual([expected]);
  expect(lemming(org.root, ['requests']).stdout).toContain('waiting on planner since turn 1; waiting on hr since turn 1');
});

/*
 * A request answered twice: the manager tells the person in turn 1 that the work has started, and in
 * turn 3 that it is done. Both paths name the same answer, the first (turn 1): analyze's path, hops and
 * turns follow it. Before, `lemming requests` said "answered by manager in turn 3" where analyze said 1.
 */
test('a request answered twice is answered by the same message by both paths: the first', () => {
  const org = new HandBuiltOrg();
  const request = org.send(0, 'human', 'manager', 'Build the login page for the site.');
  org.called(1, 'manager', [request]);
  const started = org.send(1, 'manager', 'human', 'Started on the login page.', { replyTo: request, credits: 0.01 });
  org.send(1, 'manager', 'planner', 'Plan the login page, please.', { replyTo: request, credits: 0.01 });
  charge(org, 1, 'manager', 0.01);
  org.send(3, 'manager', 'human', 'The login page is done.', { replyTo: request, credits: 0.004 });
  org.finished(3);

  const listed = JSON.parse(lemming(org.root, ['requests', '--json']).stdout) as { requests: Array<{ answer?: { id: string; turn: number } }> };
  const analysed = JSON.parse(lemming(org.root, ['analyze', '--json']).stdout) as { requests: Array<{ answer: { id: string; turn: number }; turns: number }> };
  expect(analysed.requests.map((each) => [each.answer.id, each.answer.turn, each.turns])).toEqual([[started, 1, 1]]);
  expect(listed.requests.map((each) => [each.answer?.id, each.answer?.turn])).toEqual([[started, 1]]);
  expect(lemming(org.root, ['requests']).stdout).toContain(`answered by manager in turn 1 (${started})`);
});
