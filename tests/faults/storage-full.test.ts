import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { lemming, lemmingAsync, type CliResult } from '../helpers/cli.js';
import { activityLogs, allFiles, charges, messageFiles, workspaceFiles } from '../helpers/org-snapshot.js';
import { mountSmallDisk, smallDisksRefused, type SmallDisk } from '../helpers/small-disk.js';
import { checkInvariants } from './invariants.js';
import { scratchDir } from './scratch.js';
import { twoTasksOrg } from './two-tasks-org.js';

/** The exit code of a run stopped by its storage (docs/cli.md, "Commands"). */
const STORAGE_EXIT = 5;


const seed = twoTasksOrg();
const reference = mkdtempSync(join(tmpdir(), 'lemming-reference-'));
cpSync(seed, reference, { recursive: true });
const referenceRun = lemming(reference, ['run']);
const refused = smallDisksRefused();
const disks: SmallDisk[] = [];
afterAll(() => {
  for (const disk of disks.splice(0)) disk.unmount();
  for (const root of [seed, reference]) rmSync(root, { recursive: true, force: true });
});

/** Every temporary file under the root: the run's org holds no `.tmp` file of its own. */
function temporaries(root: string): string[] {
  return allFiles(root).filter((file) => file.endsWith('.tmp'));
}

function expectSameAsReference(root: string): void {
  expect(messageFiles(root)).toEqual(messageFiles(reference));
  expect(charges(root)).toEqual(charges(reference));
  expect(activityLogs(root)).toEqual(activityLogs(reference));
  expect(workspaceFiles(root)).toEqual(workspaceFiles(reference));
}

/** The seed copied onto a small disk of its own (`disk`), or into a scratch folder when there is none. */
function copyOfSeed(onDisk: boolean): { root: string; disk?: SmallDisk } {
  if (!onDisk) {
    const root = scratchDir();
    cpSync(seed, root, { recursive: true });
    return { root };
  }
  const disk = mountSmallDisk(2048);
  if ('refused' in disk) throw new Error(disk.refused);
  disks.push(disk);
  const root = join(disk.folder, 'org');
  cpSync(seed, root, { recursive: true });
  return { root, disk };
}

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The one line a run stopped by a full disk prints, naming the file it was writing (any file, when
 * `file` is not given), and saying the turn resumes (not when the run stopped before a turn).
 */
function fullDiskLine(root: string, code: string, file?: string): RegExp {
  const writing = file === undefined ? '[^)]+' : escaped(file);
  const resumes = ': the turn resumes where it stopped';
  const then = file === 'org/state/lock' ? '' : file === undefined ? `(${resumes})?` : resumes;
  return new RegExp(`^lemming: the disk holding ${escaped(root)} is full \\(${code} writing ${writing}\\); free some space and run again${then}\\n$`);
}

/**
 * Writes of every kind a run makes, each as `LEMMING_STORAGE_FAULT` picks one (the n-th write to a
 * path containing the text), with the file that write is to.
 */
const WRITES: Array<[kind: string, text: string, n: number, file: string]> = [
  ['the lock', '/state/lock', 1, 'org/state/lock'],
  ['a message', '/outbox/', 2, 'agents/manager/outbox/000001-002-hr.md'],
  ['a note', '/memory/', 1, 'agents/manager/memory/task-first-release.md'],
  ["an agent's workspace file (write_file)", '/agents/coder_01/workspace/', 1, 'agents/coder_01/workspace/work/first-release.md'],
  ['a shared workspace file (write_file)', 'workspace/plans/', 1, 'workspace/plans/first-release.md'],
  ['a call trace', '/logs/traces/0', 2, 'agents/hr/logs/traces/000002.json'],
  ["a trace's part", '/traces/parts/', 3, 'agents/hr/logs/traces/parts/c200052856506b784bc2ae4d659d1894.txt'],
  ['the journal', 'journal.jsonl', 4, 'org/state/journal.jsonl'],
  ['the ledger', 'ledger.jsonl', 2, 'org/state/ledger.jsonl'],
  ['an activity log', 'activity.jsonl', 3, 'agents/planner/logs/activity.jsonl'],
  ['the engine state', 'engine.json', 2, 'org/state/engine.json'],
  ['the record of files taken in', 'taken.jsonl', 2, 'org/state/taken.jsonl'],
];

/** Run a copy of the seed with the fault, check how it stopped, run it again with the space back, and return the copy. */
async function stopAndFinish(root: string, fault: string, expectLine: RegExp, free: () => void = () => undefined): Promise<CliResult> {
  const stopped = await lemmingAsync(root, ['run'], { LEMMING_STORAGE_FAULT: fault });
  expect(stopped.stderr).toMatch(expectLine);
  expect(stopped.status).toBe(STORAGE_EXIT);
  expect(temporaries(root)).toEqual([]);
  free();
  const resumed = await lemmingAsync(root, ['run']);
  expect(resumed.stderr).toBe('');
  expect(resumed.status).toBe(0);
  expect(resumed.stdout).toContain('the org is idle');
  expectSameAsReference(root);
  expect(checkInvariants(root)).toEqual([]);
  return stopped;
}

