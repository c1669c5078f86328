import type { Org } from '../org/org.js';
import { budgetHeld } from './budget/budget-entry.js';
import type { EndingHold, EngineEvent, RunCap, RunTotals, TurnStats } from './events.js';
import { heldForNextTurn } from './breakers/hold-by-breakers.js';
import { addCounts, noForms, noRefusals, sendsRefused } from '../format/mail-outcomes.js';
import { countRefusal } from './refusal-causes.js';
import { addDelivered } from './turn/refusal-text.js';
import type { RuleDraws } from './turn/activation.js';
import { agentsWithMail } from './human/waiting-mail.js';
import type { EngineState } from './record/engine-state.js';
import { FailingAgents } from './turn/failing-agents.js';

/*
 * A run's figures: a turn's before it starts, the run's summed over its committed turns, and the
 * event that ends the run with them.
 */

/** A turn's figures before it has done anything. */
export function emptyStats(): TurnStats {
  return { called: 0, skipped: 0, delivered: 0, fromHuman: 0, deliveries: noForms(), refused: 0, refusals: noRefusals(), invalidCalls: 0, errors: 0, inputTokens: 0, outputTokens: 0, credits: 0, durationMs: 0 };
}

/** Add what an event of a turn says to the turn's figures: what it delivered and refused, by form and cause, and what it spent. */
export function countEvent(stats: TurnStats, event: EngineEvent): void {
  if (event.type === 'message-delivered') {
    addDelivered(stats, event.message.from);
    if (event.forms) addCounts(stats.deliveries, event.forms);
  }
  if (event.type === 'meeting-held') stats.deliveries.meeting += event.heard;
  countRefusal(stats.refusals, event);
  stats.refused = sendsRefused(stats.refusals);
  if (event.type === 'agent-note' && event.invalidCall) stats.invalidCalls += 1;
  // An agent's turn that failed (its call, or the writing of its files) is an error of the run, as each turn said it;
  // so is a tool server that failed the agent, though the agent's turn went on.
  if (event.type === 'agent-error' || (event.type === 'agent-note' && event.error)) stats.errors += 1;
  if (event.type === 'credits-charged') {
    stats.inputTokens += event.inputTokens;
    stats.outputTokens += event.outputTokens;
    stats.credits += event.credits;
  }
}

/** A run's figures before its first turn. */
export function emptyTotals(): RunTotals {
  return { turns: 0, delivered: 0, fromHuman: 0, deliveries: noForms(), refused: 0, refusals: noRefusals(), invalidCalls: 0, errors: 0, inputTokens: 0, outputTokens: 0, credits: 0 };
}

/** Add a committed turn's figures to its run's. */
export function addTurn(totals: RunTotals, stats: TurnStats): void {
  totals.turns += 1;
  totals.delivered += stats.delivered;
  totals.fromHuman += stats.fromHuman;
  addCounts(totals.deliveries, stats.deliveries);
  addCounts(totals.refusals, stats.refusals);
  totals.refused = sendsRefused(totals.refusals);
  if (stats.draws) totals.draws = addDraws(totals.draws ?? [], stats.draws);
  totals.invalidCalls += stats.invalidCalls;
  totals.errors += stats.errors;
  totals.inputTokens += stats.inputTokens;
  totals.outputTokens += stats.outputTokens;
  totals.credits += stats.credits;
}

/** Activation's draws of several turns, summed by rule, in the rules' order. Pure. */
export function addDraws(into: readonly RuleDraws[], more: readonly RuleDraws[]): RuleDraws[] {
  const byRule = new Map(into.map((draws) => [draws.rule, { ...draws }]));
  for (const draws of more) {
    const sum = byRule.get(draws.rule) ?? { rule: draws.rule, governed: 0, drawn: 0 };
    sum.governed += draws.governed;
    sum.drawn += draws.drawn;
    byRule.set(draws.rule, sum);
  }
  return [...byRule.values()].sort((left, right) => left.rule - right.rule);
}

type RunFinished = Extract<EngineEvent, { type: 'run-finished' }>;

/**
 * How a run ended, with the agents whose mail still waits and why: no credits (stranded), models
 * that keep failing (then an idle run is not done: 'models-failing'), the org's ceiling, a loop
 * breaker or an intervention's hold. An idle run whose mail left waits only behind such limits ended `held`, by them
 * (`heldBy`): before, it read `idle`, as a run that had finished its work.
 */
export function runFinished(root: string, org: Org, state: EngineState, ended: RunFinished['reason'], totals: RunTotals, cap: RunCap): RunFinished {
  const waiting = agentsWithMail(root, org, state);
  const stranded = waiting.filter((agent) => !agent.payable).map((agent) => agent.name);
  const held = FailingAgents.load(root);
  const failing = waiting.filter((agent) => agent.payable && held.isHeld(org, agent.name)).map((agent) => agent.name);
  const ceiling = budgetHeld(org, state.ledger.totals);
  const atCeiling = waiting.filter((agent) => agent.payable && ceiling(agent.name)).map((agent) => agent.name);
  const holder = heldForNextTurn(org);
  const heldFor = (by: 'breaker' | 'intervention'): string[] => waiting.filter((agent) => agent.payable && !ceiling(agent.name) && holder(agent.name) === by).map((agent) => agent.name);
  const atBreaker = heldFor('breaker');
  const atIntervention = heldFor('intervention');
  const heldBy = ([['budget', stranded], ['ceiling', atCeiling], ['breaker', atBreaker], ['intervention', atIntervention]] as const).filter(([, agents]) => agents.length > 0).map(([cause]): EndingHold => cause);
  const reason = ended !== 'idle' ? ended : failing.length > 0 ? 'models-failing' : heldBy.length > 0 ? 'held' : 'idle';
  return {
    type: 'run-finished',
    reason,
    turns: totals.turns,
    lastTurn: state.turn,
    totals,
    stranded,
    failing,
    ...(atCeiling.length > 0 ? { atCeiling } : {}),
    ...(atBreaker.length > 0 ? { atBreaker } : {}),
    ...(atIntervention.length > 0 ? { atIntervention } : {}),
    ...(reason === 'held' ? { heldBy } : {}),
    ...(reason === 'turn-cap' ? { cap, waiting: waiting.map((agent) => agent.name) } : {}),
  };
}
