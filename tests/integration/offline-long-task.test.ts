import { expect, test } from 'vitest';
import { lemming } from '../helpers/cli.js';
import { defaultOrg, humanSends } from '../helpers/temp-org.js';

/**
 * A request typed as one long line (a paragraph pasted into `lemming chat`): the offline model notes
 * each task it hands down, and a note longer than the notes a prompt shows (org.yaml
 * context.max_memory_chars, 4,000 characters) is kept but never shown again, so the planner could not
 * tell whose report came back.
 */
test('a request of one 5,000-character line is answered: the note the planner keeps of it fits its next prompt', () => {
  const root = defaultOrg();
  const line = Array.from({ length: 300 }, () => 'Plan the release').join(' ');
  expect(line.length).toBeGreaterThan(5_000);
  humanSends(root, 'manager', line);

  const run = lemming(root, ['run', '--plain']);
  expect(run.status, run.stderr).toBe(0);
  // Before: `the org is idle` after turn 4, the planner silent on the coder's report and nobody answering the human.
  expect(run.stdout).toContain('[turn 4] planner -> manager: Re: Plan the release');
  expect(run.stdout).toContain('[turn 5] manager -> human: Re: Plan the release');
  expect(lemming(root, ['requests']).stdout).toMatch(/answered by manager in turn 5/);
});
