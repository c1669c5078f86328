import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { cli, type BenchContext } from '../context.js';
import { defaultOrgCall } from '../peers/default-org-call.js';
import { langGraphSide } from '../peers/langgraph-side.js';
import { lemmingSide } from '../peers/lemming-side.js';
import type { PeerSetting, PeerSide, SteadyRun } from '../peers/peer-side.js';
import { startRingServer, type RingCall } from '../peers/ring-server.js';
import type { Row } from '../row.js';
import { figure, type Figure } from '../stats.js';

/**
 * lemming beside LangGraph.js on the same workloads, in one run, against one stand-in model
 * (bench/peers/ring-server.ts): a ring of N agents, each step every agent reads its mail and
 * sends one message to the next. The two sides' runs are interleaved (which goes first alternates
 * with each repetition), each in a fresh process on a fresh org or database on the same storage.
 */
const SIZES = [
  // Sixty steps at ten agents: a step is some 20 ms, and the CPU time the kernel counts in 10 ms ticks. The
  // first ten are the warm-up, reported apart: each side's code is still being compiled by V8's tiers then
  // (lemming's steps 2 to 10 cost it some 40 % more CPU than its steps after), which a step of 20 ms shows
  // and one of 400 ms does not. Steady is what a run of more than a few steps costs a step.
  { agents: 10, steps: 60, warmUp: 10 },
  { agents: 200, steps: 5, warmUp: 1 },
  { agents: 1_000, steps: 3, warmUp: 1 },
];
const SLOW = { agents: 100, steps: 4, delayMs: 200, warmUp: 1 };
const FORK = { agents: 50, steps: 10, at: 5 };
const KILL = { agents: 50, steps: 10, at: 5 };
const CONCURRENCY = 8;

interface Pair {
  lemming: SteadyRun[];
  peer: SteadyRun[];
}

