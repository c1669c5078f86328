import { expect, test } from 'vitest';
import { lemming } from '../helpers/cli.js';
import { HandBuiltOrg } from '../helpers/hand-built-org.js';
import { read, write } from '../helpers/temp-org.js';

/*
 * An org with two human seats (docs/mcp.md: `outside_seats`, an agent with `model: human`): the person
 * at `human` writes once, a reviewer at its own seat twice, the manager once. analyze's header counts
 * the 4 message files and says the 3 the seats wrote are two people's, each with its count. Before,
 * it said "3 of them the person's", as if one person had written them.
 */
test("analyze's header names each human seat's messages when an org has several", () => {
  const org = new HandBuiltOrg();
  write(org.root, 'agents/reviewer/resume.md', '---\ntitle: Outside reviewer\nmodel: human\n---\nA second person, through `lemming mcp --as reviewer`.\n');
  write(org.root, 'org/chart.yaml', read(org.root, 'org/chart.yaml').replace('agents:\n', 'agents:\n  reviewer:\n    reports_to: null\n    send_to: [manager]\n    read_from: ["*"]\n'));
  write(org.root, 'org/org.yaml', `${read(org.root, 'org/org.yaml')}\noutside_seats: [reviewer]\n`);
  const request = org.send(0, 'human', 'manager', 'Build the login page for the site.');
  org.send(0, 'reviewer', 'manager', 'Please check the release notes.');
  org.called(1, 'manager', [request]);
  org.send(1, 'manager', 'planner', 'Plan the login page, please.', { replyTo: request, credits: 0.01 });
  org.send(1, 'reviewer', 'manager', 'And the changelog too.');
  org.finished(1);
  expect(lemming(org.root, ['validate']).status).toBe(0);

  const analysed = lemming(org.root, ['analyze']);
  expect(analysed.status, analysed.stderr).toBe(0);
  expect(analysed.stdout.split('\n')[0]).toBe("# Analysis of lemming-default (turn 1, 4 messages, 3 of them people's: human 1, reviewer 2)");
  const json = JSON.parse(lemming(org.root, ['analyze', '--json']).stdout) as { messages: number; personMessages: number; personMessagesBySeat: Record<string, number> };
  expect([json.messages, json.personMessages, json.personMessagesBySeat]).toEqual([4, 3, { human: 1, reviewer: 2 }]);
});
