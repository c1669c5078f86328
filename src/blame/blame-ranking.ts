import { wilsonInterval } from '../statistics/proportions.js';
import type { CandidateStep } from './candidate-steps.js';

/** What one fork of a step did: the check's verdict on it, and what its own turns cost. */
export interface ForkOutcome extends CandidateStep {
  /** The fork's folder, relative to the blame's folder. */
  fork: string;
  /** The seed its changed call ran with (or the repair model's). */
  seed: number;
  /** The model the changed call ran on (a registry key). */
  model: string;
  /** The check passed: changing this call flipped the run's failure. */
  passed: boolean;
  /** Calls made from the step's turn on (the shared turns before it are the original's and cost nothing). */
  calls: number;
  credits: number;
  /** Calls charged for turns before the step's: always 0, since the fork copies them. */
  sharedCalls: number;
  /** The fork's last turn. */
  lastTurn: number;
}

/** How often changing one thing (a step, or all of an agent's steps) made the run pass. */
export interface FlipRate {
  forks: number;
  passed: number;
  /** passed / forks. */
  rate: number;
  /** 95% Wilson interval of the rate. */
  interval: [number, number];
  calls: number;
  credits: number;
}

export type StepBlame = CandidateStep & FlipRate;
export type AgentBlame = { agent: string; steps: number } & FlipRate;

function flipRate(outcomes: readonly ForkOutcome[]): FlipRate {
  const passed = outcomes.filter((outcome) => outcome.passed).length;
  return {
    forks: outcomes.length,
    passed,
    rate: outcomes.length === 0 ? 0 : passed / outcomes.length,
    interval: wilsonInterval(passed, outcomes.length),
    calls: outcomes.reduce((sum, outcome) => sum + outcome.calls, 0),
    credits: outcomes.reduce((sum, outcome) => sum + outcome.credits, 0),
  };
}

/** Higher flip rate first, then the higher lower bound (more forks), then the earlier step: a stable order. */
function byBlame<T extends FlipRate>(order: (left: T, right: T) => number): (left: T, right: T) => number {
  return (left, right) => right.rate - left.rate || right.interval[0] - left.interval[0] || order(left, right);
}

/**
 * Steps and agents ranked by how often re-running them made the failed run pass: a step whose
 * change flips the outcome is where the failure was made. Pure.
 */
export function rankBlame(steps: readonly CandidateStep[], outcomes: readonly ForkOutcome[]): { steps: StepBlame[]; agents: AgentBlame[] } {
  const ranked = steps.map((step) => ({ ...step, ...flipRate(outcomes.filter((outcome) => outcome.turn === step.turn && outcome.agent === step.agent)) }));
  ranked.sort(byBlame<StepBlame>((left, right) => left.turn - right.turn || (left.agent < right.agent ? -1 : left.agent > right.agent ? 1 : 0)));
  const agentNames = [...new Set(steps.map((step) => step.agent))];
  const agents = agentNames.map((agent) => ({ agent, steps: steps.filter((step) => step.agent === agent).length, ...flipRate(outcomes.filter((outcome) => outcome.agent === agent)) }));
  agents.sort(byBlame<AgentBlame>((left, right) => (left.agent < right.agent ? -1 : left.agent > right.agent ? 1 : 0)));
  return { steps: ranked, agents };
}
