import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { builtOrg, step } from '../helpers/built-org.js';
import { lemmingWithin } from '../helpers/lemming-within.js';

/**
 * What `lemming run --record` keeps (the cassette and the tools tape beside it) is read back by
 * `--replay`. Something else in a file's place is said, naming the file (the cassette's as the replay
 * starts, exit 2; the tape's as the agent's error when a tool it answers is called): before, a named
 * pipe kept the replay waiting for good (SIGTERM not heeded), and a link was read wherever it led.
 */

/** `recorded/`: a run recorded into `run.jsonl`; `fresh/`: the same org before its run, to replay into. */
const folders = builtOrg((root) => {
  for (const name of ['recorded', 'fresh']) {
    mkdirSync(join(root, name));
    step(join(root, name), ['bootstrap']);
    step(join(root, name), ['send', 'manager', 'Please plan the release and write a summary file']);
  }
  step(join(root, 'recorded'), ['run', '--until', '3', '--record', join(root, 'run.jsonl')]);
});

const kinds: Array<[string, (path: string) => void, string]> = [
  ['a named pipe', (path) => expect(spawnSync('mkfifo', [path]).status).toBe(0), 'is not a regular file'],
  ['a link out of the org', (path) => symlinkSync('/etc/passwd', path), 'is a symbolic link'],
  ['a folder', (path) => mkdirSync(path), 'is a folder'],
];

describe.each(['run.jsonl', 'run.jsonl.tools.jsonl'])('%s replaced', (file) => {
  test.each(kinds)('by %s: the replay says so, naming it', (_kind, plant, said) => {
    const root = folders();
    const cassette = join(root, 'run.jsonl');
    const path = join(root, file);
    rmSync(path, { force: true });
    plant(path);
    const replay = lemmingWithin(join(root, 'fresh'), ['run', '--until', '3', '--replay', cassette]);
    expect(replay.output).not.toMatch(/unexpected error|\n\s+at /);
    if (file === 'run.jsonl') {
      // Read as the replay starts: nothing runs.
      expect(replay.status, replay.output).toBe(2);
      expect(replay.output).toContain(`${path} ${said}`);
    } else {
      // Read when a tool it answers is first called: an error of that agent's turn, as a tool never fails a run.
      expect(replay.status, replay.output).toBe(0);
      expect(replay.output).toContain(`coder_01 error: ${path} ${said}`);
    }
  });
});

/** The names of the files in a folder of the org, none when it is absent. */
function ofFolder(root: string, folder: string): string[] {
  return existsSync(join(root, folder)) ? readdirSync(join(root, folder)) : [];
}

/** The recording's lines, the one `pick` chooses changed by `edit` (given the line parsed), written to `file`. */
function editedLine(source: string, file: string, pick: (entry: Record<string, unknown>) => boolean, edit: (entry: Record<string, unknown>) => void): number {
  const lines = readFileSync(source, 'utf8').trimEnd().split('\n');
  const index = lines.findIndex((line) => pick(JSON.parse(line) as Record<string, unknown>));
  expect(index).toBeGreaterThanOrEqual(0);
  const entry = JSON.parse(lines[index] ?? '') as Record<string, unknown>;
  edit(entry);
  lines[index] = JSON.stringify(entry);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return index + 1;
}

describe('a cassette line whose answer is not one', () => {
  const answers: Array<[string, unknown]> = [
    ['null', null],
    ['a number', 5],
    ['an answer whose toolCalls is not a list', { text: '', toolCalls: 'send_message', usage: { inputTokens: 1, outputTokens: 1, estimated: false }, modelKey: 'offline' }],
  ];
  test.each(answers)('%s: the replay stops as it starts, naming the cassette and the line', (_kind, response) => {
    const root = folders();
    const cassette = join(root, 'edited.jsonl');
    const line = editedLine(join(root, 'run.jsonl'), cassette, () => true, (entry) => {
      entry.response = response;
    });
    copyFileSync(join(root, 'run.jsonl.tools.jsonl'), `${cassette}.tools.jsonl`);
    const replay = lemmingWithin(join(root, 'fresh'), ['run', '--until', '3', '--replay', cassette]);
    // Before: null and a list of tool calls that is none were taken as answers (the manager's turn failed on a TypeError, and the replay stopped later, at a request it had no answer for).
    expect(replay.output).not.toMatch(/unexpected error|\n\s+at |Cannot read properties|no answer for/);
    expect(replay.status, replay.output).toBe(1);
    expect(replay.output).toContain(`${cassette}:${line}: is not a cassette entry`);
    expect(ofFolder(join(root, 'fresh'), 'agents/manager/outbox')).toEqual([]);
  });
});

describe('a tools tape line whose entry is not one', () => {
  const edits: Array<[string, string, (entry: Record<string, unknown>) => void, string]> = [
    ['a run of null', 'run', (entry) => (entry.run = null), 'the recorded run holds no tool result'],
    ['a run whose result is null', 'run', (entry) => (entry.run = { result: null }), 'the recorded run holds no tool result'],
    ['an offer of null', 'local-offer', (entry) => (entry.offer = null), 'the recorded local-offer was refused: it is not an offer'],
    ['an offer whose definitions are a number', 'local-offer', (entry) => (entry.offer = { definitions: 5, problems: [], withheld: [] }), 'the recorded local-offer was refused: it has no list of definitions'],
  ];
  test.each(edits)('%s: said naming the tape and the line, never a TypeError', (_kind, kind, edit, said) => {
    const root = folders();
    const cassette = join(root, 'edited.jsonl');
    copyFileSync(join(root, 'run.jsonl'), cassette);
    const line = editedLine(join(root, 'run.jsonl.tools.jsonl'), `${cassette}.tools.jsonl`, (entry) => entry.kind === kind, edit);
    const replay = lemmingWithin(join(root, 'fresh'), ['run', '--until', '3', '--replay', cassette]);
    // Before: "Cannot read properties of null (reading 'definitions')", "offer.definitions is not iterable", "(reading 'result')".
    expect(replay.output).not.toMatch(/unexpected error|\n\s+at |Cannot read properties|is not iterable/);
    expect(replay.output).toContain(`${cassette}.tools.jsonl:${line}: ${said}`);
  });
});
