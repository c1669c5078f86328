import { addCounts, countForms, HOLD_CAUSES, noRefusals, REFUSAL_CAUSES, type FormCounts, type RefusalCounts } from '../../format/mail-outcomes.js';
import { deliveriesOf } from '../records/deliveries.js';
import type { OrgRecords } from '../records/org-records.js';
import type { ActivationDraws, RefusalsInTurn } from '../org-analysis.js';

/**
 * The org's refusals by cause, over its turns and turn by turn: each refused send its logs record
 * (a line standing for several counts them all), each call whose answer they record refused as too
 * large, and each turn's agents with work not called, as its line of taken.jsonl says them. Pure.
 */
export function refusalCounts(records: OrgRecords): { total: RefusalCounts; byTurn: RefusalsInTurn[] } {
  const turns = new Map<number, RefusalCounts>();
  const of = (turn: number): RefusalCounts => {
    let counts = turns.get(turn);
    if (!counts) turns.set(turn, (counts = noRefusals()));
    return counts;
  };
  for (const refusal of records.refusals ?? []) of(refusal.turn)[refusal.cause] += refusal.count;
  // A call whose answer was refused as too large: its agent's log says it; taken.jsonl holds only what the plan held back.
  for (const refused of records.answersRefused ?? []) of(refused.turn).answer += 1;
  for (const turn of records.held ?? []) {
    for (const cause of HOLD_CAUSES) {
      const count = turn.held[cause];
      if (typeof count === 'number' && count > 0) of(turn.turn)[cause] += count;
    }
  }
  const byTurn = [...turns.entries()]
    .filter(([, counts]) => REFUSAL_CAUSES.some((cause) => counts[cause] > 0))
    .sort(([left], [right]) => left - right)
    .map(([turn, counts]) => ({ turn, ...counts }));
  const total = noRefusals();
  for (const [, counts] of turns) addCounts(total, counts);
  return { total, byTurn };
}

/**
 * Each activation rule's draws summed over the turns after `afterTurn` (every turn without it, or a fork point), with its
 * `match` as org.yaml says it now, and which agents it drew and never drew over them: each turn's line names the agents
 * the run's record had not named yet (engine/record/taken-files.ts namedFirst), so the sets are the lines' names put
 * together. Unknown (absent) when a turn's line does not name them (written before lemming kept the names). Pure.
 */
export function activationDraws(records: OrgRecords, afterTurn = -1): ActivationDraws[] {
  const byRule = new Map<number, { sum: ActivationDraws; drawn?: Set<string>; governed?: Set<string> }>();
  for (const turn of records.held ?? []) {
    if (turn.turn <= afterTurn) continue;
    for (const draws of turn.draws) {
      const rule = byRule.get(draws.rule) ?? { sum: { rule: draws.rule, match: records.activationRules?.[draws.rule - 1] ?? '?', governed: 0, drawn: 0 }, drawn: new Set(), governed: new Set() };
      rule.sum.governed += draws.governed;
      rule.sum.drawn += draws.drawn;
      const governed = namesOf(draws.firstGoverned);
      const drawn = namesOf(draws.firstDrawn);
      if (governed && drawn && rule.drawn && rule.governed) {
        for (const name of drawn) rule.drawn.add(name);
        for (const name of governed) rule.governed.add(name);
      } else {
        rule.drawn = rule.governed = undefined;
      }
      byRule.set(draws.rule, rule);
    }
  }
  return [...byRule.values()]
    .map(({ sum, drawn, governed }) => (drawn && governed ? { ...sum, agentsDrawn: drawn.size, neverDrawn: [...governed].filter((name) => !drawn.has(name)).sort() } : sum))
    .sort((left, right) => left.rule - right.rule);
}

/** A record's list of agent names, or undefined when it has none (written before lemming kept them) or is not one. */
function namesOf(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((name) => typeof name === 'string') ? value : undefined;
}

/**
 * What became of the org's mail after turn `afterTurn` (every turn without it): readers reached by
 * form, and refusals by cause. An experiment's run forked after a turn counts only its own. Pure.
 */
export function mailOutcomes(records: OrgRecords, afterTurn = -1): { deliveries: FormCounts; refusals: RefusalCounts } {
  const deliveries = countForms(deliveriesOf(records).filter((delivery) => delivery.turn > afterTurn));
  const refusals = noRefusals();
  for (const turn of refusalCounts(records).byTurn) if (turn.turn > afterTurn) addCounts(refusals, Object.fromEntries(REFUSAL_CAUSES.map((cause) => [cause, turn[cause]])) as RefusalCounts);
  return { deliveries, refusals };
}

/** Calls stopped at org.yaml `engine.max_steps` in the turns after `afterTurn` (every turn without it), their tools' last results unseen. Pure. */
export function callsAtMaxSteps(records: OrgRecords, afterTurn = -1): number {
  return (records.stoppedAtMaxSteps ?? []).reduce((sum, stopped) => (stopped.turn > afterTurn ? sum + stopped.calls : sum), 0);
}
