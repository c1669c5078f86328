import { lstatSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ATTEMPTS_FILE, EVENTS_FILE, runProcess, type RunAttempt } from '../../src/experiment/run-process.js';
import { RESULT_FILE } from '../../src/experiment/run-metrics.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import { orgWithStudy, runStudy } from '../helpers/short-study.js';
import { defaultOrg, tempDir } from '../helpers/temp-org.js';

/**
 * An experiment keeps each run's events beside its org (`experiment-events.jsonl`), appended as the
 * run's engine prints them. They were appended with appendFileSync, past the write layer every other
 * record goes through: a key the engine's output carried reached the file, a link in the file's place
 * was followed out of the org, and a line a killed experiment left half-written had the next event
 * glued to it. The engine here is a program that prints what an engine could (`runProcess` runs the
 * program it is given, as the experiment runs the built CLI).
 */

const KEY = 'sk-live-7f3a9c1e5b2d4f60';

/** A program standing in for `lemming run --json`: prints a warning that carries the key, then the run's end. */
function engineThatPrints(): string {
  const program = join(tempDir(), 'engine.mjs');
  const lines = [
    { type: 'warning', message: `the provider answered 401 for key ${KEY}` },
    { type: 'run-finished', reason: 'idle', turns: 1, lastTurn: 1 },
  ];
  writeFileSync(program, `process.stdout.write(${JSON.stringify(lines.map((line) => `${JSON.stringify(line)}\n`).join(''))});\n`);
  return program;
}

/** A run's org whose `.env` holds the key, loaded as the experiment loads a run's copy (its secrets known). */
function orgWithKey(): string {
  const root = defaultOrg();
  writeFileSync(join(root, '.env'), `OPENAI_API_KEY=${KEY}\n`);
  loadOrg(root);
  return root;
}

describe("a run's events file", () => {
  test('a key the engine printed is cut from the file, as from every file lemming writes', async () => {
    const root = orgWithKey();
    const attempt = await runProcess(engineThatPrints(), root, {});
    expect(attempt.finished?.reason).toBe('idle');
    const text = readFileSync(join(root, EVENTS_FILE), 'utf8');
    expect(text).not.toContain(KEY);
    expect(text).toContain('the provider answered 401 for key [secret OPENAI_API_KEY]');
  });

  test('a line a killed experiment left half-written is cut, and every line then reads as an event', async () => {
    const root = orgWithKey();
    writeFileSync(join(root, EVENTS_FILE), '{"type":"turn-started","turn":1}\n{"type":"turn-fin');
    await runProcess(engineThatPrints(), root, {});
    const lines = readFileSync(join(root, EVENTS_FILE), 'utf8').trimEnd().split('\n');
    expect(lines.map((line) => (JSON.parse(line) as { type: string }).type)).toEqual(['turn-started', 'warning', 'run-finished']);
  });

  test('a link in its place is not followed: the run stops naming the file, and the file the link names is untouched', async () => {
    const root = orgWithKey();
    const outside = join(tempDir(), 'notes.txt');
    writeFileSync(outside, 'my own notes\n');
    symlinkSync(outside, join(root, EVENTS_FILE));
    await expect(runProcess(engineThatPrints(), root, {})).rejects.toThrow(EVENTS_FILE);
    expect(readFileSync(outside, 'utf8')).toBe('my own notes\n');
    expect(lstatSync(join(root, EVENTS_FILE)).isSymbolicLink()).toBe(true);
  });
});

describe("a run's attempts file", () => {
  test('is put in place whole: a link in its place is replaced, and the file the link named is untouched', { timeout: 120_000 }, async () => {
    const { root, file } = orgWithStudy('kept', 3);
    // The run as a kill leaves it (no result yet), with a link where its attempts were.
    const run = await runStudy(root, file, 'kept');
    rmSync(join(run, RESULT_FILE));
    const outside = join(tempDir(), 'notes.txt');
    writeFileSync(outside, 'my own notes\n');
    rmSync(join(run, ATTEMPTS_FILE));
    symlinkSync(outside, join(run, ATTEMPTS_FILE));
    await runStudy(root, file, 'kept');
    expect(readFileSync(outside, 'utf8')).toBe('my own notes\n');
    expect(lstatSync(join(run, ATTEMPTS_FILE)).isFile()).toBe(true);
    const attempts = JSON.parse(readFileSync(join(run, ATTEMPTS_FILE), 'utf8')) as RunAttempt[];
    expect(attempts.map((attempt) => attempt.exitCode)).toEqual([0]);
  });
});
