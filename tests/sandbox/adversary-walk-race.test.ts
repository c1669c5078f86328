import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, symlinkSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, test } from 'vitest';
import { copyOrgFiles } from '../../src/archive/org-files.js';
import { KnownFiles } from '../../src/history/known-files.js';
import { walkRecordedFiles } from '../../src/history/recorded-files.js';
import type { WorkspaceLimitsOf } from '../../src/org/walk-org.js';
import { defaultOrg, REPO_ROOT, tempDir, write } from '../helpers/temp-org.js';

/*
 * The one walk of the org (org/walk-org.ts, over sandbox/beneath/walk-beneath.ts) raced while it
 * copies (export and backup; a check's view copies the same way) and while the history reads what it
 * found: a command exchanging a folder with a link to a folder outside holding a secret, a file with
 * a pipe a writer never stops filling, a small file with one past the workspace's bounds, and a file
 * growing and shrinking in place. Whatever instant each copy or read meets, it takes nothing from
 * outside, never opens a pipe it waits on or reads without end, and takes no more of a file than the
 * walk found and bounded. Rounds counted, not timed.
 */

const SWAPPER = join(REPO_ROOT, 'tests/fixtures/sandbox/swap-folder.py');
const SECRET = 'OUTSIDE-SECRET-77d1e2';
const ROUNDS = 200;
const KIB = 1024;
const MIB = 1024 * KIB;
/** The workspaces' bounds in these tests: 1 MiB of files (one and all), 1,000 entries. */
const LIMITS: WorkspaceLimitsOf = () => ({ disk_mb: 1, max_files: 1000 });

async function appears(path: string): Promise<void> {
  for (let tries = 0; tries < 3000 && !existsSync(path); tries += 1) await sleep(10);
  if (!existsSync(path)) throw new Error(`${path} never appeared`);
}

/** Run `python3 SCRIPT ARGS…` until `during` ends; returns what it printed. */
async function whileRunning<T>(args: string[], started: string, stop: string, during: () => T): Promise<T> {
  const child: ChildProcess = spawn('python3', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let said = '';
  child.stdout?.on('data', (chunk: Buffer) => (said += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (said += chunk.toString()));
  const ended = new Promise((resolve) => child.on('close', resolve));
  try {
    await appears(started);
    return await during();
  } finally {
    write(stop, '', 'stop\n');
    await ended;
    expect(said).not.toMatch(/Traceback/);
  }
}

/** Every file under `folder`, with its apparent size and whether it holds the secret. */
function filesUnder(folder: string, prefix = ''): Array<{ path: string; size: number; secret: boolean }> {
  const found: Array<{ path: string; size: number; secret: boolean }> = [];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) found.push(...filesUnder(path, `${prefix}${entry.name}/`));
    else {
      const size = statSync(path).size;
      found.push({ path: `${prefix}${entry.name}`, size, secret: size < MIB && readFileSync(path, 'utf8').includes(SECRET) });
    }
  }
  return found;
}

/** One export's copy of the org into a fresh folder: what it copied of the workspace. */
function copyOnce(root: string): Array<{ path: string; size: number; secret: boolean }> {
  const staging = tempDir('lemming-race-copy-');
  copyOrgFiles(root, staging, LIMITS);
  return existsSync(join(staging, 'workspace')) ? filesUnder(join(staging, 'workspace')) : [];
}

/** One history entry's reading of the org from nothing known: each workspace file's path and the bytes it would record. */
async function recordOnce(root: string): Promise<Array<{ path: string; size: number; secret: boolean }>> {
  const walked = walkRecordedFiles(root, LIMITS, 0);
  const { writes } = await new KnownFiles('', new Map()).compare(root, walked.files, undefined, () => {
    throw new Error('no file of these tests is large enough for git to take it itself');
  });
  return writes
    .filter((change) => change.path.startsWith('workspace/') && 'data' in change)
    .map((change) => {
      const data = (change as { data: Buffer }).data;
      return { path: change.path.slice('workspace/'.length), size: data.length, secret: data.includes(SECRET) };
    });
}

