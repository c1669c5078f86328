import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';
import { acquireLock, lockHolder, LockedError } from '../../src/engine/record/lock.js';
import { parseProcStat, processStat } from '../../src/process-liveness.js';
import { statePaths } from '../../src/engine/record/state-paths.js';
import { lemmingAsync } from '../helpers/cli.js';
import { defaultOrg, REPO_ROOT } from '../helpers/temp-org.js';

const hasProc = existsSync('/proc/self/stat');
const started: ChildProcess[] = [];
afterEach(() => {
  for (const child of started.splice(0)) child.kill('SIGKILL');
});

/** Poll until a condition holds; the deadline only catches a test that would hang. */
async function eventually(condition: () => boolean, what: string): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > 60_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function lockFile(root: string): Record<string, unknown> {
  return JSON.parse(readFileSync(statePaths(root).lock, 'utf8')) as Record<string, unknown>;
}

/** A process that runs until the test ends: a pid that is alive, with its real start time. */
function aliveProcess(): number {
  const child = spawn('sleep', ['600'], { stdio: 'ignore' });
  started.push(child);
  return child.pid as number;
}

describe('the lock of an engine that is gone', () => {
  test('a process name with spaces and parentheses does not shift the fields read from /proc/<pid>/stat', () => {
    const fields = ['S', ...Array.from({ length: 18 }, (_, index) => String(index + 4)), '987654', '1', '2'];
    expect(parseProcStat(`4242 (node (a) b) c) ${fields.join(' ')}`)).toEqual({ state: 'S', parent: 4, startTicks: 987654 });
    expect(parseProcStat('4242 (no end')).toBeUndefined();
  });

  test.skipIf(!hasProc)('an engine that took the lock and exited but was never reaped (a zombie) holds nothing: the next engine takes the lock, and status says no engine runs', async () => {
    const root = defaultOrg();
    const lockModule = pathToFileURL(join(REPO_ROOT, 'dist', 'engine', 'record', 'lock.js')).href;
    const takeLock = `import(${JSON.stringify(lockModule)}).then(({ acquireLock }) => { acquireLock(${JSON.stringify(root)}, 'run'); process.exit(0); })`;
    // The shell starts node in the background and becomes `sleep`, which never waits for its
    // children: once node exits it stays a zombie, as under a parent that does not reap (a container without an init).
    const parent = spawn('sh', ['-c', `"${process.execPath}" --input-type=module -e "$TAKE_LOCK" & exec sleep 600`], {
      stdio: 'ignore',
      env: { ...process.env, TAKE_LOCK: takeLock },
    });
    started.push(parent);
    await eventually(() => existsSync(statePaths(root).lock), 'the child to take the lock');
    const holderPid = lockFile(root).pid as number;
    await eventually(() => processStat(holderPid)?.state === 'Z', `process ${holderPid} to be a zombie`);
    expect(() => process.kill(holderPid, 0)).not.toThrow();

    expect(lockHolder(root)).toBeUndefined();
    const status = await lemmingAsync(root, ['status', '--json']);
    expect(status.status).toBe(0);
    expect(JSON.parse(status.stdout).running).toBeUndefined();
    const lock = acquireLock(root, 'run');
    expect(lockFile(root).pid).toBe(process.pid);
    lock.release();
  });

  test.skipIf(!hasProc)('a lock whose pid now names another process (a recycled pid) is recovered; the same pid with its recorded start still holds the org', () => {
    const root = defaultOrg();
    const pid = aliveProcess();
    const start = processStat(pid)?.startTicks as number;
    mkdirSync(statePaths(root).directory, { recursive: true });
    const lockOf = (fields: Record<string, unknown>): void =>
      writeFileSync(statePaths(root).lock, JSON.stringify({ pid, host: hostname(), token: 'earlier', command: 'run', started: '2026-01-01T00:00:00.000Z', ...fields }));

    lockOf({ pidStart: start });
    expect(lockHolder(root)?.pid).toBe(pid);
    expect(() => acquireLock(root, 'run')).toThrow(LockedError);

    // A lock written before start times were kept: any live process under the pid holds it, as before.
    lockOf({});
    expect(lockHolder(root)?.pid).toBe(pid);
    expect(() => acquireLock(root, 'run')).toThrow(LockedError);

    lockOf({ pidStart: start - 1 });
    expect(lockHolder(root)).toBeUndefined();
    const lock = acquireLock(root, 'run');
    expect(lockFile(root)).toMatchObject({ pid: process.pid, pidStart: processStat(process.pid)?.startTicks });
    lock.release();
  });

  test('an engine killed while it recovered a dead engine\'s lock (its `lock.recover` left beside that lock) holds up no engine: the next run takes both over', async () => {
    const root = defaultOrg();
    mkdirSync(statePaths(root).directory, { recursive: true });
    const gone = { host: hostname(), command: 'run', started: '2026-01-01T00:00:00.000Z' };
    writeFileSync(statePaths(root).lock, JSON.stringify({ pid: 2 ** 22 + 12345, token: 'killed', ...gone }));
    writeFileSync(`${statePaths(root).lock}.recover`, JSON.stringify({ pid: 2 ** 22 + 12346, token: 'killed-recovering', ...gone }));
    const run = await lemmingAsync(root, ['run-once']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(existsSync(statePaths(root).lock)).toBe(false);
    expect(existsSync(`${statePaths(root).lock}.recover`)).toBe(false);
  });

  test('a folder in the lock\'s place is said, naming it, and left alone: no engine runs until it is removed', async () => {
    const root = defaultOrg();
    mkdirSync(statePaths(root).lock, { recursive: true });
    const run = await lemmingAsync(root, ['run-once']);
    expect(run.status).toBe(3);
    expect(run.stderr).toContain(`${statePaths(root).lock} is a folder, where lemming keeps a lock: remove it, and try again`);
    expect(existsSync(statePaths(root).lock)).toBe(true);
  });
});
