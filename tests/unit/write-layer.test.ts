import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { appendJournal, closeJournal } from '../../src/engine/record/journal.js';
import { THREAD_AFTER, TraceWriter, type TraceFailure } from '../../src/engine/record/trace-writer.js';
import { writeFileAtomic } from '../../src/storage/atomic-write.js';
import { asStorageError, forgetStorageFailure, StorageError } from '../../src/storage/storage-error.js';
import { appendText } from '../../src/storage/write-bytes.js';
import { mountSmallDisk, smallDisksRefused, type SmallDisk } from '../helpers/small-disk.js';
import { REPO_ROOT, tempDir } from '../helpers/org-files.js';

const refused = smallDisksRefused();
const disks: SmallDisk[] = [];
afterAll(() => {
  for (const disk of disks.splice(0)) disk.unmount();
});

/** A small disk with an org root on it (`org/org.yaml`, so the one line names the root), not yet full. */
function orgOnSmallDisk(): { disk: SmallDisk; root: string } {
  const disk = mountSmallDisk(512);
  if ('refused' in disk) throw new Error(disk.refused);
  disks.push(disk);
  const root = join(disk.folder, 'org-root');
  spawnSync('mkdir', ['-p', join(root, 'org'), join(root, 'agents/coder_01/workspace'), join(root, 'agents/coder_01/logs')]);
  writeFileSync(join(root, 'org/org.yaml'), 'name: small\n');
  return { disk, root };
}

function fill(disk: SmallDisk): void {
  spawnSync('sh', ['-c', disk.fillCommand]);
}

describe.skipIf(refused !== undefined)(`on a disk that is full (a tmpfs${refused ? `; skipped: ${refused}` : ''})`, () => {
  test('an atomic write fails with the one StorageError naming the file, leaves the old content, and no temporary', () => {
    const { disk, root } = orgOnSmallDisk();
    const file = join(root, 'agents/coder_01/workspace/report.md');
    writeFileAtomic(file, 'the old report\n');
    fill(disk);
    let thrown: unknown;
    try {
      writeFileAtomic(file, 'x'.repeat(200_000));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(StorageError);
    expect((thrown as StorageError).code).toBe('storage-full');
    expect((thrown as StorageError).message).toBe(`the disk holding ${root} is full (ENOSPC writing agents/coder_01/workspace/report.md); free some space and run again`);
    expect(readFileSync(file, 'utf8')).toBe('the old report\n');
    expect(readdirSync(join(root, 'agents/coder_01/workspace'))).toEqual(['report.md']);
    forgetStorageFailure();
  });

  test('an append the disk cuts short is taken back: the log is as it was, with no half line', () => {
    const { disk, root } = orgOnSmallDisk();
    const log = join(root, 'agents/coder_01/logs/activity.jsonl');
    appendText(log, '{"turn":1,"event":"called"}\n');
    fill(disk);
    // The log's last page still has room for some of this line: the kernel writes that much, then says ENOSPC.
    const line = `{"turn":2,"event":"note","message":"${'y'.repeat(20_000)}"}\n`;
    expect(() => appendText(log, line)).toThrow(StorageError);
    expect(readFileSync(log, 'utf8')).toBe('{"turn":1,"event":"called"}\n');
    disk.free();
    appendText(log, '{"turn":2,"event":"called"}\n');
    expect(readFileSync(log, 'utf8')).toBe('{"turn":1,"event":"called"}\n{"turn":2,"event":"called"}\n');
    forgetStorageFailure();
  });

  test('trace files the disk has no room for, written here or by the thread, are told with ENOSPC and removed, not left cut short', async () => {
    const { disk, root } = orgOnSmallDisk();
    const folder = join(root, 'agents/coder_01/logs');
    fill(disk);
    const failed: TraceFailure[] = [];
    const writer = new TraceWriter((failures) => failed.push(...failures));
    let thrownHere = 0;
    try {
      for (let index = 0; index < THREAD_AFTER + 20; index += 1) {
        try {
          writer.write(join(folder, `${String(index).padStart(6, '0')}.json`), `{"trace":${index},"text":"${'z'.repeat(5_000)}"}`, 1);
        } catch (error) {
          expect(error).toBeInstanceOf(StorageError);
          thrownHere += 1;
        }
      }
      await writer.flush();
    } finally {
      writer.close();
    }
    expect(thrownHere).toBe(THREAD_AFTER);
    expect(failed).toHaveLength(20);
    expect(failed.every((failure) => failure.code === 'ENOSPC')).toBe(true);
    expect(readdirSync(folder)).toEqual([]);
    forgetStorageFailure();
  });
});

test('after a failure of storage that something swallowed, the journal takes no record: a step is never journaled as done on a full disk', () => {
  const folder = tempDir();
  const journal = join(folder, 'journal.jsonl');
  appendJournal(journal, { type: 'done', turn: 1, outcome: { agent: 'coder_01', read: [], newMail: [], humanNotices: [], activity: 'sent 0' } });
  // A writer met a full disk, and whoever called it caught the error (a tool's catch, a cache).
  asStorageError(Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }), join(folder, 'workspace', 'report.md'));
  expect(() => appendJournal(journal, { type: 'done', turn: 1, outcome: { agent: 'planner', read: [], newMail: [], humanNotices: [], activity: 'sent 1' } })).toThrow(StorageError);
  closeJournal(journal);
  expect(readFileSync(journal, 'utf8').trim().split('\n')).toHaveLength(1);
  // A new engine starts afresh.
  forgetStorageFailure();
  appendJournal(journal, { type: 'done', turn: 2, outcome: { agent: 'planner', read: [], newMail: [], humanNotices: [], activity: 'sent 1' } });
  closeJournal(journal);
  expect(readFileSync(journal, 'utf8').trim().split('\n')).toHaveLength(2);
  expect(existsSync(journal)).toBe(true);
});

