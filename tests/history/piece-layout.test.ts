import { cpSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadState } from '../../src/engine/record/state-store.js';
import { lemming, lemmingAsync } from '../helpers/cli.js';
import { busyOrg } from '../helpers/busy-org.js';
import { earlierEntry } from '../helpers/earlier-entry.js';
import { setKeepHistory } from '../helpers/org-files.js';
import { charges } from '../helpers/org-snapshot.js';
import { thousandsLayout } from '../helpers/thousands-layout.js';
import { scratchDir } from '../faults/scratch.js';
import { gitOnHistory } from './history-org.js';
import { eachHeldOnce, keptAsNow } from './layout-org.js';

/*
 * A record's pieces in the history (src/history/stored-path.ts): pieces of 64 bytes, so each turn of
 * three offline agents (each charged every turn) moves the ledger to a new piece, and a run of 120
 * turns holds more than a hundred of them: more than the history may keep in one folder.
 */
const AGENTS = 3;
const ENV = { LEMMING_RECORD_PIECE_BYTES: '64' };
const RECORDS = ['org/state/ledger', 'org/state/taken'];

async function run(root: string, turns: number): Promise<void> {
  const result = await lemmingAsync(root, ['run', '--keep-going', '--turns', String(turns)], ENV);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
}

/** The org's turn, and a copy of it as it stands. */
function snapshot(root: string): [number, string] {
  const copy = scratchDir('lemming-pieces-at-');
  cpSync(root, copy, { recursive: true });
  return [loadState(join(root, 'org/state/engine.json')).turn, copy];
}

/** The files of a record (its file and its pieces, by name) as the org holds them. */
function recordFiles(root: string, record: string): Map<string, string> {
  const files = new Map([[`${record}.jsonl`, readFileSync(join(root, `${record}.jsonl`), 'latin1')]]);
  for (const name of readdirSync(join(root, record))) files.set(`${record}/${name}`, readFileSync(join(root, record, name), 'latin1'));
  return files;
}

/** The paths an entry holds, as git names them. */
function storedIn(root: string, commit: string): string[] {
  return gitOnHistory(root, ['ls-tree', '-r', '-z', '--name-only', commit]).split('\0').filter((path) => path !== '');
}

/** How many names each folder of the records' pieces holds in an entry's tree (`git ls-tree -r -t`). */
function namesByFolder(root: string, commit: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const path of gitOnHistory(root, ['ls-tree', '-r', '-t', '-z', '--name-only', commit, '--', ...RECORDS]).split('\0')) {
    if (!RECORDS.some((record) => path.startsWith(`${record}/`))) continue;
    const folder = path.slice(0, path.lastIndexOf('/'));
    counts.set(folder, (counts.get(folder) ?? 0) + 1);
  }
  return counts;
}

/** The turn `turn` of the history, read back three ways, is the org `copy` was: shown, forked, and its records' files. */
function readsBackAs(root: string, turn: number, copy: string): void {
  const ledger = recordFiles(copy, 'org/state/ledger');
  const names = [...ledger.keys()].sort();
  for (const path of [names[0], names.at(-1)] as string[]) expect(lemming(root, ['show', '--at', String(turn), path]).stdout, `${path} at ${turn}`).toBe(ledger.get(path));
  const fork = join(scratchDir(), `fork-${turn}`);
  const forked = lemming(fork, ['fork', '--from', root, '--at', String(turn)]);
  expect(forked.stderr).toBe('');
  expect(forked.status).toBe(0);
  // Each record's file and pieces as they were, in one folder as the org keeps them, and every charge counted.
  for (const record of RECORDS) expect(recordFiles(fork, record), `${record} forked at ${turn}`).toEqual(recordFiles(copy, record));
  expect(charges(fork)).toEqual(charges(copy));
}

describe("a record's pieces in the history", () => {
  test('are kept in the folders of their offsets, none holding more than a hundred names, and every earlier turn shows, forks and diffs as it was', async () => {
    const root = busyOrg(AGENTS);
    setKeepHistory(root, true);
    await run(root, 60);
    const [middle, copy] = snapshot(root);
    await run(root, 60);
    const [last] = snapshot(root);
    expect(readdirSync(join(root, 'org/state/ledger')).length).toBeGreaterThan(110);

    // No folder of the records' past a hundred names; each piece where storedPath puts it, once.
    const full = [...namesByFolder(root, 'main')].filter(([, count]) => count > 100);
    expect(full).toEqual([]);
    const stored = storedIn(root, 'main');
    expect(stored.filter((path) => !keptAsNow(path))).toEqual([]);
    expect(eachHeldOnce(stored)).toBe(true);
    expect(stored.filter((path) => path.startsWith('org/state/ledger/00xxxxxxxxxx/0000xxxxxxxx/000000xxxxxx/00000000xxxx/0000000000xx/000000000000.jsonl'))).not.toEqual([]);
    expect(namesByFolder(root, 'main').get('org/state/ledger')).toBe(1);

    readsBackAs(root, middle, copy);
    // The two turns compared from the history: each side's ledger read back whole.
    const compared = JSON.parse(lemming(root, ['diff', '--turns', `${middle}..${last}`, '--json']).stdout) as { ledger: { difference: { calls: number } } };
    expect(compared.ledger.difference.calls).toBe(AGENTS * (last - middle));
  });

  test('of a history written before their folders are carried over by the next entry, once: each file held once where it is kept now, every earlier turn read back as it was', async () => {
    const root = busyOrg(AGENTS);
    setKeepHistory(root, false);
    const snapshots: Array<[number, string]> = [];
    for (const last of [false, true]) {
      await run(root, 12);
      // The earlier lemming's last entry holds the org as this one finds it: no hand edit between, so its first look writes no entry of edits.
      if (last) setKeepHistory(root, true);
      const [turn, copy] = snapshot(root);
      earlierEntry(root, turn, thousandsLayout, 3);
      snapshots.push([turn, copy]);
    }
    const before = gitOnHistory(root, ['rev-parse', 'main']).trim();
    expect(storedIn(root, before)).toContain('org/state/ledger/000000000000.jsonl');

    // This lemming, with the history kept.
    await run(root, 3);

    const stored = storedIn(root, 'main');
    expect(eachHeldOnce(stored)).toBe(true);
    expect(stored.filter((path) => !keptAsNow(path))).toEqual([]);
    expect(stored).toContain('org/state/ledger/00xxxxxxxxxx/0000xxxxxxxx/000000xxxxxx/00000000xxxx/0000000000xx/000000000000.jsonl');
    expect(stored.filter((path) => /^org\/state\/(ledger|taken)\/\d+\.jsonl$/.test(path))).toEqual([]);

    // Moved once, by the first entry of this lemming (blobs by id), and no later entry moves a piece.
    const entries = gitOnHistory(root, ['rev-list', '--reverse', `${before}..main`]).trim().split('\n');
    expect(entries.length).toBeGreaterThanOrEqual(2);
    const removed = (commit: string): string[] =>
      gitOnHistory(root, ['diff-tree', '-r', '--no-commit-id', '--name-status', '--no-renames', commit]).trim().split('\n').filter((row) => row.startsWith('D\t')).map((row) => row.slice(2));
    expect(removed(entries[0] as string)).toContain('org/state/ledger/000000000000.jsonl');
    for (const commit of entries.slice(1)) expect(removed(commit).filter((path) => /^org\/state\/(ledger|taken)\//.test(path)), commit).toEqual([]);

    for (const [turn, copy] of snapshots) readsBackAs(root, turn, copy);
  });
});
