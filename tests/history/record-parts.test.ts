import { appendFileSync, readFileSync, renameSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { materialiseTurn } from '../../src/history/materialise-turn.js';
import { recordEntry, writtenSoFar, type EntrySession } from '../../src/history/record-entry.js';
import { orgPath, partOf, storedPath } from '../../src/history/stored-path.js';
import { loadState } from '../../src/engine/record/state-store.js';
import { lemming } from '../helpers/cli.js';
import { busyOrg } from '../helpers/busy-org.js';
import { earlierEntry } from '../helpers/earlier-entry.js';
import { setKeepHistory } from '../helpers/org-files.js';
import { scratchDir } from '../faults/scratch.js';
import { gitOnHistory } from './history-org.js';
import { expectHeldOnce, forkedAt, recordedFiles, runQuietly } from './layout-org.js';

/*
 * A record's own file kept as the parts each entry appended (src/history/stored-path.ts, known-files.ts):
 * the ledger's pieces of 2 KB, so four busy agents move it to a piece every few turns; an activity log
 * moves at 8 KB (log-segments.ts), some twenty turns of the offline model.
 */
const AGENTS = 4;
const ENV = { LEMMING_RECORD_PIECE_BYTES: '2048' };
const LEDGER = 'org/state/ledger.jsonl';
const LOG = 'agents/agent_0000/logs/activity.jsonl';

/** A fork keeps its history (fork-org.ts): org.yaml says so; and it says where it came from. The rest as the org was. */
function expectForkIs(root: string, turn: number, files: Map<string, string>): void {
  const keeping = (text: string | undefined): string | undefined => text?.replace(/^history: \{ keep: \w+ \}$/m, 'history: { keep: true }');
  const forked = forkedAt(root, turn).files;
  forked.delete('org/state/forked-from.json');
  expect(new Set(forked.keys()), `files at turn ${turn}`).toEqual(new Set(files.keys()));
  for (const [path, bytes] of files) expect(keeping(forked.get(path)), `${path} at turn ${turn}`).toBe(keeping(bytes));
}

/** The org materialised from its history at `turn` with the edits before the next (what a fork goes on from), as recordedFiles gives it. */
function materialised(root: string, turn: number): Map<string, string> {
  const into = join(scratchDir('lemming-parts-at-'), 'org');
  materialiseTurn(root, turn, into, { editsBefore: true });
  return recordedFiles(into);
}

/** Each blob an entry added or changed, by its stored path, with its size (`git diff-tree`, `cat-file -s`). */
function newBlobs(root: string, commit: string): Map<string, number> {
  const blobs = new Map<string, number>();
  for (const row of gitOnHistory(root, ['diff-tree', '-r', '--no-commit-id', '--no-renames', commit]).trim().split('\n')) {
    const [meta, path] = row.split('\t');
    const oid = meta?.split(' ')[3];
    if (!path || !oid || /^0+$/.test(oid)) continue;
    blobs.set(path, Number(gitOnHistory(root, ['cat-file', '-s', oid]).trim()));
  }
  return blobs;
}

function turnOf(root: string): number {
  return loadState(join(root, 'org/state/engine.json')).turn;
}

describe("a record's own file in the history", () => {
  test('is kept as the parts each entry appended: every turn reads back byte for byte, across its moves to pieces, and an entry holds only the bytes appended', async () => {
    const root = busyOrg(AGENTS);
    setKeepHistory(root, true);
    const snapshots = new Map<number, Map<string, string>>();
    await runQuietly(root, 14, ENV);
    // Then a turn a process, across the activity logs' first move: each run's first entry goes on from the known files the last kept.
    for (let run = 0; run < 8; run += 1) {
      const result = lemming(root, ['run', '--keep-going', '--turns', '1'], ENV);
      expect(result.stderr).toBe('');
      snapshots.set(turnOf(root), recordedFiles(root));
    }
    expect(statSync(join(root, 'agents/agent_0000/logs/activity')).isDirectory()).toBe(true);
    expectHeldOnce(root);
    const stored = gitOnHistory(root, ['ls-tree', '-r', '--name-only', 'main']).trim().split('\n');
    expect(stored.filter((path) => orgPath(path) === LOG).length).toBeGreaterThan(1);
    // The pieces an activity log and the ledger were moved to keep the parts their files had (copied in the tree, not read again).
    expect(stored.filter((path) => /activity\/\d+\.jsonl~parts\/\d{12}$/.test(path)).length).toBeGreaterThan(AGENTS);
    expect(stored.filter((path) => /ledger\/.*\.jsonl~parts\/\d{12}$/.test(path)).length).toBeGreaterThan(1);

    for (const [turn, files] of snapshots) {
      expectForkIs(root, turn, files);
      for (const path of [LEDGER, LOG]) expect(lemming(root, ['show', '--at', String(turn), path]).stdout, `${path} at ${turn}`).toBe(files.get(path));
    }

    // Each turn's entry holds, of a record's own file that grew, only the bytes appended since the turn before.
    const commits = gitOnHistory(root, ['rev-list', '--reverse', 'main']).trim().split('\n');
    const turns = [...snapshots.keys()];
    let appended = 0;
    for (const [index, turn] of turns.entries()) {
      const before = snapshots.get(turns[index - 1] as number);
      if (!before) continue;
      const after = snapshots.get(turn) as Map<string, string>;
      for (const [path, bytes] of newBlobs(root, commits[commits.length - turns.length + index] as string)) {
        const part = partOf(path);
        if (!part || !/(ledger|taken|activity)\.jsonl$/.test(orgPath(path))) continue;
        const file = orgPath(path);
        expect(part.offset + bytes, path).toBe(Buffer.byteLength(after.get(file) as string, 'latin1'));
        if (part.offset > 0) {
          expect(part.offset, path).toBe(Buffer.byteLength(before.get(file) as string, 'latin1'));
          appended += 1;
        }
      }
    }
    expect(appended).toBeGreaterThan(AGENTS * 3);
  });

  test('edited by hand is recorded exactly: a byte changed with one appended, cut short, replaced by a new file, appended to', async () => {
    const root = busyOrg(AGENTS);
    setKeepHistory(root, true);
    await runQuietly(root, 3);
    const turn = turnOf(root);
    const ledger = join(root, LEDGER);
    const original = readFileSync(ledger);
    const session: EntrySession = {};
    const edits: Array<[string, () => void]> = [
      [
        'a byte in the middle changed, one appended',
        () => {
          const bytes = readFileSync(ledger);
          const middle = bytes.indexOf('"', bytes.length >> 1);
          bytes[middle + 1] = bytes[middle + 1] === 0x41 ? 0x42 : 0x41;
          writeFileSync(ledger, Buffer.concat([bytes, Buffer.from('\n')]), { flag: 'r+' });
        },
      ],
      ['cut short', () => truncateSync(ledger, statSync(ledger).size - 7)],
      [
        'replaced by a new file with the same bytes and more',
        () => {
          writeFileSync(`${ledger}.new`, Buffer.concat([readFileSync(ledger), Buffer.from('{"by":"hand"}\n')]));
          renameSync(`${ledger}.new`, ledger);
        },
      ],
      ['appended to', () => appendFileSync(ledger, '{"more":"by hand"}\n')],
      // Mended, for the engine's next turn: its lines as the run left them.
      ['rewritten as it was', () => writeFileSync(ledger, original)],
    ];
    try {
      for (const [what, edit] of edits) {
        const size = statSync(ledger).size;
        edit();
        expect(await recordEntry(root, { kind: 'edits', turn }, session), what).toBeDefined();
        await writtenSoFar(session);
        expect(materialised(root, turn), what).toEqual(recordedFiles(root));
        const blobs = [...newBlobs(root, 'main')].filter(([path]) => orgPath(path) === LEDGER);
        // Only an append by hand is an append: the rest stored whole, as one part.
        if (what === 'appended to') expect(blobs, what).toEqual([[`${storedPath(LEDGER)}~parts/${String(size).padStart(12, '0')}`, statSync(ledger).size - size]]);
        else expect(blobs, what).toEqual([[`${storedPath(LEDGER)}~parts/000000000000`, statSync(ledger).size]]);
      }
    } finally {
      await session.importer?.close();
      session.watch?.close();
    }
    // A later run goes on from them, and its turns read back as the org was.
    rmSync(join(root, 'org/state/history.git/lemming-known-files'), { force: true });
    await runQuietly(root, 2);
    expect(materialised(root, turnOf(root))).toEqual(recordedFiles(root));
  });

  test('of a history written whole (an earlier lemming) reads as it was, and is kept as parts from the next entry that changes it', async () => {
    const root = busyOrg(AGENTS);
    setKeepHistory(root, false);
    await runQuietly(root, 3);
    setKeepHistory(root, true);
    const turn = turnOf(root);
    const files = recordedFiles(root);
    // Every file whole where storedPath puts it, the records' own too (the layout of the lemming before parts).
    earlierEntry(root, turn, storedPath, 5);
    const before = gitOnHistory(root, ['rev-parse', 'main']).trim();
    expect(gitOnHistory(root, ['ls-tree', '-r', '--name-only', before]).split('\n')).toContain(LEDGER);
    await runQuietly(root, 2);
    expectHeldOnce(root);
    expect(gitOnHistory(root, ['ls-tree', '-r', '--name-only', 'main']).split('\n')).not.toContain(LEDGER);
    expect(materialised(root, turn)).toEqual(files);
    expect(lemming(root, ['show', '--at', String(turn), LEDGER]).stdout).toBe(files.get(LEDGER));
    expect(materialised(root, turnOf(root))).toEqual(recordedFiles(root));
  });
});
