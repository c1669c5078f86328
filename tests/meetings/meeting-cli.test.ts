import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { lemming, lemmingAsync } from '../helpers/cli.js';
import { DEFAULT_ORG, read, tempDir, write } from '../helpers/org-files.js';
import { bootstrapOrg } from '../../src/org/bootstrap-org.js';
import { scratchDir } from '../faults/scratch.js';

const MEETING = ['attendees: [manager, planner, hr]', 'rounds: 2', 'agenda: Agree who takes the release tasks', 'turn: 1', ''].join('\n');
const TRANSCRIPT = 'org/meetings/sync/000001.md';

/** The turn's charges, one line each, in the ledger's order (the plan's): what each speaker paid. */
function charges(root: string): string[] {
  return readFileSync(join(root, 'org/state/ledger.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.includes('"type":"charge"'))
    .map((line) => JSON.parse(line) as { turn: number; agent: string; input_tokens: number; output_tokens: number; credits: number })
    .map((charge) => `${charge.turn}:${charge.agent}:${charge.input_tokens}:${charge.output_tokens}:${charge.credits}`);
}

describe('a meeting run by the CLI with the offline model', () => {
  let pristine = '';
  let reference = '';
  // Kept for the file's tests (a tempDir goes after each test).
  const cassette = join(scratchDir('lemming-meeting-'), 'run.jsonl');

  beforeAll(async () => {
    pristine = join(scratchDir('lemming-meeting-'), 'org');
    bootstrapOrg(pristine, DEFAULT_ORG);
    write(pristine, 'org/meetings/sync.yaml', MEETING);
    reference = join(scratchDir('lemming-meeting-'), 'org');
    cpSync(pristine, reference, { recursive: true });
    const ran = await lemmingAsync(reference, ['run', '--keep-going', '--turns', '1', '--record', cassette]);
    expect(ran.stderr).toBe('');
    expect(ran.stdout).toContain('meeting sync: 3 speaker(s), 2 round(s) (org/meetings/sync/000001.md)');
  });

  test('replayed from its cassette, the transcript and the charges are the same', async () => {
    const root = join(tempDir(), 'org');
    cpSync(pristine, root, { recursive: true });
    const replayed = await lemmingAsync(root, ['run', '--keep-going', '--turns', '1', '--replay', cassette]);
    expect(replayed.stderr).toBe('');
    expect(read(root, TRANSCRIPT)).toBe(read(reference, TRANSCRIPT));
    expect(charges(root)).toEqual(charges(reference));
  });

  test('a fork at a turn after the meeting carries its transcript', async () => {
    const fork = join(tempDir(), 'fork');
    const made = await lemmingAsync(fork, ['fork', '--from', reference, '--at', '1']);
    expect(made.status).toBe(0);
    expect(read(fork, TRANSCRIPT)).toBe(read(reference, TRANSCRIPT));
    expect(read(fork, 'org/meetings/sync.yaml')).toBe(MEETING);
  });

  test('killed just after the second speech is journaled, the next run finishes the meeting: the same transcript, one charge a speaker', async () => {
    const root = join(tempDir(), 'org');
    cpSync(pristine, root, { recursive: true });
    const killed = await lemmingAsync(root, ['run', '--keep-going', '--turns', '1'], { LEMMING_CRASH_AT: 'after-speech:2' });
    expect(killed.signal).toBe('SIGKILL');
    expect(read(root, 'org/state/journal.jsonl').match(/"type":"meeting-speech"/g)?.length).toBe(2);
    const finished = await lemmingAsync(root, ['run', '--keep-going', '--until', '1']);
    expect(finished.stderr).toBe('');
    expect(finished.stdout).toContain('finishing an interrupted turn');
    expect(read(root, TRANSCRIPT)).toBe(read(reference, TRANSCRIPT));
    expect(charges(root)).toEqual(charges(reference));
  });

  test('lemming status lists the meetings still to be held, and no more once held', () => {
    expect(lemming(pristine, ['status']).stdout).toContain('meeting sync at turn 1: manager, planner, hr, 2 round(s) (org/meetings/sync.yaml)\n');
    expect(lemming(reference, ['status']).stdout).not.toContain('meeting sync');
  });

  test('lemming validate names a broken meeting file, its field and a valid value', () => {
    const root = join(tempDir(), 'org');
    cpSync(pristine, root, { recursive: true });
    write(root, 'org/meetings/sync.yaml', MEETING.replace('rounds: 2', 'rounds: 9'));
    const checked = lemming(root, ['validate']);
    expect(checked.status).toBe(1);
    expect(checked.stdout + checked.stderr).toContain('org/meetings/sync.yaml:2: rounds: must be a whole number from 1 to 5, for example `rounds: 2`');
  });
});
