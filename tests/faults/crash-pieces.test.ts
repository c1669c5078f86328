import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { lemmingAsync } from '../helpers/cli.js';
import { recordText } from '../helpers/org-snapshot.js';
import { twoTasksOrg } from './two-tasks-org.js';
import { checkInvariants } from './invariants.js';
import { expectSameAs, killAndResume, POINTS, referenceOf } from './kill-and-resume.js';

/**
 * The ledger and taken.jsonl in pieces (storage/record-pieces.ts) of one byte: every append of
 * either record but its first moves the file to a new piece first, so every kill below lands in a
 * turn whose records cross a piece's boundary, and `after-piece` kills between the move and the
 * append itself, at each move the run makes.
 */
const SMALL = { LEMMING_RECORD_PIECE_BYTES: '1' };

const seed = twoTasksOrg();
const reference = referenceOf(seed, SMALL);
afterAll(() => {
  for (const root of [seed, reference.root]) rmSync(root, { recursive: true, force: true });
});

/** Every move of either record in the reference run: each is a point to be killed at. */
const moves = pieces(reference.root, 'ledger').length + pieces(reference.root, 'taken').length;

/** The reference's agents as `lemming status --json` gives them: asked once, as the reference never changes, and every point held to them. */
let referenceStatus: Promise<unknown> | undefined;
function referenceAgents(): Promise<unknown> {
  referenceStatus ??= lemmingAsync(reference.root, ['status', '--json']).then((result) => (JSON.parse(result.stdout) as { agents: unknown }).agents);
  return referenceStatus;
}

/** The pieces of a record folder (`ledger`, `taken`) of an org, by name. */
function pieces(root: string, record: string): string[] {
  try {
    return readdirSync(join(root, 'org', 'state', record)).sort();
  } catch {
    return [];
  }
}

describe('a run killed with SIGKILL across a piece boundary of the ledger and taken.jsonl, and started again', () => {
  test('the reference run moves both records into pieces every turn, and keeps every promise', () => {
    expect(reference.run.status).toBe(0);
    expect(pieces(reference.root, 'ledger').length).toBeGreaterThanOrEqual(2);
    expect(pieces(reference.root, 'taken').length).toBeGreaterThanOrEqual(4);
    expect(checkInvariants(reference.root)).toEqual([]);
  });

  test.concurrent.each([...POINTS, ...Array.from({ length: moves }, (_, index) => `after-piece:${index + 1}`)])(
    'killed at %s: no message lost or written twice, no charge lost or doubled, the records whole',
    async (point) => {
      const root = await killAndResume(seed, point, SMALL);
      expectSameAs(root, reference.root);
      expect(checkInvariants(root)).toEqual([]);
      // The same files taken in, turn by turn, and the pieces where the reference has them.
      expect(recordText(join(root, 'org/state/taken.jsonl'))).toBe(recordText(join(reference.root, 'org/state/taken.jsonl')));
      expect(pieces(root, 'taken')).toEqual(pieces(reference.root, 'taken'));
      expect(pieces(root, 'ledger')).toEqual(pieces(reference.root, 'ledger'));
      // And lemming reads the same balances from them.
      const status = (await lemmingAsync(root, ['status', '--json'])).stdout;
      expect(JSON.parse(status).agents).toEqual(await referenceAgents());
    },
  );
});
