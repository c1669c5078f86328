import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT, LemmingError } from '../errors.js';
import { compareOrgs } from './compare-orgs.js';
import type { OrgDiff } from './org-diff.js';
import type { WriteOrgAtTurn } from './org-at-turn.js';
import { readOrgSnapshot, type OrgSnapshot } from './org-snapshot.js';

/** Two turns of one org, as `--turns 3..7` gives them. */
export interface TurnRange {
  from: number;
  to: number;
}

/** `3..7` as turns 3 and 7, or an error that shows a valid range. Pure. */
export function parseTurnRange(text: string): TurnRange {
  const match = /^\s*(\d+)\s*\.\.\s*(\d+)\s*$/.exec(text);
  const from = Number(match?.[1]);
  const to = Number(match?.[2]);
  if (!match || !Number.isSafeInteger(from) || !Number.isSafeInteger(to)) {
    throw new LemmingError('usage', `--turns takes two turns joined by "..", like --turns 3..7 (the org after turn 3 against the org after turn 7), not ${JSON.stringify(text)}`, { exitCode: EXIT.usage });
  }
  return { from, to };
}

/**
 * The org at `root` after each of two turns, read as snapshots: the history writes each turn into
 * a temporary folder, which is read and removed. The snapshots name `root`, not the temporary folder.
 */
export async function snapshotsAtTurns(root: string, range: TurnRange, writeOrgAtTurn: WriteOrgAtTurn | undefined): Promise<[OrgSnapshot, OrgSnapshot]> {
  if (!writeOrgAtTurn) {
    throw new LemmingError('no-history', `--turns needs the org's history (each turn kept), which this build of lemming does not keep; compare two org folders instead: lemming diff A B`, { exitCode: EXIT.usage });
  }
  const folder = mkdtempSync(join(tmpdir(), 'lemming-diff-'));
  try {
    const read = async (turn: number): Promise<OrgSnapshot> => {
      const destination = join(folder, `turn-${turn}`);
      await writeOrgAtTurn(root, turn, destination);
      return { ...readOrgSnapshot(destination), root };
    };
    const a = await read(range.from);
    const b = await read(range.to);
    return [a, b];
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** The org at `root` after turn `range.from` against itself after `range.to`: `lemming diff --turns`'s comparison and the library's `diffTurns`. */
export async function diffTurns(root: string, range: TurnRange, options: { created: boolean }, writeOrgAtTurn: WriteOrgAtTurn | undefined): Promise<OrgDiff> {
  const [a, b] = await snapshotsAtTurns(root, range, writeOrgAtTurn);
  return compareOrgs(a, b, options, { a: `${root} after turn ${range.from}`, b: `${root} after turn ${range.to}` });
}
