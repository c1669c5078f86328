import { differenceInterval } from '../statistics/proportion-difference.js';
import { wilsonInterval } from '../statistics/proportions.js';

/**
 * Which step to fork next, apart from running any fork: blame's allocation as a pure function of what
 * the forks so far came to, so a simulated run (simulated-run.ts) can drive it as the engine does.
 */

/** What one step's forks came to so far: its changed forks and its controls. */
export interface StepTally {
  forks: number;
  passed: number;
  controls: number;
  controlPassed: number;
}

/** How adaptive allocation spends forks. */
export interface AdaptiveSettings {
  /** Changed forks each step gets in the first pass. */
  firstPass: number;
  /** Controls per changed fork (`--controls` over `-k`): a step's controls keep this pace with its forks; 0 runs none. */
  controlShare: number;
  /** The confidence of every interval the allocation reads (0.95: 95 %), each step's on its own (not adjusted for how many steps there are). */
  confidence: number;
  /** The most forks, controls included, the allocation may spend in all. */
  budget: number;
  /** The most contenders forked each round beside the leader (those whose upper bound is highest). */
  width: number;
}

/** One fork to make: which step (its index in the candidates, oldest first) and whether it is a control. */
export interface AllocatedFork {
  step: number;
  control: boolean;
}

/**
 * Where the allocation stands: `first-pass` (the forks are the first pass's), `contention` (the leader's
 * interval still overlaps a contender's), `separated` (the leader's lower bound is above every other
 * step's upper bound: done), `budget-spent` (the budget is spent before that: done, the leader unseparated).
 */
export type AllocationState = 'first-pass' | 'contention' | 'separated' | 'budget-spent';

export interface Allocation {
  state: AllocationState;
  /** The forks to make next; empty when done. */
  forks: AllocatedFork[];
  /** The step with the highest score, once every step had its first pass. */
  leader?: number;
  /** The steps whose interval overlaps the leader's. */
  contenders: number[];
}

/** A step's score and its interval: its effect (rate less its control's, Newcombe's interval) where controls ran, else its rate (Wilson's). */
export function stepScore(tally: StepTally, confidence: number): { score: number; interval: [number, number] } {
  if (tally.forks === 0) return { score: -Infinity, interval: [-Infinity, Infinity] };
  if (tally.controls === 0) return { score: tally.passed / tally.forks, interval: wilsonInterval(tally.passed, tally.forks, confidence) };
  return {
    score: tally.passed / tally.forks - tally.controlPassed / tally.controls,
    interval: differenceInterval({ passed: tally.passed, trials: tally.forks }, { passed: tally.controlPassed, trials: tally.controls }, confidence),
  };
}

/** The controls a step should have beside `forks` changed forks. */
function controlsDue(forks: number, share: number): number {
  return Math.ceil(forks * share - 1e-9);
}

/** The number of forks spent so far, controls included. */
export function forksSpent(tallies: readonly StepTally[]): number {
  return tallies.reduce((sum, tally) => sum + tally.forks + tally.controls, 0);
}

/** The leader (the highest score; the earlier step on a tie) and the steps whose interval overlaps its. */
export function contention(tallies: readonly StepTally[], confidence: number): { leader: number; contenders: number[] } {
  const scored = tallies.map((tally) => stepScore(tally, confidence));
  let leader = 0;
  for (const [index, each] of scored.entries()) if (each.score > scored[leader]!.score) leader = index;
  const floor = scored[leader]!.interval[0];
  const contenders = scored
    .map((each, index) => ({ index, upper: each.interval[1] }))
    .filter((each) => each.index !== leader && each.upper >= floor)
    .sort((left, right) => right.upper - left.upper || left.index - right.index)
    .map((each) => each.index);
  return { leader, contenders };
}

/**
 * The next forks: first every step's first pass (k0 changed forks, its controls at their pace); then,
 * round by round, one changed fork to the leader and to the `width` contenders with the highest upper
 * bounds (each with the controls that keep its pace), until the leader is separated or the budget is
 * spent. A round that would pass the budget is cut to fit, the leader first. Pure.
 */
export function nextAllocation(tallies: readonly StepTally[], settings: AdaptiveSettings): Allocation {
  const left = settings.budget - forksSpent(tallies);
  const take = (forks: AllocatedFork[]): AllocatedFork[] => forks.slice(0, Math.max(0, left));
  const firstPass: AllocatedFork[] = [];
  for (const [step, tally] of tallies.entries()) {
    // Forks and controls in turn, so that a budget that cuts the pass leaves both arms alike.
    const controls = controlsDue(settings.firstPass, settings.controlShare);
    for (let index = 0; index < Math.max(settings.firstPass, controls); index += 1) {
      if (index >= tally.forks && index < settings.firstPass) firstPass.push({ step, control: false });
      if (index >= tally.controls && index < controls) firstPass.push({ step, control: true });
    }
  }
  if (firstPass.length > 0) {
    const forks = take(firstPass);
    return { state: forks.length > 0 ? 'first-pass' : 'budget-spent', forks, contenders: [] };
  }
  const { leader, contenders } = contention(tallies, settings.confidence);
  if (contenders.length === 0) return { state: 'separated', forks: [], leader, contenders };
  const round: AllocatedFork[] = [];
  for (const step of [leader, ...contenders.slice(0, settings.width)]) {
    const tally = tallies[step]!;
    round.push({ step, control: false });
    for (let due = controlsDue(tally.forks + 1, settings.controlShare) - tally.controls; due > 0; due -= 1) round.push({ step, control: true });
  }
  const forks = take(round);
  return { state: forks.length > 0 ? 'contention' : 'budget-spent', forks, leader, contenders };
}

/** What adaptive allocation came to: every step's tally, where it stopped, and its leader. */
export interface AllocationResult {
  tallies: StepTally[];
  /** `ceiling`: a fork was not run (the credit ceiling left it no room), so the allocation stopped there. */
  state: 'separated' | 'budget-spent' | 'ceiling';
  leader: number;
  contenders: number[];
  rounds: number;
}

/**
 * Adaptive allocation run to its end: each round's forks made by `fork` (all of a round at once, so a
 * caller may run them in parallel) and tallied, until the leader is separated or the budget is spent.
 * `fork` says of each fork whether the run passed, or `undefined` for a fork it did not run (the
 * credit ceiling): the allocation stops there.
 */
export async function allocateForks(steps: number, settings: AdaptiveSettings, fork: (forks: readonly AllocatedFork[]) => Promise<ReadonlyArray<boolean | undefined>>): Promise<AllocationResult> {
  const tallies: StepTally[] = Array.from({ length: steps }, () => ({ forks: 0, passed: 0, controls: 0, controlPassed: 0 }));
  let rounds = 0;
  for (;;) {
    const next = nextAllocation(tallies, settings);
    if (next.forks.length === 0) {
      const { leader, contenders } = contention(tallies, settings.confidence);
      return { tallies, state: next.state === 'separated' ? 'separated' : 'budget-spent', leader, contenders, rounds };
    }
    rounds += 1;
    const passed = await fork(next.forks);
    let stopped = false;
    for (const [index, each] of next.forks.entries()) {
      const tally = tallies[each.step]!;
      if (passed[index] === undefined) {
        stopped = true;
        continue;
      }
      if (each.control) {
        tally.controls += 1;
        if (passed[index]) tally.controlPassed += 1;
      } else {
        tally.forks += 1;
        if (passed[index]) tally.passed += 1;
      }
    }
    if (stopped) return { tallies, state: 'ceiling', ...contention(tallies, settings.confidence), rounds };
  }
}
