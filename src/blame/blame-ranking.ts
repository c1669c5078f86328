import { sumCredits } from '../engine/money/credit-sum.js';
import { discreteHolm, fisherTest, type DiscreteTest } from '../statistics/family-wise-error.js';
import { wilsonInterval } from '../statistics/proportions.js';
import type { CandidateStep } from './candidate-steps.js';

/** What one fork of a step did: the check's verdict on it, and what its own turns cost. */
export interface ForkOutcome extends CandidateStep {
  /** The fork's folder, relative to the blame's folder. */
  fork: string;
  /** The seed its call ran with (a changed fork's drawn seed; a control's, the original's, absent if it had none). */
  seed?: number;
  /** The model the call was to run on (a registry key). */
  model: string;
  /**
   * The registry key the fork's ledger charged the step's call to: what it ran on (`<model>-blame` for a copy
   * with the fork's seed). Absent in a result saved before it was kept, and where the call was not made.
   */
  called?: string;
  /** A control: the call re-run as the run made it. Absent in a result saved before controls. */
  control?: boolean;
  /** The check passed: changing this call flipped the run's failure (for a control: the run passed by its own noise). */
  passed: boolean;
  /** Calls made from the step's turn on (the shared turns before it are the original's and cost nothing). */
  calls: number;
  credits: number;
  /** Calls charged for turns before the step's: always 0, since the fork copies them. */
  sharedCalls: number;
  /** The fork's last turn. */
  lastTurn: number;
}

/** How often a set of forks passed the check. */
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

/**
 * What a step's change did against its control:
 * `effect`: the changed forks pass more often, and the p adjusted for every step tested is below 0.05;
 * `unclear`: more often, but that adjusted p is 0.05 or more (too few forks to tell among so many steps);
 * `noise`: the control passes at least as often (and passes); `none`: neither passes;
 * `no-control`: no control ran, so the rate alone is all there is; `not-run`: no changed fork ran.
 */
export type Verdict = 'effect' | 'unclear' | 'noise' | 'none' | 'no-control' | 'not-run';

/** A step: its changed forks' rate (the FlipRate fields), its control's, the difference and Fisher's p. */
export type StepBlame = CandidateStep &
  FlipRate & {
    /** The controls' rate; absent when none ran. */
    control?: FlipRate;
    /** The step had no control of its own: `control` is every control of the blame pooled (adaptive). */
    pooledControl?: true;
    /** rate − control.rate; absent without a control. */
    effect?: number;
    /** Fisher's exact two-sided p of the changed forks against the controls; absent without a control. */
    p?: number;
    /**
     * p adjusted for every step of the blame tested against a control (Holm's step-down with each test's
     * attainable p-values, src/statistics/family-wise-error.ts): the verdict reads this. Absent without a
     * control, and in a report saved before it was kept.
     */
    adjustedP?: number;
    verdict: Verdict;
  };

/** An agent: ranked by its best step (the highest of its steps in the ranking), its forks pooled beside it. */
export type AgentBlame = { agent: string; steps: number } & FlipRate & {
    /** Its steps' controls pooled; absent when none ran. */
    control?: FlipRate;
    /** Its best step: where it stands in the step ranking (1 is first), and that step's figures. */
    best: Pick<StepBlame, 'turn' | 'forks' | 'passed' | 'rate' | 'effect' | 'p' | 'adjustedP' | 'verdict'> & { rank: number };
  };

/** Below this a difference's adjusted p is called an effect: the chance that any step of a blame is called one falsely. */
export const SIGNIFICANCE = 0.05;

function flipRate(outcomes: readonly ForkOutcome[]): FlipRate {
  const passed = outcomes.filter((outcome) => outcome.passed).length;
  return {
    forks: outcomes.length,
    passed,
    rate: outcomes.length === 0 ? 0 : passed / outcomes.length,
    interval: wilsonInterval(passed, outcomes.length),
    calls: outcomes.reduce((sum, outcome) => sum + outcome.calls, 0),
    credits: sumCredits(outcomes.map((outcome) => outcome.credits)),
  };
}

/** A step's (or an agent's pooled) changed forks against its controls, before the family is read: its test, no verdict yet. */
type Compared = FlipRate & { control?: FlipRate; pooledControl?: true; effect?: number; p?: number; test?: DiscreteTest };

/**
 * A step's (or an agent's pooled) changed forks against its controls; with `pooled`, a step that had no
 * control of its own is read against those (every control of the blame, `pooledControl` set).
 */
