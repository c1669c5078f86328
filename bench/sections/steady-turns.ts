import { rmSync } from 'node:fs';
import { alternateTurns, buildJobOrg, type BenchContext, memoryFloor, runJob, runJobAfterFirstTurn } from '../context.js';
import type { AlternateResult } from '../worker.js';
import { asGuard, atMostMs, atMostTimes, underMb, type Row, type Target } from '../row.js';
import { figure, type Figure } from '../stats.js';

/** Warm-up and measured turns by org size: a big org's turn takes seconds, and its steady state comes sooner. */
function turnsFor(agents: number): { warmUp: number; measured: number } {
  return agents >= 5000 ? { warmUp: 2, measured: 3 } : { warmUp: 10, measured: 9 };
}

function steadyTarget(agents: number, storage: string, turn: Figure, floor: Figure): Target | undefined {
  if (agents === 200) return atMostMs(turn, 50);
  if (agents === 1000) return atMostMs(turn, 250);
  // Guards (issue 40): the ≤ 3× floor goal sat at the runtime's floor against each file operation's guarantees.
  // That goal was given up at 10,000 agents and the guard set at 9×; 5,000 agents (on the RAM disk only) is the
  // same goal at half the size, measured at 6.4× to 6.6× since, so it is held to the same guard.
  if (agents >= 5000 && storage !== 'disk') return asGuard(atMostTimes(turn, 9, floor, 'floor'));
  if (agents >= 5000) return atMostTimes(turn, 2, floor, 'floor');
  return undefined;
}

/** Peak RSS by org size: at 200 agents a guard at the measured level and a margin (the 64 MB goal was given up); at 10,000 a goal. */
const RSS_TARGETS: Record<number, { mb: number; guard?: true }> = { 200: { mb: 96, guard: true }, 10_000: { mb: 400 } };

/**
 * A turn in which every agent has mail and answers it, with an instant model: the
 * engine's whole overhead. Each org runs in a fresh process, so its first turn (which
 * also compiles the code) and its peak RSS are measured apart from the steady turns.
 */
export function steadyTurns(context: BenchContext): Row[] {
  const rows: Row[] = [];
  const sizes = context.quick ? [10, 50, 200, 1000] : [10, 50, 200, 1000, 5000, 10_000];
  const memory = context.storages[0] ? memoryFloor(context.storages[0]) : undefined;
  const memoryNote = memory ? ` (floor: Node alone ${memory.nodeMb.toFixed(0)} MB, with the engine's modules loaded ${memory.modulesMb.toFixed(0)} MB)` : '';
  for (const storage of context.storages) {
    // 5,000 agents only on the RAM disk: on the disk, building and timing it took minutes and adds no target.
    for (const agents of sizes.filter((size) => size !== 5000 || storage.name === 'RAM disk')) {
      const floor = context.floor(storage, agents).total;
      const { warmUp, measured } = turnsFor(agents);
      // Up to 1,000 agents, three fresh processes: a process's first turn is one figure each, and a
      // single one moved by a fifth between runs on this machine.
      const { firstEver, results } = runJobAfterFirstTurn({ agents, history: 0, withMail: agents, provider: 'instant', turns: warmUp + measured }, storage, agents <= 1000 ? 3 : 1);
      const called = [...firstEver.called, ...results.flatMap((result) => result.called)];
      if (called.some((count) => count !== agents)) throw new Error(`N=${agents}: a turn called ${called.join(', ')} agents, not all ${agents}`);
      const steady = figure(results.flatMap((result) => result.turnMs.slice(warmUp)));
      const first = figure(results.map((result) => result.turnMs[0] ?? 0));
      const medians = { openMs: figure(results.map((one) => one.openMs)).median, peakRssMb: figure(results.map((one) => one.peakRssMb)).median };
      const target = steadyTarget(agents, storage.name, steady, floor);
      const size = agents.toLocaleString('en-US');
      rows.push({ what: `steady turn, N=${size}`, storage: storage.name, figure: { ms: steady }, ...(target ? { target } : {}), floor });
      if (agents >= 1000 && storage.name === context.storages[0]?.name) {
        // How much of the turn is the engine's own file work, which no code on top can go below
        // (on the RAM disk, where the guard against the first floor leaves the engine's own cost).
        const record = context.recordFloor(storage, agents);
        rows.push(
          {
            what: `the same file operations as the engine's steady turn, with no engine (record-floor.ts: per agent, 5 stats, the message written and renamed, a line appended to its activity log, a line to the journal), N=${size}`,
            storage: storage.name,
            figure: { ms: record },
            floor,
          },
          { what: `steady turn / its own file operations with no engine, N=${size}`, storage: storage.name, figure: { ratio: steady.median / record.median, of: 'medians' } },
        );
      }
      rows.push({
        what: `first turn of a fresh process on an org that has run, N=${size} (opening the engine before it: ${medians.openMs.toFixed(0)} ms)`,
        storage: storage.name,
        figure: { ms: first },
        // A guard at 2.5× (the 2× goal was given up): the first turn reads every waiting message and builds every prompt's static part.
        ...(agents >= 1000 ? { target: agents === 1000 ? asGuard(atMostTimes(first, 2.5, steady, 'steady turn')) : atMostTimes(first, 2, steady, 'steady turn') } : {}),
        floor,
      });
      rows.push({
        what: `first turn of a new org, N=${size} (its first turn ever, in a fresh process: it also makes every agent's logs/ folder; opening the engine before it: ${firstEver.openMs.toFixed(0)} ms)`,
        storage: storage.name,
        figure: { ms: figure(firstEver.turnMs) },
        floor,
      });
      if (storage.name === context.storages[0]?.name) {
        const limit = RSS_TARGETS[agents];
        const target = limit ? (limit.guard ? asGuard(underMb(medians.peakRssMb, limit.mb)) : underMb(medians.peakRssMb, limit.mb)) : undefined;
        rows.push({ what: `peak RSS, N=${agents.toLocaleString('en-US')}${limit ? memoryNote : ''}`, figure: { mb: medians.peakRssMb }, ...(target ? { target } : {}) });
      }
      context.log(`  ${storage.name} N=${agents}: steady ${steady.median.toFixed(1)} ms, first of a process ${first.median.toFixed(1)} ms, first ever ${firstEver.turnMs[0]?.toFixed(1) ?? '-'} ms, floor ${floor.median.toFixed(1)} ms, peak RSS ${medians.peakRssMb.toFixed(0)} MB`);
    }
  }
  // The memory target with history: 1,000 agents whose outboxes hold 100,000 old messages.
  const storage = context.storages[0];
  if (storage) rows.push(...tracesKept(context, storage));
  if (storage) {
    const { warmUp, measured } = turnsFor(1000);
    const result = runJob({ agents: 1000, history: 100_000, withMail: 1000, provider: 'instant', turns: warmUp + measured }, storage);
    const floor = context.floor(storage, 1000).total;
    rows.push({ what: 'steady turn, N=1,000, H=100,000', storage: storage.name, figure: { ms: figure(result.turnMs.slice(warmUp)) }, target: atMostMs(figure(result.turnMs.slice(warmUp)), 250), floor });
    rows.push({ what: 'peak RSS, N=1,000, H=100,000, no flags', figure: { mb: result.peakRssMb }, target: underMb(result.peakRssMb, 150) });
    context.log(`  N=1000 H=100000: peak RSS ${result.peakRssMb.toFixed(0)} MB`);
  }
  return rows;
}

