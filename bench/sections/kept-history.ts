import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { alternateTurns, buildJobOrg, cli, diskMb, runTurns, type BenchContext, type Storage } from '../context.js';
import { entryFloor } from '../entry-floor.js';
import type { Row } from '../row.js';
import { figure, type Figure } from '../stats.js';
import type { Job } from '../worker.js';

const WARM_UP = 1;
/** Timed runs of each org, after the warm-up one. */
const MEASURED: Record<number, number> = { 200: 6, 1000: 4 };
/** Turns of each timed run: a steady turn is a run's time over its turns. */
const TURNS_PER_RUN = 4;
/** The target of the issue (#53): a steady turn keeping its history costs at most this much more than one without. */
const TARGET = 1.3;
/** The same comparison with a model that answers in 200 ms (concurrency 8, the default), as a served model at its quickest: runs measured. */
const SLOW_RUNS = 3;
const SLOW_AGENTS = 200;
const SIZE_AGENTS = 200;
const SIZE_TURNS = 100;
const FORK_RUNS = 3;
/** A long run at 200 agents: runs of 4 turns alternated up to this many turns, the ratio taken over its last LATE_RUNS runs (what an entry costs once the files a turn appends to have grown). */
const LONG_TURNS = 100;
const LATE_RUNS = 5;

const shape = (agents: number, runs: number, turnsPerRun: number): Job => ({ agents, history: 0, withMail: agents, provider: 'instant', turns: runs, turnsPerRun });

/**
 * The cost of keeping the org's history (docs/history.md): a steady turn with it against one
 * without at 200 and 1,000 agents, the history's size after 100 turns at 200 agents against the
 * org's own, and `lemming fork` at 1,000 agents. On the first storage (the RAM disk where there is one).
 */
