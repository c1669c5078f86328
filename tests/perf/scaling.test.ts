import { describe, expect, test } from 'vitest';
import { NextAgentProvider } from '../../bench/bench-providers.js';
import { agentName, buildOrg, type OrgShape } from '../../bench/build-org.js';
import { Engine } from '../../src/engine/engine.js';
import type { TurnResult } from '../../src/engine/turn/run-turn.js';
import { callsTo, countFsWork, type FsWork } from '../helpers/fs-work.js';
import { tempDir } from '../helpers/temp-org.js';

function openOrg(shape: OrgShape): Engine {
  const root = tempDir('lemming-scaling-');
  buildOrg(root, shape);
  const provider = new NextAgentProvider(Array.from({ length: shape.agents }, (_, index) => agentName(index)));
  return Engine.open({ root, providerFactory: () => provider });
}

async function turnWork(engine: Engine): Promise<{ work: FsWork; called: number }> {
  const result: TurnResult = { stats: { called: 0, skipped: 0, delivered: 0, fromHuman: 0, refused: 0, errors: 0, inputTokens: 0, outputTokens: 0, credits: 0, durationMs: 0 } };
  const work = await countFsWork(async () => {
    for await (const event of engine.turn(result)) void event;
  });
  return { work, called: result.stats.called };
}

/** The work of each of `turns` turns of an org of this shape. */
async function workOfTurns(shape: OrgShape, turns = 3): Promise<FsWork[]> {
  const engine = openOrg(shape);
  try {
    const works: FsWork[] = [];
    for (let turn = 0; turn < turns; turn += 1) {
      const { work, called } = await turnWork(engine);
      expect(called).toBe(shape.withMail);
      works.push(work);
    }
    return works;
  } finally {
    engine.close();
  }
}

const READS = ['readFileSync', 'readSync', 'openSync'];
const WRITES = ['writeFileSync', 'appendFileSync', 'writeSync', 'renameSync', 'linkSync', 'unlinkSync'];

// A guard on how the engine scales, counted in file-system work so a busy machine cannot
// fail it; `npm run bench` measures the time.
describe('scaling', () => {
  test('a turn does the same file work whatever the history: 4,000 old messages are neither listed nor read', { timeout: 120_000 }, async () => {
    const fresh = await workOfTurns({ agents: 40, history: 0, withMail: 40 });
    const old = await workOfTurns({ agents: 40, history: 4_000, withMail: 40 });
    fresh.forEach((work, turn) => {
      const withHistory = old[turn] as FsWork;
      for (const name of [...READS, ...WRITES, 'statSync', 'lstatSync', 'readdirSync']) expect({ turn, name, calls: callsTo(withHistory, name) }).toEqual({ turn, name, calls: callsTo(work, name) });
      expect(withHistory.entriesListed).toBe(work.entriesListed);
      // Ids and turn numbers are a few digits longer with history; the history itself is ~1 MB.
      expect(withHistory.bytesRead).toBeLessThan(work.bytesRead * 1.1 + 1_000);
    });
  });

  test('idle agents cost next to nothing: 400 agents with 8 busy read and write what 8 busy agents do, plus a stat or two each', { timeout: 120_000 }, async () => {
    const small = await workOfTurns({ agents: 8, history: 0, withMail: 8 });
    const large = await workOfTurns({ agents: 400, history: 0, withMail: 8 });
    small.forEach((work, turn) => {
      const big = large[turn] as FsWork;
      expect(callsTo(big, ...READS)).toBe(callsTo(work, ...READS));
      expect(big.bytesRead).toBe(work.bytesRead);
      expect(callsTo(big, ...WRITES)).toBe(callsTo(work, ...WRITES));
      // One listing of agents/ (to see who joined or left); no outbox is listed.
      expect(callsTo(big, 'readdirSync')).toBe(callsTo(work, 'readdirSync'));
      expect(big.entriesListed).toBeLessThanOrEqual(400);
      // Each agent's resume and outbox is stat'ed once per turn, nothing more per idle agent.
      expect(callsTo(big, 'statSync', 'lstatSync', 'fstatSync') - callsTo(work, 'statSync', 'lstatSync', 'fstatSync')).toBeLessThanOrEqual(392 * 2);
    });
  });
});
