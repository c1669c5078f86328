import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { lemmingAsync } from '../helpers/cli.js';
import { proposeHire } from '../helpers/propose-hire.js';
import { defaultOrg, read } from '../helpers/temp-org.js';

/** What a person was told and what the org holds after one approval and one rejection of the same hire, made at once. */
async function approveAndRejectAtOnce(): Promise<string> {
  const root = defaultOrg();
  const id = proposeHire(root, { proposer: 'manager', name: 'coder_02', reportsTo: 'manager', credits: 0.1 });
  const [approved, rejected] = await Promise.all([lemmingAsync(root, ['approve', id]), lemmingAsync(root, ['reject', id, '--reason', 'not now'])]);
  const status = /^status: (\w+)$/m.exec(read(root, `org/proposals/${id}.md`))?.[1];
  const hired = existsSync(join(root, 'agents/coder_02/resume.md'));
  if (approved.status === 0 && rejected.status === 1 && rejected.stderr.includes(`${id} was already`) && status === 'done' && hired) return 'approved';
  if (rejected.status === 0 && approved.status === 1 && approved.stderr.includes(`${id} was already rejected`) && status === 'rejected' && !hired) return 'rejected';
  return `approve exit ${approved.status} (${(approved.stdout + approved.stderr).trim()}); reject exit ${rejected.status} (${(rejected.stdout + rejected.stderr).trim()}); the file says ${status}; coder_02 ${hired ? 'hired' : 'not hired'}`;
}

test('a hire approved and rejected at once (the page beside `lemming reject`, two dashboards): one decision is taken, the other refused as already made, and the org is as the one taken says', async () => {
  // Before, each read the proposal pending and both were answered: in about 1 round of 5, `approved ... hire coder_02` and
  // `rejected ...; manager is told at the next turn`, both exit 0, and coder_02 hired.
  const outcomes: string[] = [];
  for (let round = 0; round < 30; round += 1) outcomes.push(await approveAndRejectAtOnce());
  expect(outcomes.filter((outcome) => outcome !== 'approved' && outcome !== 'rejected')).toEqual([]);
});
