import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { charges } from '../helpers/org-snapshot.js';
import { bootstrapOrg } from '../../src/org/bootstrap-org.js';
import { scratchDir } from '../faults/scratch.js';
import { DEFAULT_ORG, humanSends, runEngine } from '../helpers/temp-org.js';
import { keepHistory } from '../history/history-org.js';

/** The edge the chart gains after turn 1: the human may write to the planner too. */
export const EDGE_ADDED = 'human->planner';

/**
 * The default org keeping a history (kept until the file's tests are done), run one turn, its chart then edited by hand (the human may
 * write to the planner too), then run two turns more: turn 1 differs from the org now in its
 * messages, its chart and its balances.
 */
export async function orgWithTurns(): Promise<string> {
  // Kept for every test of the file (a temp-org folder goes after each test).
  const root = scratchDir('lemming-turns-');
  bootstrapOrg(root, DEFAULT_ORG);
  keepHistory(root);
  humanSends(root, 'manager', 'Please plan the release', 'Release');
  await runEngine(root, { maxTurns: 1 });
  const chart = join(root, 'org', 'chart.yaml');
  const edited = readFileSync(chart, 'utf8')
    .replace('send_to: [manager]\n', 'send_to: [manager, planner]\n')
    .replace('read_from: [manager, coder_01]', 'read_from: [manager, coder_01, human]');
  expect(edited).not.toBe(readFileSync(chart, 'utf8'));
  writeFileSync(chart, edited);
  await runEngine(root, { maxTurns: 2 });
  return root;
}

/** An agent's balance after `turn` from the ledger itself: its budget less what it was charged up to that turn. */
export function balanceAfter(root: string, agent: string, budget: number, turn: number): number {
  const spent = charges(root)
    .map((line) => line.split(':'))
    .filter(([charged, who]) => Number(charged) <= turn && who === agent)
    .reduce((sum, [, , credits]) => sum + Number(credits), 0);
  return budget - spent;
}
