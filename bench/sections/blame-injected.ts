import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { blameRun, type BlameOptions } from '../../src/blame/blame-run.js';
import { runCalls, type CandidateStep } from '../../src/blame/candidate-steps.js';
import { runChecks } from '../../src/experiment/run-checks.js';
import { streamSeed } from '../../src/random/seeded-random.js';
import { wilsonInterval } from '../../src/statistics/proportions.js';
import { FAULT_KINDS, faultyRun, REPAIR_MODEL, ringCheck, ringModels, type Fault, type RingSettings } from '../fault-org.js';
import { firstDifference, lastToAct } from '../log-baselines.js';
import type { BenchContext } from '../context.js';
import type { Row, Target } from '../row.js';

/** The ring every run is made of: 6 agents, 3 notes at once (up to 3 calls a turn), 4 hops: some 12 calls. */
const SHAPE = { agents: 6, lanes: 3, turns: 4 } as const;
/** Runs a kind of fault. */
export const RUNS = 12;

/** What a way to name the faulty step (blame, with forks; a reading of the files, with none) came to over runs. */
export interface Tally {
  runs: number;
  step: number;
  agent: number;
  forks: number;
  calls: number;
  credits: number;
  originalCalls: number;
}

export const empty = (): Tally => ({ runs: 0, step: 0, agent: 0, forks: 0, calls: 0, credits: 0, originalCalls: 0 });

/** A kind of fault and how blame is run on it. */
interface Kind {
  name: string;
  fixedBy: Fault['fixedBy'];
  noise: number;
  culpritFix: number;
  /** Each blame run on the same runs: its label and its options. */
  blames: Array<{ label: string; options: Omit<BlameOptions, 'check'> }>;
}

const adaptive = (budget: number): Omit<BlameOptions, 'check'> => ({ strategy: 'adaptive', k: budget, controls: 3, firstPass: 3 });

const KINDS: Kind[] = [
  { name: 'a fault another seed undoes, on a scripted model that repeats a call', fixedBy: 'reseed', noise: 0, culpritFix: 1, blames: [{ label: 'lemming blame, adaptive (budget 3 changed forks a step)', options: adaptive(3) }] },
  { name: 'a fault another seed undoes 30 % of the time, every changed call checking each note it passes with chance 10 %', fixedBy: 'reseed', noise: 0.1, culpritFix: 0.3, blames: [{ label: 'lemming blame, adaptive (budget 6 changed forks a step)', options: adaptive(6) }] },
  {
    name: "a fault of the agent's model that no seed undoes",
    fixedBy: 'repair',
    noise: 0,
    culpritFix: 0,
    blames: [
      { label: `lemming blame --model ${REPAIR_MODEL}, adaptive (budget 3 changed forks a step)`, options: { ...adaptive(3), model: REPAIR_MODEL } },
      { label: 'lemming blame with other seeds only (no --model), adaptive (budget 3)', options: adaptive(3) },
    ],
  },
];

/** The totals' row of blame run as fits each fault. */
const FITTED = 'lemming blame as fitted to the fault (other seeds, or --model for a defect of the model)';

const BASELINES = ['last agent to act (the run\'s last call)', 'first step whose output differs from a passing repeat (the same org, another seed)', "first step whose output differs from the run's fault-free twin (the same seed: a twin exists only where the fault was injected)"];

/** One run scored: the step a method named first, and the agent (a baseline's is its step's; blame ranks agents of its own). */
export function score(tally: Tally, fault: Fault, step: CandidateStep | undefined, agent = step?.agent): void {
  tally.runs += 1;
  if (step?.turn === fault.turn && step.agent === fault.agent) tally.step += 1;
  if (agent === fault.agent) tally.agent += 1;
}

const percent = (part: number, whole: number): string => `${((100 * part) / whole).toFixed(0)} %`;
const interval = (part: number, whole: number): string => {
  const [low, high] = wilsonInterval(part, whole);
  return `[${(100 * low).toFixed(1)}, ${(100 * high).toFixed(1)}] %`;
};

/**
 * What blame's row is held to: naming the faulty step first in more runs than each reading of the files
 * a user can make (the last agent to act, the first difference from a passing repeat; not the fault-free
 * twin, which only an injected fault has). Without it the section printed shares and could not fail: a
 * blame that named the wrong step in every run gave a row like any other.
 */
export function aboveReadings(blame: Pick<Tally, 'step'>, readings: ReadonlyArray<Pick<Tally, 'step'>>): Target {
  return { text: `named first in more runs than ${USER_READINGS.map((index) => BASELINES[index]!.replace(/ \(.*$/, '')).join(' and than ')}`, met: USER_READINGS.every((index) => blame.step > readings[index]!.step) };
}

/** The readings of the files a user can make, by their index in BASELINES. */
const USER_READINGS = [0, 1] as const;

