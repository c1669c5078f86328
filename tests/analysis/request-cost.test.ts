import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { analyze } from '../../src/library/analysis.js';
import { lemming } from '../helpers/cli.js';
import { HandBuiltOrg } from '../helpers/hand-built-org.js';
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