test('an atomic write through a temporary in another folder: the file lands whole, its folder made when missing; a folder that refuses the rename fails as a write beside would, and no temporary is left in either', () => {
  const root = tempDir('lemming-write-elsewhere-');
  const temporaries = join(root, 'state-cache');
  const target = join(root, 'outbox', '000002-001-bob.md');
  // Neither folder there yet: the temporaries' folder is made by the write, the outbox when the rename finds it missing.
  writeFileAtomic(target, 'hello\n', temporaries);
  expect(readFileSync(target, 'utf8')).toBe('hello\n');
  expect(readdirSync(join(root, 'outbox'))).toEqual(['000002-001-bob.md']);
  expect(readdirSync(temporaries)).toEqual([]);
  // An outbox that is a file: the error is a write's beside it (ENOTDIR naming a path in that "folder"), as before.
  writeFileSync(join(root, 'blocked'), 'not a folder\n');
  let failed: NodeJS.ErrnoException | undefined;
  try {
    writeFileAtomic(join(root, 'blocked', 'x.md'), 'hi\n', temporaries);
  } catch (error) {
    failed = error as NodeJS.ErrnoException;
  }
  expect({ code: failed?.code, beside: failed?.path?.startsWith(join(root, 'blocked') + '/') }).toEqual({ code: 'ENOTDIR', beside: true });
  expect(readdirSync(temporaries)).toEqual([]);
  expect(readFileSync(join(root, 'blocked'), 'utf8')).toBe('not a folder\n');
});

/**
 * writeFileAtomic in a process of its own, on the built code: what it printed (`wrote`, or the error's
 * code and path), and whether it ended by itself within the backstop (a write that spins never does).
 */
function atomicWriteAlone(path: string): { ended: boolean; said: string } {
  const script = `import { writeFileAtomic } from ${JSON.stringify(join(REPO_ROOT, 'dist', 'storage', 'atomic-write.js'))};
try { writeFileAtomic(${JSON.stringify(path)}, 'x'); console.log('wrote'); } catch (error) { console.log(error.code, error.path ?? ''); }`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
  return { ended: child.signal === null, said: child.stdout.trim() };
}

test("an atomic write into folders the system refuses to make (/proc/self/x) fails with the system's code and ends; missing folders elsewhere are made", () => {
  // Before: the fallback's recursive mkdir of /proc/self/x spun forever (ENOENT on a folder whose parent exists), at full CPU.
  expect(atomicWriteAlone('/proc/self/x/y/report.csv')).toEqual({ ended: true, said: 'ENOENT /proc/self/x' });
  expect(atomicWriteAlone('/proc/self/report.csv')).toEqual({ ended: true, said: expect.stringMatching(/^ENOENT \/proc\/self\/\.report\.csv\.lemming-/) });
  const root = tempDir('lemming-made-folders-');
  writeFileSync(join(root, 'notes'), 'mine\n');
  expect(atomicWriteAlone(join(root, 'notes', 'a', 'report.csv'))).toEqual({ ended: true, said: expect.stringMatching(/^ENOTDIR .*\/notes\/a\/\.report\.csv\.lemming-/) });
  expect(readFileSync(join(root, 'notes'), 'utf8')).toBe('mine\n');
  expect(atomicWriteAlone(join(root, 'a', 'b', 'c', 'report.csv'))).toEqual({ ended: true, said: 'wrote' });
  expect(readFileSync(join(root, 'a', 'b', 'c', 'report.csv'), 'utf8')).toBe('x');
  expect(readdirSync(join(root, 'a', 'b', 'c'))).toEqual(['report.csv']);
});

describe('an append that a full record leaves alone (appendText, unlessFrom)', () => {
  test('a file holding that many bytes is left as it was; a smaller one is appended to, a torn last line cut first, and its size after is returned', () => {
    const log = join(tempDir('lemming-append-unless-'), 'activity.jsonl');
    writeFileSync(log, '{"turn":1}\n{"turn":2}\n');
    expect(appendText(log, '{"turn":3}\n', { afterWholeLine: true, unlessFrom: 22 })).toBeUndefined();
    expect(readFileSync(log, 'utf8')).toBe('{"turn":1}\n{"turn":2}\n');
    // A line a crash cut short: cut, then the text appended; the size is the file's as it now is.
    writeFileSync(log, '{"turn":1}\n{"tu');
    expect(appendText(log, '{"turn":3}\n', { afterWholeLine: true, unlessFrom: 22 })).toBe(22);
    expect(readFileSync(log, 'utf8')).toBe('{"turn":1}\n{"turn":3}\n');
  });
});