test('the reference run reaches idle and writes every kind of file', () => {
  expect(referenceRun.status).toBe(0);
  const files = allFiles(reference);
  // The lock and the journal are gone once a run ends, and the note is forgotten again by its last turn.
  const transient = ['org/state/lock', 'org/state/journal.jsonl', 'agents/manager/memory/task-first-release.md'];
  for (const [, text, , file] of WRITES) if (!transient.includes(file)) expect(files, text).toContain(file);
  expect(checkInvariants(reference)).toEqual([]);
});

describe.skipIf(refused !== undefined)(`a disk that fills up during a write (a tmpfs of 2 MB${refused ? `; skipped: ${refused}` : ''})`, () => {
  test.concurrent.each(WRITES)('filled while writing %s: the run stops with one line and exit 5, nothing half-written; freed, the run finishes as if it never stopped', async (_kind, text, n) => {
    const { root, disk } = copyOfSeed(true);
    if (!disk) throw new Error('no disk');
    // Which file meets the full disk first is the kernel's to say: an append may still fit in its last page.
    await stopAndFinish(root, `${text}:${n}:$ ${disk.fillCommand}`, fullDiskLine(root, 'ENOSPC'), () => disk.free());
  });
});

describe('ENOSPC injected in the write layer (the same on any machine)', () => {
  test.concurrent.each(WRITES)('while writing %s: one line naming the file, exit 5, nothing half-written; the next run finishes as if it never stopped', async (_kind, text, n, file) => {
    const { root } = copyOfSeed(false);
    const stopped = await stopAndFinish(root, `${text}:${n}:ENOSPC`, fullDiskLine(root, 'ENOSPC', file));
    expect(stopped.stderr).not.toContain('unexpected error');
  });

  test('a write_file that meets a full disk never reaches the model: the step is redone by the next run, and the coder never reads an error', async () => {
    const { root } = copyOfSeed(false);
    const stopped = await lemmingAsync(root, ['run'], { LEMMING_STORAGE_FAULT: '/agents/coder_01/workspace/:1:ENOSPC' });
    expect(stopped.status).toBe(STORAGE_EXIT);
    expect(stopped.stdout).not.toMatch(/could not be written|coder_01 -> planner/);
    // Nothing of the coder's turn is written: no log line, no report to the planner.
    expect(existsSync(join(root, 'agents/coder_01/logs/activity.jsonl'))).toBe(false);
    expect(readdirSync(join(root, 'agents/coder_01/outbox'))).toEqual([]);
    const resumed = await lemmingAsync(root, ['run']);
    expect(resumed.status).toBe(0);
    expect(readFileSync(join(root, 'agents/coder_01/workspace/work/first-release.md'), 'utf8')).toBe(
      readFileSync(join(reference, 'agents/coder_01/workspace/work/first-release.md'), 'utf8'),
    );
    expectSameAsReference(root);
  });

  test.concurrent.each([
    ['EROFS', '/agents/coder_01/workspace/', 'agents/coder_01/workspace/work/first-release.md', 'the file system holding ROOT is read-only (EROFS writing FILE); make it writable and run again: the turn resumes where it stopped'],
    ['EDQUOT', 'journal.jsonl', 'org/state/journal.jsonl', 'the disk quota for ROOT is used up (EDQUOT writing FILE); free some space or raise the quota and run again: the turn resumes where it stopped'],
    ['EIO', 'ledger.jsonl', 'org/state/ledger.jsonl', 'the disk holding ROOT could not write (EIO writing FILE); check the disk, then run again: the turn resumes where it stopped'],
  ])('%s while writing %s: the one line says what to do, exit 5; the next run finishes', async (code, text, file, line) => {
    const { root } = copyOfSeed(false);
    const n = text === 'journal.jsonl' ? 4 : 1;
    await stopAndFinish(root, `${text}:${n}:${code}`, new RegExp(`^${`lemming: ${line.replace('ROOT', root).replace('FILE', file)}`.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n$`));
  });
});

describe.skipIf(refused !== undefined)(`an org on a file system remounted read-only${refused ? ` (skipped: ${refused})` : ''}`, () => {
  test('run and send stop with the one line and exit 5, changing nothing; writable again, the run finishes as if never stopped', async () => {
    const { root, disk } = copyOfSeed(true);
    if (!disk) throw new Error('no disk');
    const before = allFiles(root);
    disk.readOnly();
    try {
      const run = await lemmingAsync(root, ['run']);
      expect(run.stderr).toBe(`lemming: the file system holding ${root} is read-only (EROFS writing org/state/lock); make it writable and run again\n`);
      expect(run.status).toBe(STORAGE_EXIT);
      const send = await lemmingAsync(root, ['send', 'manager', 'One more thing.']);
      expect(send.stderr).toMatch(new RegExp(`^lemming: the file system holding ${root} is read-only \\(EROFS writing agents/human/outbox/000000-003-manager\\.md\\); make it writable and run again\\n$`));
      expect(send.status).toBe(STORAGE_EXIT);
    } finally {
      disk.writable();
    }
    expect(allFiles(root)).toEqual(before);
    const resumed = await lemmingAsync(root, ['run']);
    expect(resumed.status).toBe(0);
    expectSameAsReference(root);
    expect(checkInvariants(root)).toEqual([]);
  });
});
