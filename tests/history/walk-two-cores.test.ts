import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, expect, test, vi } from 'vitest';
import { agentName, buildOrg } from '../../bench/build-org.js';
import { countFsWork } from '../helpers/fs-work.js';
import { tempDir } from '../helpers/org-files.js';

/*
 * The history's walk of the whole org (a process's first entry) looks at each entry of a large folder of
 * lemming's own (an outbox) on two cores: the look-ahead thread `lstat`s from the folder's last entry back
 * while the walk goes from the first (storage/stat-ahead.ts, LstatAhead). Whoever looked, the walk finds the same files
 * with the same stamps, and leaves out the same paths, as the walk on the engine's thread alone; and with no
 * thread (worker threads missing, or one that fails to start) the walk is that plain walk.
 */

const AGENTS = 3;
/** Files in each outbox: past LSTAT_AHEAD_FROM, so each outbox is shared. */
const OUTBOX_FILES = 1_500;

type Walk = { files: Array<[string, string, number, number, number, number, boolean]>; leftOut: string[]; leftOutCount: number; lookedAhead: number; lstats: number };

/** A walk of the org's recorded files as a process's first entry walks it, from a fresh load of the modules (so a mock of the thread applies). */
async function walk(root: string, startedMs: number): Promise<Walk> {
  const { walkRecordedFiles } = await import('../../src/history/recorded-files.js');
  const { workspaceLimitsOf } = await import('../../src/org/workspace-limits.js');
  let walked: ReturnType<typeof walkRecordedFiles> | undefined;
  const work = await countFsWork(async () => {
    walked = walkRecordedFiles(root, workspaceLimitsOf(undefined), startedMs);
  });
  const done = walked as ReturnType<typeof walkRecordedFiles>;
  return {
    files: [...done.files].map(([path, seen]) => [path, seen.mode, seen.size, seen.mtimeMs, seen.ctimeMs, seen.ino, seen.racy]),
    leftOut: done.leftOut.map((left) => `${left.path} ${left.reason}`),
    leftOutCount: done.leftOutCount,
    lookedAhead: done.lookedAhead,
    lstats: work.calls.lstatSync ?? 0,
  };
}

/** The walk with the thread started and running (it starts at the first large folder; a walk that finds it not yet running looks at each entry itself). */
async function walkWithTheThread(root: string, startedMs: number): Promise<Walk> {
  const { lookAheadThread } = await import('../../src/storage/look-ahead-thread.js');
  const thread = lookAheadThread();
  expect(thread).toBeDefined();
  await new Promise((resolve) => setTimeout(resolve, 300));
  let walked = await walk(root, startedMs);
  for (let attempt = 0; attempt < 20 && walked.lookedAhead === 0; attempt += 1) walked = await walk(root, startedMs);
  return walked;
}

/** The plain walk: no worker thread can be started. */
async function walkWithoutThreads(root: string, startedMs: number): Promise<Walk> {
  vi.resetModules();
  vi.doMock('node:worker_threads', async (importOriginal) => ({
    ...(await importOriginal<typeof import('node:worker_threads')>()),
    Worker: class {
      constructor() {
        throw new Error('no worker threads here');
      }
    },
  }));
  try {
    const walked = await walk(root, startedMs);
    const { lookAheadThread } = await import('../../src/storage/look-ahead-thread.js');
    expect(lookAheadThread()).toBeUndefined();
    return walked;
  } finally {
    vi.doUnmock('node:worker_threads');
    vi.resetModules();
  }
}

let socket: Server | undefined;
afterEach(() => {
  socket?.close();
  socket = undefined;
});

/**
 * An org of AGENTS agents, each outbox OUTBOX_FILES messages, with in the first outbox (shared with the thread)
 * a link, a pipe, a socket, a folder and a secret, and a workspace with a link and a file (walked on the engine's thread alone).
 */
