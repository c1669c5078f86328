import { allocateForks, type AllocatedFork, type AllocationResult } from './fork-allocation.js';
import { bisectTurns, type BisectionResult, type Probe } from './turn-bisection.js';
import type { CandidateStep } from './candidate-steps.js';

/**
 * How blame spends its forks, apart from running them: `per-step` forks every candidate step k times
 * (and its controls); `adaptive` forks each step a few times, then spends the rest of a budget on the
 * steps still in contention with the leader (fork-allocation.ts), and gives the steps it ranks first
 * their controls; `bisect` finds the culprit's turn by forks that change every call from a turn on
 * (turn-bisection.ts), then forks the steps of the turns about it one by one, and falls back to
 * `per-step` where its assumption fails on the run. A simulated run drives it as blame's forks do.
 */
export type Strategy = 'per-step' | 'adaptive' | 'bisect';

export const STRATEGIES: readonly Strategy[] = ['per-step', 'adaptive', 'bisect'];

export interface SearchSettings {
  strategy: Strategy;
  /** Changed forks per step (per-step; bisect's steps about the turn found) and per bisection probe. */
  k: number;
  /** Controls per step forked one by one (per-step; bisect's steps; adaptive's steps ranked first); the unchanged run's forks in bisect. */
  controls: number;
  /** The confidence of adaptive's intervals. */
  confidence: number;
  /** Adaptive: changed forks in all (default: what per-step spends on them, steps × k). */
  budget: number;
  /** Adaptive: changed forks each step gets first. */
  firstPass: number;
}

/** Adaptive: the contenders forked each round beside the leader. */
export const CONTENTION_WIDTH = 4;
/** Adaptive: the steps it ranks first that get their controls. */
export const CONFIRMED_STEPS = 3;
/** Bisect: the turns either side of the turn found whose steps are forked one by one (bisection's errors are mostly a turn or two late). */
export const BISECTION_WINDOW = 2;
/** Bisect: below this Fisher's p a probe is taken to break the assumption. */
export const BISECTION_SIGNIFICANCE = 0.05;

/** What the search did, beside the forks' own outcomes (which the caller keeps). */
export interface SearchRecord {
  strategy: Strategy;
  /** The strategy that ran in the end: `per-step` where bisection fell back. */
  ran: Strategy;
  /** Adaptive: where it stopped (`separated`: the leader's lower bound above every other step's upper bound, at `confidence`). */
  allocation?: { state: AllocationResult['state']; rounds: number; leader: number; contenders: number };
  /** Bisect: its probes (turn `null`: the run as it was) and the turn found, or why it fell back. */
  bisection?: { probes: Array<Omit<Probe, 'turn'> & { turn: number | null }>; turn?: number; fallback?: string; searched: number[] };
}

/** How the search makes forks: steps' forks (`undefined` for one not run, the ceiling) and probes from a turn. */
export interface SearchHooks {
  fork(forks: readonly AllocatedFork[]): Promise<ReadonlyArray<boolean | undefined>>;
  probe(turn: number, k: number): Promise<Probe>;
}

/** Every step of `indexes` forked k times and `controls` times as it was, in one round. */
function perStepRound(indexes: readonly number[], k: number, controls: number): AllocatedFork[] {
  const forks: AllocatedFork[] = [];
  for (const step of indexes) {
    for (let attempt = 1; attempt <= Math.max(k, controls); attempt += 1) {
      if (attempt <= k) forks.push({ step, control: false });
      if (attempt <= controls) forks.push({ step, control: true });
    }
  }
  return forks;
}

/** Run the search over `steps` (oldest first) with `hooks`. */
export async function searchSteps(steps: readonly CandidateStep[], settings: SearchSettings, hooks: SearchHooks): Promise<SearchRecord> {
  const all = steps.map((_, index) => index);
  if (settings.strategy === 'adaptive') {
    const result = await allocateForks(steps.length, { firstPass: settings.firstPass, controlShare: 0, confidence: settings.confidence, budget: settings.budget, width: CONTENTION_WIDTH }, hooks.fork);
    if (settings.controls > 0 && result.state !== 'ceiling') {
      const first = result.tallies
        .map((tally, index) => ({ index, rate: tally.forks === 0 ? -1 : tally.passed / tally.forks }))
        .sort((left, right) => right.rate - left.rate || left.index - right.index)
        .slice(0, CONFIRMED_STEPS)
        .map((each) => each.index);
      await hooks.fork(perStepRound(first, 0, settings.controls));
    }
    return { strategy: 'adaptive', ran: 'adaptive', allocation: { state: result.state, rounds: result.rounds, leader: result.leader, contenders: result.contenders.length } };
  }
  if (settings.strategy === 'bisect') {
    // The run as it was: the earliest step's controls, which re-run every call from it as the run made them.
    const unchangedForks = perStepRound([0], 0, Math.max(settings.controls, 1));
    const unchangedPassed = await hooks.fork(unchangedForks);
    const unchanged: Probe = { turn: Infinity, forks: unchangedPassed.filter((each) => each !== undefined).length, passed: unchangedPassed.filter((each) => each === true).length };
    const found: BisectionResult = await bisectTurns(steps.map((step) => step.turn), { k: settings.k, significance: BISECTION_SIGNIFICANCE }, unchanged, hooks.probe);
    const probes = found.probes.map((probe) => ({ ...probe, turn: Number.isFinite(probe.turn) ? probe.turn : null }));
    if (found.turn === undefined) {
      await hooks.fork(perStepRound(all, settings.k, settings.controls).filter((fork) => !(fork.step === 0 && fork.control)));
      return { strategy: 'bisect', ran: 'per-step', bisection: { probes, ...(found.fallback === undefined ? {} : { fallback: found.fallback }), searched: [] } };
    }
    const turns = [...new Set(steps.map((step) => step.turn))].sort((left, right) => left - right);
    const at = turns.indexOf(found.turn);
    const near = new Set(turns.slice(Math.max(0, at - BISECTION_WINDOW), at + BISECTION_WINDOW + 1));
    const searched = all.filter((index) => near.has(steps[index]!.turn));
    await hooks.fork(perStepRound(searched, settings.k, settings.controls).filter((fork) => !(fork.step === 0 && fork.control)));
    return { strategy: 'bisect', ran: 'bisect', bisection: { probes, turn: found.turn, searched: [...near] } };
  }
  await hooks.fork(perStepRound(all, settings.k, settings.controls));
  return { strategy: 'per-step', ran: 'per-step' };
}
