import { existsSync, readdirSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { NextAgentProvider } from '../../bench/bench-providers.js';
import { agentName, buildOrg, type OrgShape } from '../../bench/build-org.js';
import { Engine } from '../../src/engine/engine.js';
import { statePaths } from '../../src/engine/record/state-paths.js';
import type { TurnResult } from '../../src/engine/turn/run-turn.js';
import { callsTo, countFsWork, type FsWork } from '../helpers/fs-work.js';
import { tempDir } from '../helpers/org-files.js';
import { emptyStats } from '../../src/engine/run-totals.js';

function openOrg(shape: OrgShape): { engine: Engine; root: string; hintsBytes: number } {
  const root = tempDir('lemming-scaling-');
  buildOrg(root, shape);
  // As in an org that has run a while: no agent folder was made or removed in the last hour.
  const settled = new Date(Date.now() - 3_600_000 + 0.25);
  utimesSync(join(root, 'agents'), settled, settled);
  const provider = new NextAgentProvider(Array.from({ length: shape.agents }, (_, index) => agentName(index)));
  // The outbox hints (a line per agent) are read at their first use, in the first turn: that read grows with the org, once.
  const hintsBytes = statSync(statePaths(root).outboxHints, { throwIfNoEntry: false })?.size ?? 0;
  return { engine: Engine.open({ root, providerFactory: () => provider }), root, hintsBytes };
}

/** One turn's file work, with the folders it listed relative to the org root, and the agents it called. */
async function turnWork(engine: Engine, root: string): Promise<{ work: FsWork; called: string[] }> {
  const result: TurnResult = { stats: emptyStats() };
  const called: string[] = [];
  const work = await countFsWork(async () => {
    for await (const event of engine.turn(result)) if (event.type === 'turn-started') called.push(...event.agents);
  });
  work.listed = work.listed.map((folder) => folder.slice(root.length));
  expect(called).toHaveLength(result.stats.called);
  return { work, called };
}

/** The work of each of `turns` turns of an org of this shape (whom each turn called in calledIn), and the size of the outbox hints its first turn reads. */
async function workOfTurns(shape: OrgShape, turns = 3): Promise<{ works: FsWork[]; hintsBytes: number; pieces: number }> {
  const { engine, root, hintsBytes } = openOrg(shape);
  try {
    const works: FsWork[] = [];
    for (let turn = 0; turn < turns; turn += 1) {
      const { work, called } = await turnWork(engine, root);
      expect(called).toHaveLength(shape.withMail);
      calledIn.set(work, called);
      works.push(work);
    }
    // The records' pieces made in these turns (storage/record-pieces.ts): a record moved whole to its piece once it reached 64 KB.
    const pieces = ['ledger', 'taken'].reduce((count, record) => count + (existsSync(join(root, 'org/state', record)) ? readdirSync(join(root, 'org/state', record)).length : 0), 0);
    return { works, hintsBytes, pieces };
  } finally {
    engine.close();
  }
}

/** The agents each measured turn called. */
const calledIn = new WeakMap<FsWork, string[]>();

const READS = ['readFileSync', 'readSync', 'openSync'];
const WRITES = ['writeFileSync', 'appendFileSync', 'writeSync', 'renameSync', 'linkSync', 'unlinkSync'];

// A guard on how the engine scales, counted in file-system work so a busy machine cannot
// fail it; `npm run bench` measures the time.
describe('scaling', () => {
  test('a turn does the same file work whatever the history: 4,000 old messages are neither listed nor read', { timeout: 120_000 }, async () => {
    const { works: fresh } = await workOfTurns({ agents: 40, history: 0, withMail: 40 });
    const { works: old, pieces } = await workOfTurns({ agents: 40, history: 4_000, withMail: 40 });
    fresh.forEach((work, turn) => {
      const withHistory = old[turn] as FsWork;
      // A process's first turn also does the records' upkeep of once in 64 KB (storage/record-pieces.ts), which an org
      // with a past meets there and a new one does not: a ledger and a taken.jsonl that reached a piece's size are looked
      // at for their last line and moved whole to their piece (stats, an open, a read and a rename each). So the first
      // turn's file operations are compared from the second on; what it lists and how much it reads, from the first.
      // (Its records' folders, org/state/ledger/ and taken/, are listed then too.)
      const notRecords = (listed: string[]): string[] => listed.filter((folder) => !folder.includes('/org/state/'));
      if (turn === 0) expect({ turn, listed: notRecords(withHistory.listed) }).toEqual({ turn, listed: notRecords(work.listed) });
      else {
        for (const name of [...READS, ...WRITES, 'statSync', 'lstatSync', 'readdirSync']) expect({ turn, name, calls: callsTo(withHistory, name) }).toEqual({ turn, name, calls: callsTo(work, name) });
        expect(withHistory.entriesListed).toBe(work.entriesListed);
      }
      // Ids and turn numbers are a few digits longer with history; the history itself is ~1 MB. A record moved to its
      // piece in the first turn had its last line looked for in its last 64 KB at most.
      const upkeep = turn === 0 ? pieces * 64 * 1024 : 0;
      expect(withHistory.bytesRead).toBeLessThan(work.bytesRead * 1.1 + 1_000 + upkeep);
    });
  });

  test('idle agents cost next to nothing: 400 agents with 8 busy read, write and list what 8 busy agents do, plus two stats each', { timeout: 120_000 }, async () => {
    const small = await workOfTurns({ agents: 8, history: 0, withMail: 8 });
    const large = await workOfTurns({ agents: 400, history: 0, withMail: 8 });
    small.works.forEach((work, turn) => {
      const big = large.works[turn] as FsWork;
      expect(callsTo(big, ...READS)).toBe(callsTo(work, ...READS));
      // Beside the outbox hints the first turn reads once (a line per agent), not a byte more.
      const hints = (of: { hintsBytes: number }): number => (turn === 0 ? of.hintsBytes : 0);
      // engine.json names the sizes of the state's parts (engine/<n>.json), a digit or two longer in the bigger org, and the
      // CRC-32 of the ledger's counted bytes (ledger.crc), a number of 1 to 10 digits in either.
      expect(big.bytesRead - hints(large)).toBeGreaterThanOrEqual(work.bytesRead - hints(small) - 9);
      expect(big.bytesRead - hints(large)).toBeLessThanOrEqual(work.bytesRead - hints(small) + 4 + 9);
      expect(callsTo(big, ...WRITES)).toBe(callsTo(work, ...WRITES));
      // agents/ is not listed while its time says no agent folder was made or removed; folders outside
      // the agents are listed as in the small org; inside an agent's folder, only an agent called this
      // turn has anything listed (its call traces, once per process). No idle agent's outbox or folder is listed.
      const called = new Set(calledIn.get(big));
      for (const folder of big.listed) {
        const agent = /\/agents\/([^/]+)\//.exec(folder)?.[1];
        if (agent !== undefined) expect({ folder, called: called.has(agent) }).toEqual({ folder, called: true });
      }
      // Outside the agents and the state's parts (a whole copy of them, which the small org writes, lists org/state/engine/ to remove the older files).
      const outside = (listed: string[]): string[] => listed.filter((folder) => !/\/agents\/[^/]+\//.test(folder) && !folder.endsWith('/org/state/engine'));
      expect(outside(big.listed)).toEqual(outside(work.listed));
      expect(big.listed).not.toContain('/agents');
      // The state's parts (org/state/engine/): a copy and the changes since, which the two orgs write apart (below).
      expect(big.entriesListed).toBeGreaterThanOrEqual(work.entriesListed - 2);
      expect(big.entriesListed).toBeLessThanOrEqual(work.entriesListed + 2);
      // Each idle agent's resume and outbox is stat'ed once per turn (a hand edit, a file dropped in), nothing more. An
      // agent called for the first time in the process looks at its own folders once, before its call (org/own-folders.ts:
      // an lstat each of agents/<name>, its outbox, memory and logs, the last two not there yet, so nothing below them);
      // its first log line makes the logs/ that look found missing, with no stat of the log (engine/record/agent-log.ts).
      // In the large org the mail passed on reaches agents the small org does not have.
      const firstLook = 4;
      const firstCalled = (works: FsWork[]): number => (calledIn.get(works[turn] as FsWork) ?? []).filter((agent) => !works.slice(0, turn).some((earlier) => calledIn.get(earlier)?.includes(agent))).length;
      // The state is written as a whole copy in the small org, all of whose agents ran, and as a change in the large one
      // (engine/record/state-store.ts): a stat or two apart.
      const stats = callsTo(big, 'statSync', 'lstatSync', 'fstatSync') - callsTo(work, 'statSync', 'lstatSync', 'fstatSync');
      const expected = 392 * 2 + firstLook * (firstCalled(large.works) - firstCalled(small.works));
      expect(stats).toBeLessThanOrEqual(expected + 2);
      expect(stats).toBeGreaterThanOrEqual(expected - 2);
    });
  });
});