describe('the walk of the org, raced while it copies and reads', () => {
  test('a folder exchanged with a link to a folder outside: export and the history take the folder or nothing, never the outside', async () => {
    const root = defaultOrg();
    write(root, 'workspace/d/shadow', 'the inside file\n');
    const outside = tempDir('lemming-outside-');
    write(outside, 'shadow', `${SECRET}\n`);
    write(outside, 'outside-only.txt', `${SECRET}\n`);
    symlinkSync(outside, join(root, 'workspace/link'));
    const stop = join(root, 'stop-swapping');
    const started = join(root, 'swapping');
    const seen = await whileRunning([SWAPPER, join(root, 'workspace/d'), join(root, 'workspace/link'), stop, started], started, stop, async () => {
      let inside = 0;
      let without = 0;
      const leaks: string[] = [];
      for (let round = 0; round < ROUNDS; round += 1) {
        for (const files of [copyOnce(root), await recordOnce(root)]) {
          for (const file of files) if (file.secret || file.path.endsWith('outside-only.txt')) leaks.push(file.path);
          if (files.some((file) => file.path === 'd/shadow')) inside += 1;
          else without += 1;
        }
      }
      return { inside, without, leaks };
    });
    expect(seen.leaks.slice(0, 3)).toEqual([]);
    // The race was real: some rounds met the folder, some the link in its place.
    expect(seen.inside).toBeGreaterThan(0);
    expect(seen.without).toBeGreaterThan(0);
  });

  test('a file exchanged with a pipe a writer never stops filling: no copy or read waits on it or takes from it', async () => {
    const root = defaultOrg();
    write(root, 'workspace/f', 'a plain file\n');
    const pipe = join(root, 'workspace/p');
    expect(spawnSync('mkfifo', [pipe]).status).toBe(0);
    // The writer holds the pipe open (read and write, so its open does not wait) and writes for ever.
    const stopWriter = join(root, 'stop-writing');
    const writing = join(root, 'writing');
    const writer = spawn('python3', ['-c', 'import os, sys\nfd = os.open(sys.argv[1], os.O_RDWR)\nopen(sys.argv[2], "w").close()\nwhile not os.path.exists(sys.argv[3]):\n    os.write(fd, b"x" * 65536)\n', pipe, writing, stopWriter], { stdio: 'ignore' });
    const writerEnded = new Promise((resolve) => writer.on('close', resolve));
    try {
      await appears(writing);
      const stop = join(root, 'stop-swapping');
      const started = join(root, 'swapping');
      const seen = await whileRunning([SWAPPER, join(root, 'workspace/f'), pipe, stop, started], started, stop, async () => {
        let taken = 0;
        const wrong: string[] = [];
        for (let round = 0; round < ROUNDS; round += 1) {
          for (const files of [copyOnce(root), await recordOnce(root)]) {
            for (const file of files.filter((found) => found.path === 'f' || found.path === 'p')) {
              taken += 1;
              if (file.size > 'a plain file\n'.length) wrong.push(`${file.path}: ${file.size} bytes`);
            }
          }
        }
        return { taken, wrong };
      });
      expect(seen.wrong.slice(0, 3)).toEqual([]);
      expect(seen.taken).toBeGreaterThan(0);
    } finally {
      write(stopWriter, '', 'stop\n');
      // The writer may be blocked on a full pipe: it is let go.
      writer.kill('SIGKILL');
      await writerEnded;
    }
  });

  test('a small file exchanged with one past the bounds, and a file growing past them and back in place: nothing copied or read past what the walk found', async () => {
    const root = defaultOrg();
    write(root, 'workspace/small', 'small\n');
    // 64 MiB of holes: past the workspace's 1 MiB, so the walk passes it over wherever it meets it by its size.
    write(root, 'workspace/large', '');
    truncateSync(join(root, 'workspace/large'), 64 * MIB);
    write(root, 'workspace/grows', 'grows\n');
    const stopGrowing = join(root, 'stop-growing');
    const growing = join(root, 'growing');
    const grower = spawn('python3', ['-c', 'import os, sys\nfd = os.open(sys.argv[1], os.O_RDWR)\nopen(sys.argv[2], "w").close()\nwhile not os.path.exists(sys.argv[3]):\n    os.ftruncate(fd, 64 * 1024 * 1024)\n    os.ftruncate(fd, 6)\n', join(root, 'workspace/grows'), growing, stopGrowing], { stdio: 'ignore' });
    const grown = new Promise((resolve) => grower.on('close', resolve));
    try {
      await appears(growing);
      const stop = join(root, 'stop-swapping');
      const started = join(root, 'swapping');
      const seen = await whileRunning([SWAPPER, join(root, 'workspace/small'), join(root, 'workspace/large'), stop, started], started, stop, async () => {
        let taken = 0;
        const past: string[] = [];
        for (let round = 0; round < ROUNDS; round += 1) {
          for (const files of [copyOnce(root), await recordOnce(root)]) {
            taken += files.length;
            for (const file of files) if (file.size > 6) past.push(`${file.path}: ${file.size} bytes`);
          }
        }
        return { taken, past };
      });
      expect(seen.past.slice(0, 3)).toEqual([]);
      expect(seen.taken).toBeGreaterThan(0);
    } finally {
      write(stopGrowing, '', 'stop\n');
      await grown;
    }
  });
});
