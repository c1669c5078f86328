import { EXIT, LemmingError } from '../errors.js';
import { mostAnAnswerCosts } from '../engine/money/charge.js';
import type { Org } from '../org/org.js';
import type { CandidateStep } from './candidate-steps.js';

/** The most blame's forks can make and be charged: every agent called in every turn a fork may run, each call at its models' limits. */
export interface WorstCase {
  forks: number;
  calls: number;
  credits: number;
}

/** A fork's limits: its step, the last turn it may run (the run's bound), and the model its changed call runs on. */
export interface ForkLimits {
  step: CandidateStep;
  lastTurn: number;
  model: string;
}

/** Credits as whole billionths, as every charge is rounded (money/charge.ts): sums and comparisons stay exact. */
const toNano = (credits: number): number => Math.round(credits * 1e9);

/**
 * The most one agent's call in a turn can be charged: `engine.max_steps` answers (one more when it keeps
 * a memory stream: the reflection paid with the turn), each step asking its models in order (a fallback
 * pays for the answers before it), each answer at the most its entry lets the usage gate admit
 * (mostAnAnswerCosts). `models` are the agent's own, or the model a changed call runs on. Pure.
 */
export function mostACallCosts(org: Org, agent: string, models: readonly string[]): number {
  const answers = org.settings.max_steps + (org.agents.get(agent)?.memory ? 1 : 0);
  let perStep = 0;
  for (const key of models) {
    const entry = org.models[key];
    if (entry) perStep += toNano(mostAnAnswerCosts(key, entry));
  }
  return (answers * perStep) / 1e9;
}

/**
 * The worst case of one fork: from its step's turn to its last, every agent of the org called each
 * turn at the most its call can cost; the changed call on its changed model where that costs more. Pure.
 */
export function forkWorstCase(org: Org, fork: ForkLimits): { calls: number; credits: number } {
  const turns = Math.max(0, fork.lastTurn - fork.step.turn + 1);
  const agents = [...org.agents.values()].filter((agent) => !agent.isHuman);
  let perTurn = 0;
  for (const agent of agents) perTurn += toNano(mostACallCosts(org, agent.name, agent.models));
  const own = org.agents.get(fork.step.agent);
  const changed = toNano(mostACallCosts(org, fork.step.agent, [fork.model])) - toNano(mostACallCosts(org, fork.step.agent, own?.models ?? []));
  return { calls: turns * agents.length, credits: (turns * perTurn + Math.max(0, changed)) / 1e9 };
}

/** The worst case of every fork planned. Pure. */
export function planWorstCase(org: Org, forks: readonly ForkLimits[]): WorstCase {
  let calls = 0;
  let nano = 0;
  for (const fork of forks) {
    const worst = forkWorstCase(org, fork);
    calls += worst.calls;
    nano += toNano(worst.credits);
  }
  return { forks: forks.length, calls, credits: nano / 1e9 };
}

/** A ceiling asked for must be a number of credits above 0. */
export function checkedCeiling(credits: number): number {
  if (!Number.isFinite(credits) || credits <= 0) throw new LemmingError('blame-invalid', `maxCredits: ${credits} is no ceiling; give a number of credits above 0, for example --max-credits 2.5`, { exitCode: EXIT.usage });
  return credits;
}

/**
 * What blame has spent against its ceiling: the credits its finished forks' ledgers charged, and the
 * worst case of each fork under way, held until it finishes. A fork starts only when its worst case fits
 * beside both, so the forks together never pass the ceiling, however many run at once.
 */
export class CreditCeiling {
  private spentNano = 0;
  private heldNano = 0;

  constructor(readonly credits: number) {}

  /** A fork finished earlier (its result kept): what it spent counts. */
  spentBefore(credits: number): void {
    this.spentNano += toNano(credits);
  }

  /** Hold a fork's worst case, if it fits; false: the fork is not started. */
  start(worst: number): boolean {
    if (this.spentNano + this.heldNano + toNano(worst) > toNano(this.credits)) return false;
    this.heldNano += toNano(worst);
    return true;
  }

  /** The fork is over: its hold is let go, and what its ledger charged is spent. */
  finish(worst: number, spent: number): void {
    this.heldNano -= toNano(worst);
    this.spentNano += toNano(spent);
  }

  /** What the finished forks' ledgers charged. */
  get spent(): number {
    return this.spentNano / 1e9;
  }
}
