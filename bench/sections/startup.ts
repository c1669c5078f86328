import { spawnSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildJobOrg, cli, repo, type BenchContext } from '../context.js';
import { asGuard, atMostTimes, type Row } from '../row.js';
import { figure, type Figure } from '../stats.js';
import type { KeptOrg } from './history.js';

const RUNS = 7;

/** Wall times of a whole process, `runs` times; `before` prepares each run outside the timing. */
function processTimes(args: string[], runs: number, before?: (run: number) => string[], exitCode = 0): number[] {
  const times: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const runArgs = before ? [...args, ...before(run)] : args;
    const start = performance.now();
    const result = spawnSync(process.execPath, runArgs, { encoding: 'utf8' });
    times.push(performance.now() - start);
    if (result.status !== exitCode) throw new Error(`${runArgs.join(' ')} exited ${String(result.status)}, not ${exitCode}: ${result.stderr}`);
  }
  return times;
}

const timeProcess = (args: string[], runs: number, before?: (run: number) => string[]): Figure => figure(processTimes(args, runs, before));

/**
 * Start-up of the built CLI, next to `node -e 0` (Node itself). `run-once` runs each time on
 * a fresh copy of an org at N=50, H=10,000 where every agent has mail, so every run does the
 * same turn; its floor is `read-org-floor.js`, Node doing the same file work with no module of
 * lemming's, on copies made the same way. `status` reads the biggest org the history section kept,
 * in alternation with `status-floor.js`, Node making the same reads with no module of lemming's.
 */
export function startUp(context: BenchContext, big: KeptOrg | undefined): Row[] {
  const storage = context.storages[0];
  if (!storage) return [];
  const node = timeProcess(['-e', '0'], RUNS);
  const pristine = buildJobOrg({ agents: 50, history: 10_000, withMail: 50, provider: 'offline', turns: 1 }, storage);
  const copies: string[] = [];
  const freshCopy = (label: string) => (run: number) => {
    const copy = `${pristine}-${label}-${run}`;
    cpSync(pristine, copy, { recursive: true });
    copies.push(copy);
    return [copy];
  };
  const runOnce = timeProcess([cli, 'run-once', '--root'], RUNS, freshCopy('run'));
  const readOrg = timeProcess([join(repo, 'dist-bench', 'bench', 'read-org-floor.js')], RUNS, freshCopy('floor'));
  // What loading the code costs: the run command loads every module a turn uses before it looks
  // at --root, so a root that does not exist stops it (exit 2) right after, with no file work.
  const loadOnly = figure(processTimes([cli, 'run-once', '--root', join(storage.directory, 'no-such-org')], RUNS, undefined, 2));
  for (const root of [pristine, ...copies]) rmSync(root, { recursive: true, force: true });
  const rows: Row[] = [
    { what: '`node -e 0`', figure: { ms: node } },
    {
      what: 'no lemming module: Node reading the same org and writing one reply per agent (read-org-floor.js)',
      storage: storage.name,
      figure: { ms: readOrg },
      floor: node,
    },
    { what: '`lemming run-once --root` a folder that does not exist: Node and the modules a turn uses loaded, no file work (exit 2)', figure: { ms: loadOnly }, floor: node },
    { what: '`lemming run-once`, N=50, H=10,000, every agent with mail, the offline model', storage: storage.name, figure: { ms: runOnce }, target: asGuard(atMostTimes(runOnce, 2.5, readOrg, 'its floor')), floor: readOrg },
  ];
  context.log(`  node -e 0: ${node.median.toFixed(0)} ms; reading the org with no lemming module: ${readOrg.median.toFixed(0)} ms; lemming's modules loaded: ${loadOnly.median.toFixed(0)} ms; run-once N=50 H=10,000: ${runOnce.median.toFixed(0)} ms`);
  if (big) {
    // Taken in alternation, so whatever else the machine does weighs on both alike.
    const statusTimes: number[] = [];
    const floorTimes: number[] = [];
    for (let run = 0; run < RUNS; run += 1) {
      floorTimes.push(...processTimes([join(repo, 'dist-bench', 'bench', 'status-floor.js'), big.root], 1));
      statusTimes.push(...processTimes([cli, '--root', big.root, 'status'], 1));
    }
    const status = figure(statusTimes);
    const statusFloor = figure(floorTimes);
    const size = `N=${big.agents.toLocaleString('en-US')}, H=${big.history.toLocaleString('en-US')}`;
    rows.push(
      {
        what: `no lemming module: Node making the reads \`status\` makes (a stat of every resume; the kept org and engine.json read and parsed; a line per agent: status-floor.js), ${size}`,
        storage: storage.name,
        figure: { ms: statusFloor },
        floor: node,
      },
      {
        what: `\`lemming status\`, ${size}`,
        storage: storage.name,
        figure: { ms: status },
        target: asGuard(atMostTimes(status, 1.5, statusFloor, 'its floor')),
        floor: statusFloor,
      },
    );
    context.log(`  status N=${big.agents} H=${big.history}: ${status.median.toFixed(0)} ms; its reads with no lemming module: ${statusFloor.median.toFixed(0)} ms`);
  }
  return rows;
}
