import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { bootstrapOrg } from '../../src/org/bootstrap-org.js';
import { lemmingAsync, type CliResult } from '../helpers/cli.js';
import { DEFAULT_ORG, read, write } from '../helpers/org-files.js';
import { keptFiles } from '../helpers/org-snapshot.js';
import { humanSends } from './fault-org.js';
import { scratchDir } from './scratch.js';

/*
 * A run replays exactly: the same org run twice from the same seed with the offline model (a meeting,
 * a mailing list, activation drawing 60 % of the agents with work, a spend breaker holding agents)
 * writes every file the same, the wall-clock times and the engine's caches aside; and a fork at a turn
 * of it, run on, writes the turns after it as the original did, but the agents its first turn's line of
 * taken.jsonl names as drawn and governed for the first time in its run.
 */

const TURNS = 8;
const TAKEN = 'org/state/taken.jsonl';
const STATE = 'org/state/engine.json';

interface Draws {
  rule: number;
  governed: number;
  drawn: number;
  firstGoverned?: string[];
  firstDrawn?: string[];
}

/** The lines of taken.jsonl, parsed. */
function takenLines(text: string | undefined): Array<{ turn: number; draws?: Draws[] }> {
  return (text ?? '')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { turn: number; draws?: Draws[] });
}

function seedOrg(): string {
  const root = join(scratchDir('lemming-replay-'), 'org');
  bootstrapOrg(root, DEFAULT_ORG);
  write(root, 'org/meetings/sync.yaml', 'attendees: [manager, planner, hr]\nrounds: 2\nagenda: Agree who takes the release tasks\nturn: 2\n');
  write(root, 'org/lists/release.yaml', 'description: The release team\nmembers: [planner, hr, janitor]\nmay_post: [human, manager]\n');
  write(root, 'org/chart.yaml', read(root, 'org/chart.yaml').replace('send_to: [human, planner, hr, janitor]', 'send_to: [human, planner, hr, janitor, release]').replace('send_to: [manager]\n    read_from: ["*"]', 'send_to: [manager, release]\n    read_from: ["*"]'));
  const yaml = read(root, 'org/org.yaml');
  write(root, 'org/org.yaml', yaml.replace('  concurrency: 8 ', '  activation: { seed: 7, rules: [{ probability: 0.6 }] }\n  breakers: { spend: { credits_per_turn: 0.007, window: 1 } }\n  concurrency: 8 '));
  humanSends(root, 'manager', 'Plan the release, build it, and tell the release list when it is done.');
  humanSends(root, 'release', 'The release is on Friday: write down what you need for it.');
  return root;
}

async function runCopy(seed: string, args: string[]): Promise<{ root: string; run: CliResult }> {
  const root = join(scratchDir('lemming-replay-'), 'org');
  cpSync(seed, root, { recursive: true });
  return { root, run: await lemmingAsync(root, args) };
}

describe('the same org run twice from the same seed', () => {
  let seed = '';
  let first: { root: string; run: CliResult };
  beforeAll(async () => {
    seed = seedOrg();
    first = await runCopy(seed, ['run', '--until', String(TURNS)]);
  }, 60_000);

  test('the run holds a meeting, takes a post to the list, draws by activation and holds agents', () => {
    expect(first.run.stderr).toBe('');
    expect(first.run.stdout).toContain('meeting sync: ');
    expect(first.run.stdout).toMatch(/human -> release/);
    expect(first.run.stdout).toMatch(/not drawn/);
    expect(first.run.stdout).toMatch(/held/);
  });

  test('writes every file the same', async () => {
    const second = await runCopy(seed, ['run', '--until', String(TURNS)]);
    expect(second.run.stdout.replace(/\d+ ms/g, '- ms').replaceAll(second.root, '<root>')).toBe(first.run.stdout.replace(/\d+ ms/g, '- ms').replaceAll(first.root, '<root>'));
    const [again, once] = [keptFiles(second.root), keptFiles(first.root)];
    expect(Object.keys({ ...again, ...once }).filter((file) => again[file] !== once[file])).toEqual([]);
  }, 60_000);

  test('a fork at turn 1 run on to the same turn writes the turns after it as the original did: the meeting, the draws, the hold', async () => {
    const fork = join(scratchDir('lemming-replay-'), 'fork');
    const made = await lemmingAsync(fork, ['fork', '--from', first.root, '--at', '1']);
    expect(made.stderr).toBe('');
    const ran = await lemmingAsync(fork, ['run', '--until', String(TURNS)]);
    expect(ran.stderr).toBe('');
    expect(ran.stdout).toContain('[turn 2] meeting sync: ');
    expect(ran.stdout).toContain('[turn 3] planner held by a circuit breaker');
    // The fork says where it came from; and its run is a run of its own: its first turn names again the agents each
    // activation rule governed and drew (taken.jsonl's `firstGoverned`, `firstDrawn`), which the original's turn 1 had
    // named, so a report of the fork's turns knows who they left out. Nothing else of it differs.
    expect(JSON.parse(read(fork, 'org/state/forked-from.json'))).toMatchObject({ turn: 1 });
    const [forked, original] = [keptFiles(fork), keptFiles(first.root)];
    delete forked['org/state/forked-from.json'];
    const firstLineAfter = (text: string | undefined): Draws[] => takenLines(text).find((line) => line.turn === 2)?.draws ?? [];
    const [forkedDraws, originalDraws] = [firstLineAfter(forked[TAKEN]), firstLineAfter(original[TAKEN])];
    expect(forkedDraws.length).toBeGreaterThan(0);
    for (const draws of forkedDraws) expect(draws.firstGoverned?.length).toBe(draws.governed);
    expect(forkedDraws.map((draws) => draws.firstGoverned?.length)).not.toEqual(originalDraws.map((draws) => draws.firstGoverned?.length));
    // The names aside, the record is the same, and engine.json but for its size (`takenBytes`).
    for (const files of [forked, original]) {
      files[TAKEN] = takenLines(files[TAKEN]).map(({ draws, ...line }) => JSON.stringify({ ...line, draws: draws?.map(({ rule, governed, drawn }) => ({ rule, governed, drawn })) })).join('\n');
      files[STATE] = (files[STATE] ?? '').replace(/"takenBytes":\s*\d+/, '"takenBytes": "the size of taken.jsonl"');
    }
    expect(Object.keys({ ...forked, ...original }).filter((file) => forked[file] !== original[file])).toEqual([]);
  }, 60_000);
});
