import { sumCredits } from '../engine/money/credit-sum.js';
import { streamSeed } from '../random/seeded-random.js';
import { MAX_SEED } from '../experiment/seed-bound.js';
import type { CandidateStep, RunCalls } from './candidate-steps.js';

/**
 * One fork blame will make: a step, which of its tries, and the seed that try's call runs with. A
 * control re-runs the call as the run made it (its model, its own seed, or none if it had none): what
 * the run does from that step on by its own noise, against which the changed forks are read.
 */
export interface PlannedFork extends CandidateStep {
  attempt: number;
  /** The seed the call runs with: drawn for a changed fork; the original's for a control (absent when it had none). */
  seed?: number;
  /** A control: the call re-run as it was, not changed. */
  control: boolean;
  /** Its folder under the blame's folder: `t<turn>-<agent>-<attempt>`, a control's `t<turn>-<agent>-c<attempt>`. */
  fork: string;
}

/** What blame will cost, before it spends anything, from what the original run's calls cost. */
export interface BlameEstimate {
  steps: number;
  /** Every fork, the controls included. */
  forks: number;
  /** Of them, the controls. */
  controls: number;
  /** The calls the forks make: each re-runs the original's calls from its step's turn on (a changed run may make more or fewer). */
  calls: number;
  credits: number;
  /** The calls of the turns before each step, which the forks copy rather than make: free. */
  sharedCalls: number;
  sharedCredits: number;
}

/**
 * The seeds of a step's k tries: drawn from the blame's seed and the step, never the original's own
 * seed (a try with it would re-run the same call); then its `controls` controls, each on the
 * original's own seed (the agent's own model's, whatever model the changed forks run on). Pure: the same seed plans the same forks.
 */
export function planForks(
  steps: readonly CandidateStep[],
  k: number,
  seed: number,
  originalSeed: (step: CandidateStep) => number | undefined,
  controls: { count: number; seedOf: (step: CandidateStep) => number | undefined } = { count: 0, seedOf: originalSeed },
): PlannedFork[] {
  const planned: PlannedFork[] = [];
  for (const step of steps) {
    // A try and a control in turn, so that a ceiling that stops the forks part-way leaves both arms alike.
    for (let attempt = 1; attempt <= Math.max(k, controls.count); attempt += 1) {
      if (attempt <= k) planned.push(plannedFork(step, attempt, false, seed, originalSeed, controls.seedOf));
      if (attempt <= controls.count) planned.push(plannedFork(step, attempt, true, seed, originalSeed, controls.seedOf));
    }
  }
  return planned;
}

/**
 * The `attempt`-th changed fork of a step (its seed drawn from the blame's seed and the step, never the
 * original's own), or its `attempt`-th control (the original's own seed): the same fork whether planned
 * all at once or one round at a time (adaptive allocation), so a blame run again finds it done. Pure.
 */
export function plannedFork(
  step: CandidateStep,
  attempt: number,
  control: boolean,
  seed: number,
  originalSeed: (step: CandidateStep) => number | undefined,
  ownSeed: (step: CandidateStep) => number | undefined,
): PlannedFork {
  const at = { turn: step.turn, agent: step.agent };
  if (control) {
    const own = ownSeed(step);
    return { ...at, attempt, ...(own === undefined ? {} : { seed: own }), control: true, fork: `t${step.turn}-${step.agent}-c${attempt}` };
  }
  let drawn = streamSeed(seed, `${step.turn} ${step.agent} ${attempt}`) % MAX_SEED;
  if (drawn === originalSeed(step)) drawn = (drawn + 1) % MAX_SEED;
  return { ...at, attempt, seed: drawn, control: false, fork: `t${step.turn}-${step.agent}-${attempt}` };
}

/** The seed of a bisection probe's `attempt`-th fork from `turn` (every call from it on runs with it), and its folder `from-t<turn>-<attempt>`. Pure. */
export function probeFork(turn: number, attempt: number, seed: number): { turn: number; attempt: number; seed: number; fork: string } {
  return { turn, attempt, seed: streamSeed(seed, `from ${turn} ${attempt}`) % MAX_SEED, fork: `from-t${turn}-${attempt}` };
}

/**
 * What k forks and `controls` controls of each step will cost, from the original's calls: those from the
 * step's turn on are made again; those before it are copied. A control costs what a changed fork does. Pure.
 */
export function estimateBlame(steps: readonly CandidateStep[], tries: number, run: RunCalls, controls = 0): BlameEstimate {
  const k = tries + controls;
  const made: number[] = [];
  const copied: number[] = [];
  for (const step of steps) for (const call of run.calls) (call.turn >= step.turn ? made : copied).push(k * call.credits);
  return { steps: steps.length, forks: steps.length * k, controls: steps.length * controls, calls: k * made.length, credits: sumCredits(made), sharedCalls: k * copied.length, sharedCredits: sumCredits(copied) };
}
