import type { Org } from '../org/org.js';
import { planWorstCase, type ForkLimits, type WorstCase } from './blame-ceiling.js';
import type { CandidateStep } from './candidate-steps.js';
import { BISECTION_WINDOW, CONFIRMED_STEPS, type SearchSettings } from './search-strategy.js';
import { mostProbes } from './turn-bisection.js';

/** The worst case of a strategy's forks, and for bisection its own before a fall-back to the per-step search. */
export interface StrategyWorstCase extends WorstCase {
  /** Bisection: its probes and the steps about the turn found, without the per-step search it may fall back to. */
  own?: WorstCase;
}

/**
 * The most a strategy's forks can make and be charged (blame-ceiling.ts, fork by fork), before any is
 * made: `per-step` every step's k forks and controls; `adaptive` the first pass, the rest of the budget
 * as forks of the earliest step (the dearest) and the controls of the steps it ranks first; `bisect`
 * the run as it was, its most probes from the earliest turn, the steps of the turns about the one
 * found, and, since it may fall back, the per-step search beside it. Pure.
 */
export function strategyWorstCase(org: Org, steps: readonly CandidateStep[], settings: SearchSettings, limitsOf: (step: CandidateStep, control: boolean) => ForkLimits): StrategyWorstCase {
  const times = (step: CandidateStep, control: boolean, count: number): ForkLimits[] => Array.from({ length: Math.max(0, count) }, () => limitsOf(step, control));
  const perStep = steps.flatMap((step) => [...times(step, false, settings.k), ...times(step, true, settings.controls)]);
  const earliest = steps[0];
  if (settings.strategy === 'per-step' || earliest === undefined) return planWorstCase(org, perStep);
  if (settings.strategy === 'adaptive') {
    const firstPass = steps.flatMap((step) => times(step, false, settings.firstPass));
    const rest = times(earliest, false, settings.budget - firstPass.length);
    return planWorstCase(org, [...firstPass, ...rest, ...times(earliest, true, Math.min(CONFIRMED_STEPS, steps.length) * settings.controls)]);
  }
  const turns = new Set(steps.map((step) => step.turn)).size;
  const perTurn = Math.max(...[...new Set(steps.map((step) => step.turn))].map((turn) => steps.filter((step) => step.turn === turn).length));
  const near = Math.min(turns, 2 * BISECTION_WINDOW + 1) * perTurn;
  const own = [...times(earliest, true, Math.max(settings.controls, 1)), ...times(earliest, false, mostProbes(turns) * settings.k + near * (settings.k + settings.controls))];
  const whole = planWorstCase(org, [...own, ...perStep]);
  return { ...whole, own: planWorstCase(org, own) };
}