export function keptHistory(context: BenchContext): Row[] {
  const storage = context.storages[0];
  if (!storage) return [];
  const rows: Row[] = [];
  let forkFrom: { root: string; turn: number } | undefined;
  for (const agents of [200, 1000]) {
    const measured = MEASURED[agents] ?? 5;
    const job = shape(agents, WARM_UP + measured, TURNS_PER_RUN);
    const label = `N=${agents.toLocaleString('en-US')}`;
    const { roots, without } = compareKept(context, rows, job, label, (times) => times.slice(WARM_UP));
    // What an entry cannot cost less than, whatever the store: the files the last turn changed, read and hashed whole.
    const floor = entryFloor(roots[1]);
    const floorRatio = (without.median + floor.ms.median) / without.median;
    rows.push({
      what: `floor of an entry, ${label}: lstat, read and SHA-1 of the ${floor.files} files the last one changed (${floor.mb.toFixed(1)} MB), nothing written`,
      storage: storage.name,
      figure: { ms: floor.ms },
    });
    rows.push({ what: `(no history + that floor) / no history, ${label}`, storage: storage.name, figure: { ratio: floorRatio, of: 'median turns' } });
    context.log(`  ${label}: an entry's floor ${floor.ms.median.toFixed(1)} ms for ${floor.files} files (${floor.mb.toFixed(1)} MB), ${floorRatio.toFixed(2)}× a turn without history`);
    rmSync(roots[0], { recursive: true, force: true });
    // The org's last turn: its first (from the build) plus the ones run here.
    if (agents === 1000) forkFrom = { root: roots[1], turn: 1 + job.turns * TURNS_PER_RUN };
    else rmSync(roots[1], { recursive: true, force: true });
  }

  // A long run: an entry reads, hashes and gives git each file a turn changed whole, so a file that only grows (a log, the
  // ledger) costs more each turn; the activity logs are kept in pieces for that reason (engine/record/log-segments.ts).
  const long = shape(SLOW_AGENTS, LONG_TURNS / TURNS_PER_RUN, TURNS_PER_RUN);
  removeOrgs(compareKept(context, rows, long, `N=${SLOW_AGENTS}, turns ${LONG_TURNS - LATE_RUNS * TURNS_PER_RUN + 1} to ${LONG_TURNS} of a run`, (times) => times.slice(-LATE_RUNS)).roots);

  // What a person pays with a model that takes time: the entry is written while the next turn's calls wait on the model.
  const slow: Job = { agents: SLOW_AGENTS, history: 0, withMail: SLOW_AGENTS, provider: 'slow', delayMs: 200, turns: WARM_UP + SLOW_RUNS, turnsPerRun: 2 };
  removeOrgs(compareKept(context, rows, slow, `N=${SLOW_AGENTS}, model 200 ms a call`, (times) => times.slice(WARM_UP)).roots);

  if (forkFrom) {
    const from = forkFrom;
    const times: number[] = [];
    for (let run = 0; run < FORK_RUNS; run += 1) {
      const destination = mkdtempSync(join(storage.directory, 'lemming-fork-'));
      const start = performance.now();
      const fork = spawnSync(process.execPath, [cli, '--root', destination, 'fork', '--from', from.root, '--at', String(from.turn)], { encoding: 'utf8' });
      times.push(performance.now() - start);
      rmSync(destination, { recursive: true, force: true });
      if (fork.status !== 0) throw new Error(`lemming fork --at ${from.turn} exited ${String(fork.status)}: ${fork.stderr}`);
    }
    const forked = figure(times);
    rows.push({ what: `lemming fork --at ${from.turn}, N=1,000 (the whole process)`, storage: storage.name, figure: { ms: forked } });
    context.log(`  fork at N=1,000: ${forked.median.toFixed(0)} ms`);
    rmSync(from.root, { recursive: true, force: true });
  }

  // The size: 100 turns of 200 agents, every agent sending each turn, in one process.
  const job = shape(SIZE_AGENTS, 1, SIZE_TURNS);
  const root = buildJobOrg({ ...job, keepHistory: true }, storage);
  try {
    runTurns(job, root, storage);
    const store = join(root, 'org', 'state', 'history.git');
    const history = diskMb(store);
    const org = diskMb(root, store);
    execFileSync('git', ['--git-dir', store, 'gc', '--quiet'], { env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' } });
    const packed = diskMb(store);
    const label = `after ${SIZE_TURNS} turns, N=${SIZE_AGENTS}`;
    rows.push({ what: `the org's own files, ${label}`, storage: storage.name, figure: { mb: org } });
    rows.push({ what: `its history (org/state/history.git), ${label}`, storage: storage.name, figure: { mb: history } });
    rows.push({ what: `history / org, ${label}`, storage: storage.name, figure: { ratio: history / org, of: 'disk use' } });
    rows.push({ what: `history after \`git gc\` / org, ${label}`, storage: storage.name, figure: { ratio: packed / org, of: 'disk use' } });
    context.log(`  size after ${SIZE_TURNS} turns at N=${SIZE_AGENTS}: org ${org.toFixed(1)} MB, history ${history.toFixed(1)} MB (${packed.toFixed(1)} MB after git gc)`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return rows;
}

/**
 * The same org built twice, without a history and with one, its runs alternated in one process: the
 * comparison's three rows (the runs `taken` of each, by median) added to `rows`; the two orgs, left for the caller.
 */
function compareKept(context: BenchContext, rows: Row[], job: Job, label: string, taken: (times: number[]) => number[]): { roots: [string, string]; without: Figure } {
  const storage = context.storages[0] as Storage;
  const roots: [string, string] = [buildJobOrg({ ...job, keepHistory: false }, storage), buildJobOrg({ ...job, keepHistory: true }, storage)];
  try {
    const result = alternateTurns(job, roots, storage);
    const without = figure(taken(result.first));
    const kept = figure(taken(result.second));
    const ratio = kept.median / without.median;
    rows.push({ what: `steady turn, ${label}, no history`, storage: storage.name, figure: { ms: without } });
    rows.push({ what: `steady turn, ${label}, history kept`, storage: storage.name, figure: { ms: kept } });
    rows.push({ what: `history kept / no history, ${label}`, storage: storage.name, figure: { ratio, of: 'median turns' }, target: { text: `≤ ${TARGET}×`, met: ratio <= TARGET } });
    context.log(`  ${label}: no history ${without.median.toFixed(1)} ms, history kept ${kept.median.toFixed(1)} ms, ratio ${ratio.toFixed(2)}`);
    return { roots, without };
  } catch (error) {
    removeOrgs(roots);
    throw error;
  }
}

function removeOrgs(roots: readonly string[]): void {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
}
