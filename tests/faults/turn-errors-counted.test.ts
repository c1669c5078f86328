import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { builtOrg, step } from '../helpers/built-org.js';
import { lemming } from '../helpers/cli.js';

/**
 * An agent whose turn's files cannot be written (here its activity log replaced by a folder) has each
 * turn's work set aside and its call charged, and says so each turn: "manager error: could not write its
 * files". The turn's line and the run's summary count those errors; before, both said "0 error(s)".
 */

const ranOrg = builtOrg((root) => {
  step(root, ['bootstrap']);
  step(root, ['send', 'manager', 'Please plan the release and write a summary file']);
  step(root, ['run', '--until', '4']);
});

test('an agent whose files cannot be written is counted as an error each turn, and in the run', () => {
  const root = ranOrg();
  const log = join(root, 'agents/manager/logs/activity.jsonl');
  rmSync(log);
  mkdirSync(log);
  step(root, ['send', 'manager', 'hello again']);
  const ledger = readFileSync(join(root, 'org/state/ledger.jsonl'), 'utf8').split('\n').length;
  const run = lemming(root, ['run', '--until', '7']);
  expect(run.status, run.stderr).toBe(0);
  const said = run.stdout.split('\n').filter((line) => line.includes('manager error: could not write its files'));
  expect(said).toHaveLength(3);
  for (const turn of [5, 6, 7]) expect(run.stdout).toMatch(new RegExp(`\\[turn ${turn}\\] done: .*, 1 error\\(s\\),`));
  expect(run.stdout).toMatch(/, 3 error\(s\); [\d,]+ tokens/);
  // Each attempt was charged: three of the manager's, one of the janitor's.
  expect(readFileSync(join(root, 'org/state/ledger.jsonl'), 'utf8').split('\n').length - ledger).toBe(4);
});
