import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { lemming, lemmingAsync } from '../helpers/cli.js';
import { defaultOrg } from '../helpers/temp-org.js';

/*
 * `lemming analyze --json` on the baseline of docs/experiments.md ("A counterfactual study": the
 * default org asked for the release notes, run to idle on the offline model). Each agent's credits
 * are its charges in the ledger, added in billionths: the planner's two calls, 0.00914 and 0.01217,
 * read 0.021310000000000003 before.
 */
test("analyze --json gives each agent's credits as its ledger's charges add up, in billionths", async () => {
  const root = defaultOrg();
  expect(lemming(root, ['send', 'manager', 'Please get the release notes for version 2 written and checked.', '--subject', 'Release notes']).status).toBe(0);
  const run = await lemmingAsync(root, ['run', '--plain']);
  expect(run.status, run.stderr).toBe(0);
  const nano = new Map<string, number>();
  for (const line of readFileSync(join(root, 'org/state/ledger.jsonl'), 'utf8').split('\n')) {
    if (line === '') continue;
    const entry = JSON.parse(line) as { type: string; agent: string; credits: number };
    if (entry.type === 'charge') nano.set(entry.agent, (nano.get(entry.agent) ?? 0) + Math.round(entry.credits * 1e9));
  }
  expect([...nano.values()].filter((sum) => sum > 0).length).toBeGreaterThan(2);

  const analysed = lemming(root, ['analyze', '--json']);
  expect(analysed.status, analysed.stderr).toBe(0);
  const analysis = JSON.parse(analysed.stdout) as { agents: Array<{ agent: string; credits: number }>; requests: Array<{ credits: number; answer: { turn: number } }> };
  expect(analysis.agents.map((agent) => [agent.agent, agent.credits])).toEqual(analysis.agents.map((agent) => [agent.agent, (nano.get(agent.agent) ?? 0) / 1e9]));
  // The person's request went manager, planner, coder_01, planner, manager: its credits are every call of the run
  // up to the answer but the janitor's, which wrote nothing in its thread.
  const [request] = analysis.requests;
  expect(request?.credits).toBe(([...nano].filter(([agent]) => agent !== 'janitor').reduce((sum, [, spent]) => sum + spent, 0)) / 1e9);
});