/** Which of a run's steps after the first a figure takes: the steady ones after the warm-up, or the warm-up's. */
type Part = { warmUp: number; part: 'steady' | 'warm-up' };
const partOf = (values: readonly number[], { warmUp, part }: Part): number[] => (part === 'steady' ? values.slice(warmUp - 1) : values.slice(0, warmUp - 1));
const steps = (runs: SteadyRun[], part: Part): Figure => figure(runs.flatMap((run) => partOf(run.stepsMs, part)));
const peak = (runs: SteadyRun[]): number => figure(runs.map((run) => run.peakRssMb)).median;
const median = (values: number[]): number => figure(values).median;
const mean = (values: readonly number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;
/** The CPU time of a step, each run's mean over the part's steps; the figure is over the runs. */
const cpu = (runs: SteadyRun[], part: Part): Figure | undefined => {
  const each = runs.flatMap((run) => {
    const taken = run.stepCpuMs === undefined ? [] : partOf(run.stepCpuMs, part);
    return taken.length > 0 ? [mean(taken)] : [];
  });
  return each.length > 0 ? figure(each) : undefined;
};

export async function peers(context: BenchContext): Promise<Row[]> {
  const storage = context.storages.at(-1);
  if (!storage) return [];
  const repetitions = context.repetitions ?? 3;
  const server = await startRingServer();
  const base = mkdtempSync(join(storage.directory, 'peers-'));
  const loadBefore = loadavg()[0] as number;
  let runs = 0;
  const setting = (agents: number, delayMs = 0): PeerSetting => {
    server.reset({ agents, delayMs });
    const scratch = join(base, String((runs += 1)));
    mkdirSync(scratch);
    return { server, scratch, concurrency: CONCURRENCY };
  };
  const sides: [PeerSide, PeerSide] = [lemmingSide, langGraphSide];
  const inTurn = (repetition: number): PeerSide[] => (repetition % 2 === 0 ? sides : [...sides].reverse());
  try {
    const rows: Row[] = [];
    const workloads = [...SIZES.map((size) => ({ ...size, delayMs: 0 })), SLOW];
    const pairs = workloads.map((): Pair => ({ lemming: [], peer: [] }));
    for (let repetition = 0; repetition < repetitions; repetition += 1) {
      for (const [index, workload] of workloads.entries()) {
        for (const side of inTurn(repetition)) {
          const run = await side.steady(setting(workload.agents, workload.delayMs), workload.agents, workload.steps);
          (side === lemmingSide ? pairs[index]?.lemming : pairs[index]?.peer)?.push(run);
          const steady: Part = { warmUp: workload.warmUp, part: 'steady' };
          const cpuText = run.stepCpuMs === undefined ? '' : ` (CPU ${mean(partOf(run.stepCpuMs, steady)).toFixed(1)} ms)`;
          context.log(`  ${repetition + 1}/${repetitions} N=${workload.agents}${workload.delayMs ? ', 200 ms model' : ''} ${side.name}: step ${median(partOf(run.stepsMs, steady)).toFixed(0)} ms${cpuText}, peak RSS ${run.peakRssMb.toFixed(0)} MB`);
        }
      }
    }
    workloads.forEach((workload, index) => {
      const pair = pairs[index] as Pair;
      rows.push(...stepRows(workload, pair), ...(workload.delayMs ? [] : rssRows(workload.agents, pair)));
    });
    rows.push(...requestRows(pairs[1] as Pair, SIZES[1]?.agents ?? 0));
    const manager = await defaultOrgCall(cli, server, setting(1).scratch);
    rows.push({
      what: `bytes of one call's request, the default org (\`lemming bootstrap\`), the manager's first call: lemming (${describeParts(manager)})`,
      figure: { count: manager.bytes, unit: `bytes (≈ ${Math.round(manager.bytes / 4)} tokens)` },
    });

    for (const side of sides) {
      const fork = await side.fork(setting(FORK.agents), FORK.agents, FORK.steps, FORK.at);
      const expected = (FORK.steps - FORK.at) * FORK.agents;
      context.log(`  fork ${side.name}: ${fork.calls} calls, ${fork.sawChange} saw the change`);
      rows.push({
        what: `calls a fork after step ${FORK.at} of ${FORK.steps} makes to reach step ${FORK.steps}, one message changed, N=${FORK.agents}: ${side.name} (calls whose prompt held the change: ${fork.sawChange})`,
        figure: { count: fork.calls, unit: 'calls' },
        target: { text: `= ${expected} (${FORK.steps - FORK.at} steps × ${FORK.agents})`, met: fork.calls === expected && fork.sawChange >= 1 },
      });
    }
    for (const side of sides) {
      const account = await side.kill(setting(KILL.agents), KILL.agents, KILL.steps, KILL.at);
      context.log(`  kill ${side.name}: ${account.lost} lost, ${account.repeated} repeated, ${account.callsTwice} calls made twice`);
      const of = `SIGKILL when half of step ${KILL.at}'s calls had reached the model, resumed to step ${KILL.steps}, N=${KILL.agents}: ${side.name}`;
      const mine = side === lemmingSide;
      rows.push(
        { what: `messages lost or repeated, ${of}`, figure: { count: account.lost + account.repeated, unit: `(${account.lost} lost, ${account.repeated} repeated)` }, ...(mine ? { target: { text: '0', met: account.lost + account.repeated === 0 } } : {}) },
        { what: `model calls made twice, ${of}`, figure: { count: account.callsTwice, unit: `of ${account.calls} calls` } },
      );
    }
    rows.push({ what: 'machine load (1-minute average) as the section began', figure: { count: loadBefore, unit: `(${(loadavg()[0] as number).toFixed(2)} as it ended; ${repetitions} repetitions)` } });
    return rows;
  } finally {
    server.onCall = undefined;
    await server.close();
    rmSync(base, { recursive: true, force: true });
  }
}

function stepRows(workload: { agents: number; delayMs: number; warmUp: number }, pair: Pair): Row[] {
  const steady: Part = { warmUp: workload.warmUp, part: 'steady' };
  const ours = steps(pair.lemming, steady);
  const theirs = steps(pair.peer, steady);
  const after = workload.warmUp > 1 ? `, steps after the first ${workload.warmUp}` : '';
  const of = `N=${workload.agents}${workload.delayMs ? `, a ${workload.delayMs} ms model, concurrency ${CONCURRENCY}` : ''}${after}`;
  const ourCpu = cpu(pair.lemming, steady);
  const theirCpu = cpu(pair.peer, steady);
  // What a step costs the machine: on a loaded machine the wall time is the scheduler's as much as the side's.
  const cpuRows: Row[] =
    ourCpu && theirCpu && !workload.delayMs
      ? [
          { what: `CPU time of a steady step (user and system, every thread of the process; median of the runs), ${of}: lemming`, figure: { ms: ourCpu }, target: { text: `≤ LangGraph.js (${theirCpu.median.toFixed(1)} ms)`, met: ourCpu.median <= theirCpu.median } },
          { what: `CPU time of a steady step (user and system, every thread of the process; median of the runs), ${of}: LangGraph.js`, figure: { ms: theirCpu } },
          callCpuRow(`${of}: lemming`, ourCpu, workload.agents),
          callCpuRow(`${of}: LangGraph.js`, theirCpu, workload.agents),
        ]
      : [];
  return [
    { what: `steady step, ${of}: lemming`, figure: { ms: ours }, target: { text: `≤ LangGraph.js (${theirs.median.toFixed(0)} ms)`, met: ours.median <= theirs.median } },
    { what: `steady step, ${of}: LangGraph.js`, figure: { ms: theirs } },
    { what: `steady step, ${of}: lemming against LangGraph.js`, figure: { ratio: ours.median / theirs.median, of: 'lemming ÷ LangGraph.js, medians' } },
    ...cpuRows,
    ...(workload.warmUp > 1 ? warmUpRows(workload, pair) : []),
  ];
}

/**
 * What a step costs the side's process for each model call in it: a steady step's CPU time over the
 * step's calls (every agent is called once a step), in µs. The call itself (the request built, sent
 * and its answer read through the `openai` SDK on both sides) and all the side does with the answer
 * (mail, files, checkpoints) are in it.
 */
function callCpuRow(of: string, step: Figure, agents: number): Row {
  const each = (ms: number): number => (ms * 1000) / agents;
  return {
    what: `CPU time a call (a steady step's CPU time ÷ its ${agents} calls), ${of}`,
    figure: { count: Math.round(each(step.median)), unit: `µs (runs ${Math.round(each(step.min))}–${Math.round(each(step.max))} µs)` },
  };
}

/** The warm-up's steps (2 to `warmUp`), each side's, reported beside the steady ones: what a short run pays a step. */
function warmUpRows(workload: { agents: number; warmUp: number }, pair: Pair): Row[] {
  const part: Part = { warmUp: workload.warmUp, part: 'warm-up' };
  const of = `N=${workload.agents}, steps 2 to ${workload.warmUp} (the warm-up)`;
  return (
    [
      ['lemming', pair.lemming],
      ['LangGraph.js', pair.peer],
    ] as const
  ).flatMap(([name, runs]): Row[] => {
    const cpuFigure = cpu(runs, part);
    return [
      { what: `a step, ${of}: ${name}`, figure: { ms: steps(runs, part) } },
      ...(cpuFigure ? [{ what: `CPU time of a step, ${of}: ${name}`, figure: { ms: cpuFigure } }] : []),
    ];
  });
}

function rssRows(agents: number, pair: Pair): Row[] {
  const ours = peak(pair.lemming);
  const theirs = peak(pair.peer);
  return [
    { what: `peak RSS of the process, N=${agents}: lemming`, figure: { mb: ours }, target: { text: `≤ LangGraph.js (${theirs.toFixed(0)} MB)`, met: ours <= theirs } },
    { what: `peak RSS of the process, N=${agents}: LangGraph.js`, figure: { mb: theirs } },
  ];
}

/** What a call carries: the request's bytes by part, and the share a provider's prompt cache could serve. */
function requestRows(pair: Pair, agents: number): Row[] {
  const rows: Row[] = [];
  for (const [name, runs] of [
    ['lemming', pair.lemming],
    ['LangGraph.js', pair.peer],
  ] as const) {
    const calls: RingCall[] = runs.flatMap((run) => run.calls);
    const bytes = median(calls.map((call) => call.bytes));
    const middle = calls.find((call) => call.bytes === bytes) ?? (calls[0] as RingCall);
    rows.push({
      what: `bytes of one call's request, the ring's one-tool answer, N=${agents}: ${name} (${describeParts(middle)})`,
      figure: { count: bytes, unit: `bytes (≈ ${Math.round(bytes / 4)} tokens at 4 bytes a token)` },
    });
    // An agent's first call has no call before it to repeat.
    const later = runs.flatMap((run) => {
      const seen = new Set<string>();
      return run.calls.filter((call) => seen.has(call.agent) || !seen.add(call.agent));
    });
    const share = later.reduce((sum, call) => sum + call.cacheable, 0) / Math.max(1, later.reduce((sum, call) => sum + call.prompt, 0));
    rows.push({ what: `share of a call's prompt (tools, system prompt, mail, as providers read it) that repeats the same agent's previous call from its start, what a provider's prompt cache can serve: ${name}`, figure: { ratio: share, of: `over ${later.length} calls after each agent's first` } });
  }
  return rows;
}

const describeParts = (call: RingCall): string => `system prompt ${call.parts.system}, tools ${call.parts.tools}, the mail and the request's fields ${call.parts.rest}`;
