import { streamSeed } from '../random/seeded-random.js';
import { MAX_SEED } from '../experiment/seed-bound.js';
import type { CandidateStep, RunCalls } from './candidate-steps.js';

/** The most a seed may be, as an experiment's (outcome-settings.ts). */

/** One fork blame will make: a step, which of its k tries, and the seed that try's call runs with. */
export interface PlannedFork extends CandidateStep {
  attempt: number;
  seed: number;
  /** Its folder under the blame's folder: `t<turn>-<agent>-<attempt>`. */
  fork: string;
}

/** What blame will cost, before it spends anything, from what the original run's calls cost. */
export interface BlameEstimate {
  steps: number;
  forks: number;
  /** The calls the forks make: each re-runs the original's calls from its step's turn on (a changed run may make more or fewer). */
  calls: number;
  credits: number;
  /** The calls of the turns before each step, which the forks copy rather than make: free. */
  sharedCalls: number;
  sharedCredits: number;
}

/**
 * The seeds of a step's k tries: drawn from the blame's seed and the step, never the original's own
 * seed (a try with it would re-run the same call). Pure: the same seed plans the same forks.
 */
export function planForks(steps: readonly CandidateStep[], k: number, seed: number, originalSeed: (step: CandidateStep) => number | undefined): PlannedFork[] {
  const planned: PlannedFork[] = [];
  for (const step of steps) {
    for (let attempt = 1; attempt <= k; attempt += 1) {
      let drawn = streamSeed(seed, `${step.turn} ${step.agent} ${attempt}`) % MAX_SEED;
      if (drawn === originalSeed(step)) drawn = (drawn + 1) % MAX_SEED;
      planned.push({ ...step, attempt, seed: drawn, fork: `t${step.turn}-${step.agent}-${attempt}` });
    }
  }
  return planned;
}

/** What k forks of each step will cost, from the original's calls: those from the step's turn on are made again; those before it are copied. Pure. */
export function estimateBlame(steps: readonly CandidateStep[], k: number, run: RunCalls): BlameEstimate {
  const estimate: BlameEstimate = { steps: steps.length, forks: steps.length * k, calls: 0, credits: 0, sharedCalls: 0, sharedCredits: 0 };
  for (const step of steps) {
    for (const call of run.calls) {
      if (call.turn >= step.turn) {
        estimate.calls += k;
        estimate.credits += k * call.credits;
      } else {
        estimate.sharedCalls += k;
        estimate.sharedCredits += k * call.credits;
      }
    }
  }
  return estimate;
}
