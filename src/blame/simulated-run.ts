import { streamSeed } from '../random/seeded-random.js';
import { bernoulliTrials } from '../statistics/sampling.js';
import type { AllocatedFork } from './fork-allocation.js';
import { rankBlame, type ForkOutcome, type StepBlame } from './blame-ranking.js';
import { searchSteps, type SearchHooks, type SearchRecord, type SearchSettings } from './search-strategy.js';
import type { CandidateStep } from './candidate-steps.js';
import type { Probe } from './turn-bisection.js';

/**
 * A failed run as blame's allocation sees it, with the answer known: each step a chance that changing
 * its call makes the run pass, and a chance that its control (the call as it was) passes by the run's
 * own noise. The allocation's tests and the bench drive the allocation with it, no engine run; the
 * bench's injected faults (bench/sections/blame-faults.ts) hold the same claims on real forks.
 */
export interface SimulatedStep extends CandidateStep {
  /** The chance a fork with this call changed passes. */
  flip: number;
  /** The chance a control of it passes. */
  control: number;
}

export interface SimulatedRun {
  steps: SimulatedStep[];
  /** Where in `steps` the culprit is. */
  culprit: number;
}

/**
 * `steps` calls, one agent's a turn in turn (agents a0, a1, ... round the org), all flipping `noise`
 * of forks but the culprit at `culprit`, which flips `culpritFlip`; every control passes `control`.
 */
export function simulatedRun(options: { steps: number; agents: number; culprit: number; culpritFlip: number; noise: number; control?: number }): SimulatedRun {
  const steps = Array.from({ length: options.steps }, (_, index): SimulatedStep => ({
    turn: index + 1,
    agent: `a${index % options.agents}`,
    flip: index === options.culprit ? options.culpritFlip : options.noise,
    control: options.control ?? 0,
  }));
  return { steps, culprit: options.culprit };
}

/** Forks of the simulated run, drawn from `seed`: one per allocated fork. */
export function simulatedForks(run: SimulatedRun, seed: number): (forks: readonly AllocatedFork[]) => Promise<boolean[]> {
  const passes = bernoulliTrials(seed);
  return async (forks) => forks.map((fork) => passes(fork.control ? run.steps[fork.step]!.control : run.steps[fork.step]!.flip));
}

/**
 * Forks from a turn with every later call changed: each changed call flips the run on its own chance
 * (independently), so the more calls changed the likelier a pass, as bisection assumes; `invert`
 * breaks that assumption (a run where changing more calls makes passing less likely) to hold the check.
 */
export function simulatedProbe(run: SimulatedRun, seed: number, invert = false): (turn: number, k: number) => Promise<Probe> {
  const passes = bernoulliTrials(seed);
  return async (turn, k) => {
    const changed = run.steps.filter((step) => step.turn >= turn);
    let chance = 1 - changed.reduce((keep, step) => keep * (1 - step.flip), 1);
    if (invert) chance = changed.length === run.steps.length ? 0 : 1 - chance;
    let passed = 0;
    for (let index = 0; index < k; index += 1) if (passes(chance)) passed += 1;
    return { turn, forks: k, passed };
  };
}

/** The search's hooks on a simulated run: every fork's outcome kept as blame keeps a real one's (a call and no credit each), the probes counted. */
export function simulatedHooks(run: SimulatedRun, seed: number): { hooks: SearchHooks; outcomes: ForkOutcome[]; probeForks: () => number } {
  const forks = simulatedForks(run, seed);
  const probe = simulatedProbe(run, streamSeed(seed, 'probe'));
  const outcomes: ForkOutcome[] = [];
  let probed = 0;
  return {
    outcomes,
    probeForks: () => probed,
    hooks: {
      async fork(allocated) {
        const passed = await forks(allocated);
        for (const [index, each] of allocated.entries()) {
          const step = run.steps[each.step]!;
          outcomes.push({ turn: step.turn, agent: step.agent, fork: `simulated-${outcomes.length}`, model: 'simulated', control: each.control, passed: passed[index]!, calls: 1, credits: 0, sharedCalls: 0, lastTurn: step.turn });
        }
        return passed;
      },
      async probe(turn, k) {
        probed += k;
        return probe(turn, k);
      },
    },
  };
}

/** What blame made of a simulated run: where the culprit step and its agent were ranked (1 is first), the steps ranked, and the forks spent. */
export async function blameSimulated(run: SimulatedRun, settings: SearchSettings, seed: number): Promise<{ stepRank: number; agentRank: number; steps: StepBlame[]; forks: number; record: SearchRecord }> {
  const { hooks, outcomes, probeForks } = simulatedHooks(run, seed);
  const record = await searchSteps(run.steps, settings, hooks);
  const ranked = rankBlame(run.steps, outcomes, settings.strategy === 'per-step' ? 'effect' : 'pooled');
  const culprit = run.steps[run.culprit]!;
  const stepRank = ranked.steps.findIndex((step) => step.turn === culprit.turn && step.agent === culprit.agent) + 1;
  const agentRank = ranked.agents.sort((left, right) => left.best.rank - right.best.rank).findIndex((agent) => agent.agent === culprit.agent) + 1;
  return { stepRank, agentRank, steps: ranked.steps, forks: outcomes.length + probeForks(), record };
}
