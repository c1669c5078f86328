import { spawnSync } from 'node:child_process';
import { closeSync, constants, lstatSync, mkdirSync, openSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { builtOrg, step } from '../helpers/built-org.js';
import { lemmingWithin } from '../helpers/lemming-within.js';

/**
 * A file lemming keeps for itself (under `org/state/`, and an agent's logs and traces) replaced by a
 * named pipe. Opening a pipe for reading (or for writing) waits until someone opens its other end: a
 * `lemming run` with the outbox hints as a pipe waited for good and did not heed SIGTERM, and
 * `lemming status` with the human's read marks as a pipe did too. Now a cache in a pipe's place is
 * taken as missing and made again (its write replaces the pipe), a record that may be missing is
 * taken as none, and one that must be read is said, naming the file.
 */

/** Four turns of the offline model: every cache and record below is written, traces kept. */
const ranOrg = builtOrg((root) => {
  step(root, ['bootstrap']);
  step(root, ['send', 'manager', 'Please plan the release and write a summary file']);
  step(root, ['run', '--until', '4']);
});

/** An org whose `file` is a named pipe. */
function withPipe(file: string): string {
  const root = ranOrg();
  rmSync(join(root, file), { recursive: true, force: true });
  mkdirSync(dirname(join(root, file)), { recursive: true });
  expect(spawnSync('mkfifo', [join(root, file)]).status).toBe(0);
  return root;
}

function isPipe(root: string, file: string): boolean {
  return lstatSync(join(root, file)).isFIFO();
}

describe('a cache that is a pipe is made again', () => {
  test.each([
    'org/state/cache/outbox-hints.json',
    'org/state/cache/parse-cache.json',
    'org/state/cache/settled-org.json',
    'org/state/cache/settled-stamps.json',
    'org/state/cache/planned-org.json',
    'org/state/cache/failing-agents.json',
  ])('%s: status and run go on, and the run writes the cache again where it writes it', (file) => {
    const root = withPipe(file);
    const status = lemmingWithin(root, ['status']);
    expect(status.status, status.output).toBe(0);
    expect(status.output).toContain('at turn 4');
    const run = lemmingWithin(root, ['run', '--until', '6']);
    expect(run.status, run.output).toBe(0);
    expect(run.output).toMatch(/now at turn 5; the org is idle/);
    if (file.endsWith('outbox-hints.json') || file.endsWith('parse-cache.json')) {
      expect(isPipe(root, file)).toBe(false);
      expect(() => JSON.parse(readFileSync(join(root, file), 'utf8'))).not.toThrow();
    }
  });
});

describe('a record that may be missing, as a pipe, is taken as none (and org/state/.gitignore left alone)', () => {
  test.each(['org/state/human-read.json', 'org/state/breakers.json', 'org/state/dead-ends.json', 'org/state/token-ratios.json', 'org/state/.gitignore'])('%s: status and run go on', (file) => {
    const root = withPipe(file);
    const status = lemmingWithin(root, ['status']);
    expect(status.status, status.output).toBe(0);
    expect(status.output).toMatch(/manager +offline +[\d.]+ \/ [\d.]+ +1 /);
    const run = lemmingWithin(root, ['run', '--until', '6']);
    expect(run.status, run.output).toBe(0);
    expect(run.output).toMatch(/now at turn 5; the org is idle/);
  });
});

describe('a record that must be read, as a pipe, is said, naming the file', () => {
  test('a part of the engine state', () => {
    const root = ranOrg();
    const { parts } = JSON.parse(readFileSync(join(root, 'org/state/engine.json'), 'utf8')) as { parts: { first: number } };
    const part = `org/state/engine/${String(parts.first).padStart(9, '0')}.json`;
    rmSync(join(root, part));
    expect(spawnSync('mkfifo', [join(root, part)]).status).toBe(0);
    for (const args of [['status'], ['run', '--until', '6']]) {
      const result = lemmingWithin(root, args);
      // A damaged record, as the journal below: exit 4.
      expect(result.status, result.output).toBe(4);
      expect(result.output).toContain(`${part} cannot be read (it is not a regular file)`);
      expect(result.output).not.toMatch(/unexpected error/);
    }
  });

  test('the journal of a turn in progress', () => {
    const root = withPipe('org/state/journal.jsonl');
    const run = lemmingWithin(root, ['run', '--until', '6']);
    expect(run.status, run.output).toBe(4);
    expect(run.output).toContain('org/state/journal.jsonl is not a regular file, where lemming keeps the journal of a turn in progress (a file): move it away and run again');
  });

  test('an agent’s activity log is shown as none by `logs`, stops the run, and the run goes on once the pipe is moved away', () => {
    const file = 'agents/manager/logs/activity.jsonl';
    const root = withPipe(file);
    const ledger = readFileSync(join(root, 'org/state/ledger.jsonl'), 'utf8');
    const logs = lemmingWithin(root, ['logs', 'manager']);
    expect(logs.status, logs.output).toBe(0);
    const run = lemmingWithin(root, ['run', '--until', '6']);
    expect(run.status, run.output).toBe(5);
    expect(run.output).toContain(`is a pipe, not a regular file (ENOTFILE writing ${file})`);
    rmSync(join(root, file));
    const again = lemmingWithin(root, ['run', '--until', '6']);
    expect(again.status, again.output).toBe(0);
    expect(readFileSync(join(root, 'org/state/ledger.jsonl'), 'utf8').length).toBeGreaterThan(ledger.length);
  });

  test('a call trace, as a pipe or damaged, cannot be shown, and the trace command says why', () => {
    const file = 'agents/manager/logs/traces/000001.json';
    const root = withPipe(file);
    const piped = lemmingWithin(root, ['trace', 'manager', '--turn', '1']);
    expect(piped.status).toBe(1);
    expect(piped.output).toContain(`${file} is not a regular file, where lemming keeps a call trace (a file), so the trace of turn 1 cannot be shown`);
    rmSync(join(root, file));
    writeFileSync(join(root, file), '{"request":');
    const damaged = lemmingWithin(root, ['trace', 'manager', '--turn', '1']);
    expect(damaged.status).toBe(1);
    expect(damaged.output).toMatch(new RegExp(`${file} is not the JSON lemming wrote \\(.+\\), so the trace of turn 1 cannot be shown`));
    expect(damaged.output).not.toContain('no call trace');
  });
});

/** What a process reading the pipe at `path` would have got: every byte written into it so far. */
function drained(descriptor: number): string {
  const chunks: Buffer[] = [];
  const buffer = Buffer.alloc(65_536);
  for (;;) {
    let read = 0;
    try {
      read = readSync(descriptor, buffer, 0, buffer.length, null);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') break;
      throw error;
    }
    if (read === 0) break;
    chunks.push(Buffer.from(buffer.subarray(0, read)));
  }
  return Buffer.concat(chunks).toString('utf8');
}

describe('a record lemming appends to, replaced by a pipe another process reads, gets no line', () => {
  // Before, the open (O_NONBLOCK) succeeded once a reader held the pipe's other end, and the run wrote its record into it and exited 0.
  test.each(['agents/manager/logs/activity.jsonl', 'org/state/taken.jsonl', 'org/state/ledger.jsonl'])('%s: the run stops naming it, and the reader gets nothing', (file) => {
    const root = withPipe(file);
    step(root, ['send', 'manager', 'Another task, please']);
    // The test holds the reading end, as a process reading the pipe would: not blocking, so the test never waits on it.
    const reader = openSync(join(root, file), constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      const run = lemmingWithin(root, ['run', '--until', '6']);
      expect(drained(reader)).toBe('');
      expect(run.status, run.output).not.toBe(0);
      expect(run.output).toContain(file);
      expect(run.output).not.toMatch(/unexpected error|\n\s+at /);
    } finally {
      closeSync(reader);
    }
  });
});