async function bigOrg(): Promise<string> {
  const root = tempDir('lemming-walk-two-cores-');
  const outside = tempDir('lemming-walk-two-cores-outside-');
  writeFileSync(join(outside, 'secret.md'), 'outside the org\n');
  buildOrg(root, { agents: AGENTS, history: 0, withMail: 0 });
  for (let index = 0; index < AGENTS; index += 1) {
    const outbox = join(root, 'agents', agentName(index), 'outbox');
    mkdirSync(outbox, { recursive: true });
    for (let file = 0; file < OUTBOX_FILES; file += 1) writeFileSync(join(outbox, `${String(file).padStart(6, '0')}-001-x.md`), `message ${file} of ${index}\n`);
  }
  const outbox = join(root, 'agents', agentName(0), 'outbox');
  symlinkSync(join(outside, 'secret.md'), join(outbox, '000100-002-link.md'));
  execFileSync('mkfifo', [join(outbox, '000200-002-pipe.md')]);
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(join(outbox, '000300-002-socket.md'), resolve));
  socket = server;
  mkdirSync(join(outbox, '000400-002-folder.md'));
  writeFileSync(join(outbox, '000400-002-folder.md', 'inside.md'), 'inside a folder\n');
  writeFileSync(join(outbox, '.env'), 'KEY=secret\n');
  const workspace = join(root, 'agents', agentName(1), 'workspace');
  mkdirSync(workspace, { recursive: true });
  writeFileSync(join(workspace, 'work.md'), 'work\n');
  symlinkSync(outside, join(workspace, 'out'));
  return root;
}

/** Both walks agree, file for file and stamp for stamp; the thread took part in one, the engine's thread did the rest of its looks. */
function expectTheSameWalk(plain: Walk, shared: Walk): void {
  expect(shared.files).toEqual(plain.files);
  expect(shared.leftOut).toEqual(plain.leftOut);
  expect(shared.leftOutCount).toBe(plain.leftOutCount);
  expect(plain.lookedAhead).toBe(0);
  expect(shared.lookedAhead).toBeGreaterThan(0);
  // Every look whose answer the walk took from the thread is one the engine's thread did not take (where they meet, the
  // engine's thread looks at the path the thread is on rather than wait: that one answer of the thread's is not taken).
  expect(shared.lstats + shared.lookedAhead).toBe(plain.lstats);
}

test('a walk of the whole org with the look-ahead thread finds what the plain walk finds: the same files and stamps, the same paths left out', { timeout: 120_000 }, async () => {
  const root = await bigOrg();
  const startedMs = Date.now() + 60_000;
  const plain = await walkWithoutThreads(root, startedMs);
  const shared = await walkWithTheThread(root, startedMs);
  expectTheSameWalk(plain, shared);
  expect(plain.files.length).toBeGreaterThan(AGENTS * OUTBOX_FILES);
  const paths = new Set(plain.files.map(([path]) => path));
  const first = `agents/${agentName(0)}/outbox`;
  expect(paths.has(`${first}/000400-002-folder.md/inside.md`)).toBe(true);
  expect(paths.has(`agents/${agentName(1)}/workspace/work.md`)).toBe(true);
  for (const name of ['000100-002-link.md', '000200-002-pipe.md', '000300-002-socket.md', '.env']) expect(paths.has(`${first}/${name}`)).toBe(false);
  expect(plain.leftOut).toEqual(expect.arrayContaining([`${first}/000100-002-link.md link`, `${first}/000200-002-pipe.md pipe`, `${first}/000300-002-socket.md socket`, `${first}/.env secret`, `agents/${agentName(1)}/workspace/out link`]));

  // Then a file changed, one added, one removed, and a folder replaced by a file: both walks see each alike.
  const outbox = join(root, first);
  appendFileSync(join(outbox, '000010-001-x.md'), 'and more\n');
  writeFileSync(join(outbox, '001499-002-new.md'), 'a new message\n');
  unlinkSync(join(outbox, '000020-001-x.md'));
  rmSync(join(outbox, '000400-002-folder.md'), { recursive: true });
  writeFileSync(join(outbox, '000400-002-folder.md'), 'a file where a folder was\n');
  const plainAfter = await walkWithoutThreads(root, startedMs);
  const sharedAfter = await walkWithTheThread(root, startedMs);
  expectTheSameWalk(plainAfter, sharedAfter);
  const after = new Map(plainAfter.files.map((file) => [file[0], file]));
  const before = new Map(plain.files.map((file) => [file[0], file]));
  expect(after.get(`${first}/000010-001-x.md`)?.[2]).toBe((before.get(`${first}/000010-001-x.md`)?.[2] ?? 0) + 'and more\n'.length);
  expect(after.has(`${first}/001499-002-new.md`)).toBe(true);
  expect(after.has(`${first}/000020-001-x.md`)).toBe(false);
  expect(after.has(`${first}/000400-002-folder.md`)).toBe(true);
  expect(after.has(`${first}/000400-002-folder.md/inside.md`)).toBe(false);
  expect(after.size).toBe(before.size);
});
