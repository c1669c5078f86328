import { expect, test } from 'vitest';
import { buildOrg } from '../../bench/build-org.js';
import { dryRun } from '../../src/dry-run/dry-run.js';
import { callsTo, countFsWork, type FsWork } from '../helpers/fs-work.js';
import { tempDir } from '../helpers/org-files.js';

const WRITES = ['writeFileSync', 'appendFileSync', 'writeSync', 'renameSync', 'linkSync', 'mkdirSync'];

/** The file writes of `lemming run --dry-run` (the library's dryRun) on an org of `agents` agents, one of whom has a letter waiting. */
async function dryRunWork(agents: number): Promise<{ work: FsWork; calls: number }> {
  const root = tempDir('lemming-dry-run-work-');
  buildOrg(root, { agents, history: 0, withMail: 1 });
  let calls = 0;
  const work = await countFsWork(async () => {
    calls = (await dryRun(root, 1)).totals.calls;
  });
  return { work, calls };
}

// Counted, not timed: the scratch copy of a dry run holds what a turn may write, not a resume per agent.
test('a dry run writes as much into its scratch copy at 200 agents as at 20: the resumes are read where they are, not copied', { timeout: 60_000 }, async () => {
  // One dry run first, not compared: what a process writes once it does here. In a whole suite's shared worker an
  // earlier file may have done it already, or not: the first counted run then wrote 4 files, 2 renames and 2 folders
  // more than the second (16 against 12), a difference that says nothing of the scratch copy.
  await dryRunWork(5);
  const small = await dryRunWork(20);
  const large = await dryRunWork(200);
  expect([small.calls, large.calls]).toEqual([1, 1]);
  // Before, each resume was copied: a folder made and a file written for each of the 180 more agents
  // (211 writes against 31). Files made, folders made and renames are equal. The writes into open
  // descriptors differed by one once, in a whole suite on a loaded machine (14 against 13; not seen
  // alone): held within two, which a resume copied per agent would break 180 times over.
  const exact = WRITES.filter((name) => name !== 'writeSync');
  expect(exact.map((name) => [name, callsTo(large.work, name)])).toEqual(exact.map((name) => [name, callsTo(small.work, name)]));
  expect(Math.abs(callsTo(large.work, 'writeSync') - callsTo(small.work, 'writeSync'))).toBeLessThanOrEqual(2);
});
