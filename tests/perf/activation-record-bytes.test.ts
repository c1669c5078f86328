import { join } from 'node:path';
import { expect, test } from 'vitest';
import { NextAgentProvider } from '../../bench/bench-providers.js';
import { agentName, buildOrg } from '../../bench/build-org.js';
import { Engine } from '../../src/engine/engine.js';
import { emptyStats } from '../../src/engine/run-totals.js';
import type { TurnResult } from '../../src/engine/turn/run-turn.js';
import { readTakenLines } from '../../src/engine/record/taken-files.js';
import { analyzeOrg } from '../../src/analysis/analyze-org.js';
import { tempDir } from '../helpers/org-files.js';

interface DrawsOfLine {
  rule: number;
  governed: number;
  drawn: number;
  firstGoverned?: string[];
  firstDrawn?: string[];
}

/**
 * An org of `agents` agents, every one with a letter waiting, each passing its work on to the next when called (so
 * most keep work all run), activation drawing each with probability 0.1, run `turns` turns. Returns each turn's
 * `draws` of org/state/taken.jsonl, its bytes, and the agents that wrote no letter in the run (never called).
 */
async function drawsRecorded(agents: number, turns: number): Promise<{ root: string; lines: Array<{ turn: number; draws: DrawsOfLine[]; bytes: number }>; neverCalled: string[] }> {
  const root = tempDir('lemming-activation-bytes-');
  const names = Array.from({ length: agents }, (_, index) => agentName(index));
  buildOrg(root, { agents, history: 0, withMail: agents, activation: 0.1 });
  const engine = Engine.open({ root, providerFactory: () => new NextAgentProvider(names) });
  try {
    for (let turn = 0; turn < turns; turn += 1) {
      const result: TurnResult = { stats: emptyStats() };
      for await (const event of engine.turn(result)) void event;
    }
  } finally {
    engine.close();
  }
  // The built org's own line (its letters, taken in before the run) comes first.
  // Read across the record's pieces (taken/<start>.jsonl past 64 KB), each line as written.
  const [, ...run] = readTakenLines(join(root, 'org/state/taken.jsonl')) as Array<{ turn: number; files: Record<string, string[]>; draws?: DrawsOfLine[] }>;
  const wrote = new Set(run.flatMap((line) => Object.keys(line.files)));
  const lines = run.map((line) => ({ turn: line.turn, draws: line.draws ?? [], bytes: JSON.stringify(line.draws ?? []).length }));
  return { root, lines, neverCalled: names.filter((name) => !wrote.has(name)) };
}

// Counted, not timed: bytes of the record and names in it.
test.each([300, 1000])('at %i agents, a steady turn adds to taken.jsonl the agents a rule draws for the first time, not every agent it governs, and no name twice', { timeout: 120_000 }, async (agents) => {
  const { root, lines, neverCalled } = await drawsRecorded(agents, 6);
  // The built org's letters are of turn 2: the run's turns are 3 to 8.
  expect(lines.map((line) => line.turn)).toEqual([3, 4, 5, 6, 7, 8]);
  const governed = lines.flatMap((line) => line.draws.flatMap((draws) => draws.firstGoverned ?? []));
  const drawn = lines.flatMap((line) => line.draws.flatMap((draws) => draws.firstDrawn ?? []));
  // Each agent named at most once a list over the whole run. Before (s-draws102) each turn named all it governed: 300 a turn.
  expect(governed.length - new Set(governed).size).toBe(0);
  expect(drawn.length - new Set(drawn).size).toBe(0);
  // Every agent had work in the first turn, so it names them all, and no later turn names a governed agent again.
  expect(lines[0]?.draws[0]?.firstGoverned?.length).toBe(agents);
  for (const line of lines.slice(1)) {
    const [draws] = line.draws;
    expect(draws?.governed).toBeGreaterThan(agents / 2);
    expect(draws?.firstGoverned).toEqual([]);
    // A steady turn's draws: its counts, and only the names drawn for the first time (each `agent_0123` is 13 bytes with its quotes and comma).
    expect(line.bytes).toBeLessThanOrEqual(90 + 13 * (draws?.firstDrawn?.length ?? 0));
  }
  // The planted truth: the agents never drawn are those that never wrote, and the analysis rebuilds them from the lines.
  const [rule] = analyzeOrg(root).activation;
  expect(neverCalled.length).toBeGreaterThan(0);
  expect(rule?.neverDrawn).toEqual(neverCalled);
  expect(rule?.agentsDrawn).toBe(agents - neverCalled.length);
  console.log(`activation draws in taken.jsonl at ${agents} agents, bytes by turn: ${lines.map((line) => line.bytes).join(', ')}`);
});
