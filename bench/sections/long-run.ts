import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { alternateTurns, buildJobOrg, diskMb, runTurns, type BenchContext, type Storage } from '../context.js';
import type { Row } from '../row.js';
import { figure, type Figure } from '../stats.js';
import type { CpuSpent, Job } from '../worker.js';

/**
 * Turns of each timed run unless said (`--long-run 200x200/40`): a turn is a run's time over its turns (its look for hand
 * edits and its wait for git's last entries included), so a longer run spreads that wait over more turns, as a user's
 * long `lemming run` does.
 */
export const TURNS_PER_RUN = 4;
/** The windows compared: turns 21 to 40, and the last 20 of the run (whole runs: at least one, after the first). */
const WINDOW = 20;
/** The issue's targets (#76): a late turn against an early one, the history against none, the store against the org. */
const LATE_TARGET = 1.15;
const KEPT_TARGET = 1.3;
const STORE_TARGET = 2;

/**
 * A long run (#76): `turns` turns of `agents` agents, every agent busy every turn (an instant model,
 * each agent passing work to the next), once without a history and once keeping it, the two orgs'
 * runs of `turnsPerRun` turns alternated in one process. A turn at turns 21 to 40 against the last 20, with the
 * history and without; then the history's store against the org's own files after the run.
 */
export function longRun(context: BenchContext, agents: number, turns: number, turnsPerRun = TURNS_PER_RUN): Row[] {
  const storage = context.storages[0] as Storage | undefined;
  if (!storage) return [];
  const job: Job = { agents, history: 0, withMail: agents, provider: 'instant', turns: turns / turnsPerRun, turnsPerRun };
  // Rows of runs of another length than 4 say it, beside the runs of 4 (whose rows keep their names).
  const label = `N=${agents.toLocaleString('en-US')}${turnsPerRun === TURNS_PER_RUN ? '' : `, runs of ${turnsPerRun} turns`}`;
  const roots: [string, string] = [buildJobOrg({ ...job, keepHistory: false }, storage), buildJobOrg({ ...job, keepHistory: true }, storage)];
  try {
    const started = performance.now();
    const result = alternateTurns(job, roots, storage);
    context.log(`  ${label}, ${turns} turns: ${((performance.now() - started) / 1000).toFixed(0)} s`);
    // Run r (from 0) holds turns L·r+1 to L·r+L: in runs of 4, the early window is runs 5 to 9 (turns 21 to 40) and the late one
    // the last 5; in runs of 20, one run each (21 to 40); in runs of 40, the second run (41 to 80, the first holding the process's first turn) and the last.
    const runs = Math.max(1, Math.floor(WINDOW / turnsPerRun));
    const firstRun = Math.ceil(WINDOW / turnsPerRun);
    const early = (times: number[]): Figure => figure(times.slice(firstRun, firstRun + runs));
    const late = (times: number[]): Figure => figure(times.slice(-runs));
    const window = { early: `turns ${firstRun * turnsPerRun + 1} to ${(firstRun + runs) * turnsPerRun}`, late: `turns ${turns - runs * turnsPerRun + 1} to ${turns}` };
    const figures = { none: { early: early(result.first), late: late(result.first) }, kept: { early: early(result.second), late: late(result.second) } };
    const rows: Row[] = [];
    for (const when of ['early', 'late'] as const) {
      const none = figures.none[when];
      const kept = figures.kept[when];
      const ratio = kept.median / none.median;
      rows.push({ what: `steady turn, ${label}, ${window[when]} of ${turns}, no history`, storage: storage.name, figure: { ms: none } });
      rows.push({ what: `steady turn, ${label}, ${window[when]} of ${turns}, history kept`, storage: storage.name, figure: { ms: kept } });
      rows.push({ what: `history kept / no history, ${label}, ${window[when]} of ${turns}`, storage: storage.name, figure: { ratio, of: 'median turns' }, target: { text: `≤ ${KEPT_TARGET}×`, met: ratio <= KEPT_TARGET } });
      context.log(`  ${label}, ${window[when]}: no history ${none.median.toFixed(1)} ms, kept ${kept.median.toFixed(1)} ms, ${ratio.toFixed(2)}×`);
    }
    // The same in CPU, which other work on the machine does not move: this process's (the engine) and git's, a turn.
    const cpu = (spent: CpuSpent[], from: number, to: number): { self: Figure; children: Figure; total: Figure } => {
      const taken = spent.slice(from, to);
      return { self: figure(taken.map((one) => one.self)), children: figure(taken.map((one) => one.children)), total: figure(taken.map((one) => one.self + one.children)) };
    };
    for (const when of ['early', 'late'] as const) {
      const [from, to] = when === 'early' ? [firstRun, firstRun + runs] : [result.firstCpu.length - runs, result.firstCpu.length];
      const none = cpu(result.firstCpu, from, to);
      const kept = cpu(result.secondCpu, from, to);
      rows.push({ what: `CPU a turn, ${label}, ${window[when]} of ${turns}, no history: the engine's process`, storage: storage.name, figure: { ms: none.self } });
      rows.push({ what: `CPU a turn, ${label}, ${window[when]} of ${turns}, history kept: the engine's process, and git (${kept.children.median.toFixed(1)} ms)`, storage: storage.name, figure: { ms: kept.self } });
      rows.push({ what: `CPU a turn, history kept (both) / no history, ${label}, ${window[when]} of ${turns}`, storage: storage.name, figure: { ratio: kept.total.median / none.total.median, of: 'median CPU' } });
      context.log(`  ${label}, ${window[when]}: CPU a turn ${none.total.median.toFixed(1)} ms without, ${kept.self.median.toFixed(1)} + git ${kept.children.median.toFixed(1)} ms kept`);
    }
    // What a run waits for after its last turn (the history's last entries and its checkpoint): shared by the run's turns.
    for (const when of ['early', 'late'] as const) {
      const [from, to] = when === 'early' ? [firstRun, firstRun + runs] : [result.firstEndMs.length - runs, result.firstEndMs.length];
      const none = figure(result.firstEndMs.slice(from, to));
      const kept = figure(result.secondEndMs.slice(from, to));
      rows.push({ what: `a run's end (its last turn's end to its own), ${label}, ${window[when]} of ${turns}, no history`, storage: storage.name, figure: { ms: none } });
      rows.push({ what: `a run's end (its last turn's end to its own), ${label}, ${window[when]} of ${turns}, history kept`, storage: storage.name, figure: { ms: kept } });
      context.log(`  ${label}, ${window[when]}: a run's end ${none.median.toFixed(1)} ms without, ${kept.median.toFixed(1)} ms kept (${(kept.median / turnsPerRun).toFixed(1)} ms a turn)`);
    }
    for (const [kind, of] of [['kept', 'history kept'], ['none', 'no history']] as const) {
      const ratio = figures[kind].late.median / figures[kind].early.median;
      rows.push({ what: `a turn at ${window.late} / at ${window.early}, ${label}, ${of}`, storage: storage.name, figure: { ratio, of: 'median turns' }, ...(kind === 'kept' ? { target: { text: `≤ ${LATE_TARGET}×`, met: ratio <= LATE_TARGET } } : {}) });
      context.log(`  ${label}, ${of}: late / early ${ratio.toFixed(2)}×`);
    }
    const store = join(roots[1], 'org', 'state', 'history.git');
    const history = diskMb(store);
    const org = diskMb(roots[1], store);
    const after = `after ${turns.toLocaleString('en-US')} turns, ${label}`;
    rows.push({ what: `the org's own files (du), ${after}`, storage: storage.name, figure: { mb: org } });
    rows.push({ what: `its history (org/state/history.git, du), ${after}`, storage: storage.name, figure: { mb: history } });
    rows.push({ what: `history / org, ${after}`, storage: storage.name, figure: { ratio: history / org, of: 'disk use' }, target: { text: `≤ ${STORE_TARGET}×`, met: history / org <= STORE_TARGET } });
    context.log(`  ${after}: org ${org.toFixed(0)} MB, history ${history.toFixed(0)} MB (${(history / org).toFixed(2)}×)`);
    rows.push(...freshProcessRows(context, job, roots, storage, after));
    return rows;
  } finally {
    for (const root of roots) rmSync(root, { recursive: true, force: true });
  }
}