/**
 * Call traces kept (org.yaml `engine.traces.keep: 50`, as the default org sets) against none, at
 * 1,000 agents where everyone may write to everyone, so every prompt holds the list of all 1,000
 * agents. The turns are taken in alternation in one process, so whatever else the machine does
 * weighs on both alike; each org's peak RSS is measured in a fresh process of its own.
 */
function tracesKept(context: BenchContext, storage: BenchContext['storages'][number]): Row[] {
  const { warmUp, measured } = turnsFor(1000);
  const job = { agents: 1000, history: 0, withMail: 1000, provider: 'instant' as const, turns: warmUp + measured };
  const roots: [string, string] = [buildJobOrg({ ...job, traces: 50 }, storage), buildJobOrg(job, storage)];
  let alternated: AlternateResult;
  try {
    alternated = alternateTurns(job, roots, storage);
  } finally {
    for (const root of roots) rmSync(root, { recursive: true, force: true });
  }
  if (alternated.called.some((called) => called !== 1000)) throw new Error(`traces kept: a turn called ${alternated.called.join(', ')} agents, not 1,000`);
  const steadyKept = figure(alternated.first.slice(warmUp));
  const steadyWithout = figure(alternated.second.slice(warmUp));
  const without = runJob(job, storage);
  const kept = runJob({ ...job, traces: 50 }, storage);
  const floor = context.floor(storage, 1000).total;
  context.log(`  N=1000 traces kept: ${steadyKept.median.toFixed(1)} ms against ${steadyWithout.median.toFixed(1)} ms without, turns alternated (${(steadyKept.median / steadyWithout.median).toFixed(2)}×); peak RSS ${kept.peakRssMb.toFixed(0)} MB against ${without.peakRssMb.toFixed(0)} MB`);
  return [
    { what: 'steady turn, N=1,000, no call traces (turns alternated with the next row)', storage: storage.name, figure: { ms: steadyWithout }, floor },
    { what: 'steady turn, N=1,000, call traces kept (engine.traces.keep: 50)', storage: storage.name, figure: { ms: steadyKept }, target: atMostTimes(steadyKept, 1.15, steadyWithout, 'the turn without'), floor },
    { what: 'peak RSS, N=1,000, no call traces', figure: { mb: without.peakRssMb } },
    { what: 'peak RSS, N=1,000, call traces kept', figure: { mb: kept.peakRssMb } },
  ];
}
