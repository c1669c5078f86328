import { ruleMatches } from '../../org/activation-rules.js';
import type { Org } from '../../org/org.js';
import type { EngineSettings } from '../../org/schema.js';
import { continueSeed, firstDraw, streamSeed } from '../../random/seeded-random.js';

/** org.yaml `engine.activation`, when set. */
export type ActivationSettings = NonNullable<EngineSettings['activation']>;
type Rule = ActivationSettings['rules'][number];

/** What drawing the turn's agents decided: the calls kept, and how many agents with work wait for a later draw. */
export interface Activation<Call> {
  calls: Call[];
  /** Agents with work this turn that no draw picked: their mail waits, as a held agent's does. */
  notDrawn: number;
  /** Each rule that governed an agent with work this turn: how many it governed, how many of them it drew. */
  draws: RuleDraws[];
}

/** One rule's draws (in a turn, or summed over turns): `rule` is its place in `engine.activation.rules`, from 1. */
export interface RuleDraws {
  rule: number;
  /** Agents with work it governed (the first rule each matched). */
  governed: number;
  /** Of them, those it drew: they acted. */
  drawn: number;
  /**
   * In a turn's plan and its line of taken.jsonl: the agents it governed, and those it drew, that no earlier line of the
   * run named (record/taken-files.ts `namedFirst`), in name order, so a report can rebuild, from a run's lines, which
   * agents it never drew, and a whole run names an agent at most once in each list. drawActive names every one of the
   * turn's, unsorted. Absent in sums over turns, in the events, and in lines written before lemming kept them (unknown).
   */
  firstGoverned?: string[];
  firstDrawn?: string[];
}

/**
 * The agent's draw in a turn, in [0, 1): from the activation's seed, the turn and the agent's name
 * alone, so a replay, a recovered turn and a fork draw alike, and one agent's draw does not depend
 * on who else has work.
 */
export function activationDraw(seed: number, turn: number, agent: string): number {
  return drawOfTurn(seed, turn)(agent);
}

/** The draws of one turn, by agent: the label's start (seed, turn) hashed once, the name for each agent (the same numbers as activationDraw's first form, `seededRandom(streamSeed(seed, label))()`). */
function drawOfTurn(seed: number, turn: number): (agent: string) => number {
  const start = streamSeed(seed, `activation\n${turn}\n`);
  return (agent) => firstDraw(continueSeed(start, agent));
}

/**
 * Draw who of the agents with work acts this turn (org.yaml `engine.activation`, docs/org-files.md):
 * an agent is governed by the first rule whose `match` it meets (org/activation-rules.ts; none: it always acts); it acts when
 * its draw is below the rule's `probability`, and of a rule's agents so drawn at most `at_most` act,
 * those with the lowest draws (a uniform sample of k of n). The others are not called: their mail
 * waits for a later turn, so nothing is lost, only delayed. Pure.
 */
export function drawActive<Call extends { agent: string }>(settings: ActivationSettings | undefined, org: Org, turn: number, calls: Call[]): Activation<Call> {
  if (!settings || settings.rules.length === 0) return { calls, notDrawn: 0, draws: [] };
  const byRule = new Map<Rule, Array<{ call: Call; draw: number }>>();
  const governed = new Map<Rule, string[]>();
  const drawOf = drawOfTurn(settings.seed, turn);
  const always: Call[] = [];
  for (const call of calls) {
    const agent = org.agents.get(call.agent);
    const rule = agent ? settings.rules.find((each) => ruleMatches(each, agent)) : undefined;
    if (!rule) {
      always.push(call);
      continue;
    }
    const agents = governed.get(rule) ?? [];
    agents.push(call.agent);
    governed.set(rule, agents);
    const draw = drawOf(call.agent);
    if (draw >= rule.probability) continue;
    const drawn = byRule.get(rule) ?? [];
    drawn.push({ call, draw });
    byRule.set(rule, drawn);
  }
  const kept = new Set<Call>(always);
  const chosenBy = new Map<Rule, Set<string>>();
  for (const [rule, drawn] of byRule) {
    const chosen = rule.at_most === undefined ? drawn : [...drawn].sort((left, right) => left.draw - right.draw || (left.call.agent < right.call.agent ? -1 : 1)).slice(0, rule.at_most);
    for (const { call } of chosen) kept.add(call);
    chosenBy.set(rule, new Set(chosen.map(({ call }) => call.agent)));
  }
  // In the order they came (the plan puts them in name order): the plan and its journal read as without activation.
  const acting = calls.filter((call) => kept.has(call));
  const draws = settings.rules.flatMap((rule, index) => {
    const agents = governed.get(rule);
    if (!agents) return [];
    const chosen = chosenBy.get(rule) ?? new Set<string>();
    // Every one of the turn's, in the order they came: the record keeps those it has not named yet, put in name order there.
    return [{ rule: index + 1, governed: agents.length, drawn: chosen.size, firstGoverned: agents, firstDrawn: [...chosen] }];
  });
  return { calls: acting, notDrawn: calls.length - acting.length, draws };
}