/** Fresh processes on each org after the long run, alternated: each a `lemming run` of one turn would be. */
const FRESH_PROCESSES = 3;

/**
 * What a fresh process pays on an org a long run has aged, as each `lemming run`, each turn `chat` takes
 * in a process of its own and each fork does: one turn, with the history and without, the orgs taken in
 * alternation, and the whole process (loading the code, opening the org, the turn, its entry and closing).
 * With the history the first turn looks at every file for hand edits (a `stat` each, against the files
 * the last run kept): its floor is that look at every file by the quickest means, `find` (no lemming).
 */
function freshProcessRows(context: BenchContext, job: Job, roots: [string, string], storage: Storage, after: string): Row[] {
  const one: Job = { ...job, turns: 1, turnsPerRun: undefined };
  const first: [number[], number[]] = [[], []];
  const whole: [number[], number[]] = [[], []];
  for (let round = 0; round < FRESH_PROCESSES; round += 1) {
    for (const side of [0, 1] as const) {
      const started = performance.now();
      const result = runTurns(one, roots[side], storage);
      whole[side].push(performance.now() - started);
      first[side].push(result.turnMs[0] as number);
    }
  }
  const floor: number[] = [];
  for (let round = 0; round < FRESH_PROCESSES; round += 1) {
    const started = performance.now();
    execFileSync('find', [roots[1], '-path', `${roots[1]}/org/state/history.git`, '-prune', '-o', '-printf', '%s %T@ %C@ %i\n'], { stdio: ['ignore', 'ignore', 'inherit'], maxBuffer: 1 << 30 });
    floor.push(performance.now() - started);
  }
  const [noneFirst, keptFirst, noneWhole, keptWhole, findAll] = [first[0], first[1], whole[0], whole[1], floor].map((times) => figure(times)) as [Figure, Figure, Figure, Figure, Figure];
  const on = storage.name;
  context.log(`  ${after}, a fresh process: first turn ${noneFirst.median.toFixed(0)} ms without, ${keptFirst.median.toFixed(0)} ms kept; the process ${noneWhole.median.toFixed(0)} / ${keptWhole.median.toFixed(0)} ms; find ${findAll.median.toFixed(0)} ms`);
  return [
    { what: `a fresh process's first turn, ${after}, no history (median of ${FRESH_PROCESSES}, alternated)`, storage: on, figure: { ms: noneFirst } },
    { what: `a fresh process's first turn, ${after}, history kept (it looks at every file for hand edits)`, storage: on, figure: { ms: keptFirst }, floor: findAll },
    { what: `the same, history kept / no history`, storage: on, figure: { ratio: keptFirst.median / noneFirst.median, of: 'median turns' } },
    { what: `that whole process (code loaded, org opened, 1 turn, its entry, closed), ${after}, no history`, storage: on, figure: { ms: noneWhole } },
    { what: `that whole process, ${after}, history kept`, storage: on, figure: { ms: keptWhole } },
    { what: `the floor: a stat of every file of the org with the history kept, by \`find -printf\` (no lemming), ${after}`, storage: on, figure: { ms: findAll } },
  ];
}