function againstControl(outcomes: readonly ForkOutcome[], pooled: readonly ForkOutcome[] = []): Compared {
  const changed = flipRate(outcomes.filter((outcome) => !outcome.control));
  const own = outcomes.filter((outcome) => outcome.control);
  const controls = own.length > 0 ? own : pooled;
  if (changed.forks === 0 || controls.length === 0) return changed;
  const control = flipRate(controls);
  const test = fisherTest(control.passed, control.forks, changed.passed, changed.forks);
  return { ...changed, control, ...(own.length === 0 ? { pooledControl: true as const } : {}), effect: changed.rate - control.rate, p: test.p, test };
}

/**
 * Every step's verdict, its p adjusted for all the steps tested against a control: a blame reads tens of
 * steps at once, and at 5 % each the step ranked first of 50 steps that all pass alike was called an
 * effect in a quarter of runs or more (lemming issue 74).
 */
function withVerdicts(compared: readonly Compared[]): Array<Omit<Compared, 'test'> & { adjustedP?: number; verdict: Verdict }> {
  const adjusted = discreteHolm(compared.map((each) => each.test ?? { p: NaN, attainable: [] }));
  return compared.map(({ test, ...each }, index) => {
    if (each.forks === 0) return { ...each, verdict: 'not-run' as const };
    if (!each.control || test === undefined) return { ...each, verdict: 'no-control' as const };
    const adjustedP = adjusted[index]!;
    const verdict: Verdict = each.effect! > 0 ? (adjustedP < SIGNIFICANCE ? 'effect' : 'unclear') : each.control.passed > 0 ? 'noise' : 'none';
    return { ...each, adjustedP, verdict };
  });
}

const byName = (left: string, right: string): number => (left < right ? -1 : left > right ? 1 : 0);

/**
 * Steps ranked by their effect (the pass rate less the control's; the pass rate where no control ran),
 * or with `pooled` (adaptive and bisect, whose controls go to a few steps) by the pass rate less every control's pooled,
 * then the smaller p, the higher lower bound (more forks), the earlier step; agents by their best step,
 * each with its forks pooled beside it (a decisive step is not diluted by the agent's other calls). Pure.
 */
export function rankBlame(steps: readonly CandidateStep[], outcomes: readonly ForkOutcome[], by: 'effect' | 'pooled' = 'effect'): { steps: StepBlame[]; agents: AgentBlame[] } {
  // Where only some steps had controls (adaptive gives them to the steps it ranks first), every step is ranked
  // against the controls pooled (a step's own few controls would add their noise to it alone), and a step
  // without its own is tested against them.
  const controls = outcomes.filter((outcome) => outcome.control);
  const judged = withVerdicts(steps.map((step) => againstControl(outcomes.filter((outcome) => outcome.turn === step.turn && outcome.agent === step.agent), by === 'pooled' ? controls : [])));
  const ranked: StepBlame[] = steps.map((step, index) => ({ ...step, ...judged[index]! }));
  const pooledControl = controls.length === 0 ? 0 : controls.filter((outcome) => outcome.passed).length / controls.length;
  const score = (step: StepBlame): number => (step.forks === 0 ? -Infinity : by === 'pooled' ? step.rate - pooledControl : (step.effect ?? step.rate));
  ranked.sort((left, right) => score(right) - score(left) || (left.p ?? 1) - (right.p ?? 1) || right.interval[0] - left.interval[0] || left.turn - right.turn || byName(left.agent, right.agent));
  const agentNames = [...new Set(ranked.map((step) => step.agent))];
  const agents = agentNames.map((agent): AgentBlame => {
    const rank = ranked.findIndex((step) => step.agent === agent);
    const best = ranked[rank]!;
    const pooled = againstControl(outcomes.filter((outcome) => outcome.agent === agent), by === 'pooled' ? controls : []);
    return {
      agent,
      steps: steps.filter((step) => step.agent === agent).length,
      ...flipRate(outcomes.filter((outcome) => outcome.agent === agent && !outcome.control)),
      ...(pooled.control ? { control: pooled.control } : {}),
      best: { rank: rank + 1, turn: best.turn, forks: best.forks, passed: best.passed, rate: best.rate, verdict: best.verdict, ...(best.effect === undefined ? {} : { effect: best.effect }), ...(best.p === undefined ? {} : { p: best.p, adjustedP: best.adjustedP! }) },
    };
  });
  return { steps: ranked, agents };
}