function row(label: string, tally: Tally, target?: Target): Row {
  const cost = tally.forks > 0 ? `; ${(tally.forks / tally.runs).toFixed(1)} forks, ${(tally.calls / tally.runs).toFixed(0)} calls a run (${(tally.calls / tally.originalCalls).toFixed(1)}× the original's)` : '; no fork';
  return {
    what: `${label}: faulty step named first in ${tally.step}/${tally.runs} runs, Wilson ${interval(tally.step, tally.runs)}; faulty agent ${tally.agent}/${tally.runs} (${percent(tally.agent, tally.runs)}, ${interval(tally.agent, tally.runs)})${cost}`,
    figure: { count: Math.round((1000 * tally.step) / tally.runs) / 10, unit: '% step' },
    ...(target ? { target } : {}),
  };
}

/**
 * Blame held to faults injected into runs that pass (lemming issues 63 and 74), beside what a reading
 * of the same runs' files names. Each run is a ring (bench/fault-org.ts) of 6 agents handing 3 notes on
 * at once for 4 hops, a holder's route drawn from its call's seed; its fault is put at a call drawn at
 * random (seeded) from the calls the fault-free run made, of a kind drawn at random. Three kinds of
 * fault, RUNS runs each; blame adaptive with 3 controls for the 3 steps it ranks first.
 */
export async function blameInjected(context: BenchContext): Promise<Row[]> {
  const storage = context.storages[0]!;
  const scratch = join(storage.directory, 'blame-injected');
  rmSync(scratch, { recursive: true, force: true });
  const out: Row[] = [];
  const totals = new Map<string, Tally>();
  const add = (label: string, tally: Tally): void => {
    const total = totals.get(label) ?? empty();
    for (const key of Object.keys(total) as Array<keyof Tally>) total[key] += tally[key];
    totals.set(label, total);
  };
  for (const [kindIndex, kind] of KINDS.entries()) {
    const blames = kind.blames.map(empty);
    const baselines = BASELINES.map(empty);
    for (let trial = 0; trial < RUNS; trial += 1) {
      const seed = 1000 * (kindIndex + 1) + trial;
      const ring: RingSettings = { ...SHAPE, seed, noise: kind.noise, culpritFix: kind.culpritFix };
      const check = ringCheck(ring);
      const base = join(scratch, `${kindIndex}-${trial}`);
      const twin = join(base, 'twin');
      const repeat = join(base, 'repeat');
      const root = join(base, 'run');
      await faultyRun(twin, ring);
      await faultyRun(repeat, { ...ring, seed: seed + 500 });
      const calls = runCalls(twin).calls;
      const at = calls[streamSeed(seed, 'position') % calls.length]!;
      const fault: Fault = { kind: FAULT_KINDS[streamSeed(seed, 'kind') % FAULT_KINDS.length]!, agent: at.agent, turn: at.turn, fixedBy: kind.fixedBy };
      await faultyRun(root, ring, fault);
      const [failed] = await runChecks(root, [check]);
      const passing = await runChecks(twin, [check]);
      const repeated = await runChecks(repeat, [check]);
      if (failed?.passed || !passing[0]?.passed || !repeated[0]?.passed) throw new Error(`blame-injected: run ${seed}: the faulty run must fail and the fault-free ones pass (${failed?.passed}, ${passing[0]?.passed}, ${repeated[0]?.passed})`);
      score(baselines[0]!, fault, lastToAct(root));
      score(baselines[1]!, fault, firstDifference(root, repeat));
      score(baselines[2]!, fault, firstDifference(root, twin));
      const original = runCalls(root).calls.length;
      for (const [index, each] of kind.blames.entries()) {
        const report = await blameRun(root, { check, ...each.options, folder: join(base, `blame-${index}`), providerFactory: () => ringModels(ring, fault) });
        const tally = blames[index]!;
        score(tally, fault, report.steps[0], report.agents[0]?.agent);
        tally.forks += report.spent.forks;
        tally.calls += report.spent.calls;
        tally.credits += report.spent.credits;
        tally.originalCalls += original;
        context.log(`blame-injected: ${kind.fixedBy} ${seed}: ${fault.kind} at turn ${fault.turn} ${fault.agent} of ${calls.length} calls; ${each.label}: first ${report.steps[0]?.turn} ${report.steps[0]?.agent} (${report.steps[0]?.passed}/${report.steps[0]?.forks}, ${report.steps[0]?.verdict}), ${report.spent.forks} forks`);
      }
      rmSync(base, { recursive: true, force: true });
    }
    for (const [index, each] of kind.blames.entries()) {
      // Reseeding a defect of the model is shown failing (its forks fail as its controls do): no target.
      const fitted = !each.label.startsWith('lemming blame with other seeds only');
      out.push(row(`${kind.name}: ${each.label}`, blames[index]!, fitted ? aboveReadings(blames[index]!, baselines) : undefined));
      add(fitted ? FITTED : 'lemming blame with other seeds only, where the fault needs a repair model', blames[index]!);
    }
    for (const [index, label] of BASELINES.entries()) {
      out.push(row(`${kind.name}: ${label}`, baselines[index]!));
      add(label, baselines[index]!);
    }
  }
  const readings = BASELINES.map((label) => totals.get(label) ?? empty());
  for (const [label, tally] of totals) out.push(row(`every run: ${label}`, tally, label === FITTED ? aboveReadings(tally, readings) : undefined));
  rmSync(scratch, { recursive: true, force: true });
  return out;
}
