import { CAUSE_WORDS, type RefusalCounts } from '../format/mail-outcomes.js';
import type { SettingUse } from './provenance-types.js';

/** Where an experiment's figures were (`variant` picks its row of the settings; `within` says in how many runs: `in 1 of 2 run(s)`). */
export interface LimitScope {
  variant?: string;
  within?: string;
}

/** The row of `setting` the scope's variant ran with, if the settings name it. */
function settingOf(name: string, settings: readonly SettingUse[], variant: string | undefined): SettingUse | undefined {
  return settings.find((row) => row.setting === name && (variant === undefined || row.variants === undefined || row.variants.includes(variant)));
}

/**
 * A limit of org.yaml that was reached while the figures were made, said beside them: a call stopped at
 * `engine.max_steps` ran its tools and never saw their last results, so the figures measure the limit
 * too. The settings table names the limit; this says it decided something. `variant` (an experiment's)
 * picks its row of the settings and `within` says where the calls were (`in 1 of 2 run(s)`). Pure.
 */
export function maxStepsReached(calls: number, settings: readonly SettingUse[], scope: LimitScope = {}): string {
  const { variant, within } = scope;
  const limit = settingOf('engine.max_steps', settings, variant);
  return `${calls} call(s)${within ? ` ${within}` : ''} stopped at engine.max_steps${limit ? ` (${limit.value})` : ''}, their tools' last results unseen by the model: the figures measure that limit too`;
}

/**
 * The limits that hold an agent with mail and stop its work, each with the setting that sets it (a
 * row of the settings table, when it has one). Activation is left out: drawing a sample is the
 * study's design, not a limit the work ran into (its draws are a table of their own).
 */
const HOLDING_LIMITS = [
  { cause: 'ceiling', setting: 'budget', where: 'org/org.yaml budget' },
  { cause: 'breaker', setting: 'engine.breakers', where: 'org/org.yaml engine.breakers' },
  { cause: 'intervention', setting: undefined, where: 'org/interventions.yaml hold:' },
  { cause: 'budget', setting: undefined, where: "each agent's credits in its resume" },
] as const;

/**
 * Each limit that held agents with mail while the figures were made (a budget ceiling, a loop breaker,
 * an intervention's hold, an agent out of credits), said beside them as calls at `engine.max_steps` are: their mail waited, and
 * a run whose only mail left was held ends `held` (engine/run-totals.ts), so its messages and answer measure the
 * limit too. `runs` are the refusals by cause of each run the figures are made of (one for analyze; an
 * experiment variant's runs, said `in 1 of 2 run(s)`); `variant` picks its row of the settings. Before,
 * the caveats said only max_steps, and a run its ceiling stopped read `idle` without a word. Pure.
 */
export function holdsReached(runs: readonly RefusalCounts[], settings: readonly SettingUse[], variant?: string): string[] {
  return HOLDING_LIMITS.flatMap(({ cause, setting, where }) => {
    const held = runs.filter((counts) => counts[cause] > 0);
    if (held.length === 0) return [];
    const turns = held.reduce((sum, counts) => sum + counts[cause], 0);
    const within = variant === undefined && runs.length === 1 ? '' : ` in ${held.length} of ${runs.length} run(s)`;
    const row = setting === undefined ? undefined : settingOf(setting, settings, variant);
    return [`${turns} agent-turn(s) with mail${within} not called, ${CAUSE_WORDS[cause]} (${where}${row ? `: ${row.value}` : ''}), their mail left waiting: the figures measure that limit too`];
  });
}

/**
 * One rule of `engine.activation` over a run's turns: the agents with work it governed, and how many of them it drew
 * (analysis/org-analysis.ts counts them from the record; the caveats here read them).
 */
export interface ActivationDraws {
  /** Its place in `engine.activation.rules`, from 1. */
  rule: number;
  /** Its `match` as org.yaml says it now (`title: Clerk`); `?` when the rule is no longer there. */
  match: string;
  governed: number;
  drawn: number;
  /** The distinct agents it drew over the turns; absent: unknown (some turn's record, from before lemming kept the names, does not name them). */
  agentsDrawn?: number;
  /** The agents with work it governed and never drew over the turns, in name order; absent: unknown, as for `agentsDrawn`. */
  neverDrawn?: string[];
}

/**
 * Each `engine.activation` rule that governed agents with work and drew none of them, said beside the
 * figures: none of its agents acted, so what they would have done is no part of the figures, which
 * measure the rule (a probability set too low, a seed). `runs` are the draws of each run the figures
 * are made of (one for analyze; an experiment variant's runs, said `in 1 of 2 run(s)`). Before, only
 * the draws table said it, and report.md has none: a variant whose rule drew nobody read as an org
 * with nothing to do. Pure.
 */
export function rulesDrawingNobody(runs: ReadonlyArray<readonly ActivationDraws[]>, variant?: string): string[] {
  const byRule = new Map<number, { match: string; governed: number; drawn: number; runs: number }>();
  for (const draws of runs) {
    for (const rule of draws) {
      const sum = byRule.get(rule.rule) ?? { match: rule.match, governed: 0, drawn: 0, runs: 0 };
      byRule.set(rule.rule, { match: sum.match, governed: sum.governed + rule.governed, drawn: sum.drawn + rule.drawn, runs: sum.runs + (rule.governed > 0 ? 1 : 0) });
    }
  }
  const said = variant !== undefined || runs.length > 1;
  return [...byRule]
    .filter(([, rule]) => rule.governed > 0 && rule.drawn === 0)
    .sort(([left], [right]) => left - right)
    .map(([number, rule]) => `activation rule ${number} (${rule.match}) drew none of the ${rule.governed} agent-turn(s) with work it governed${said ? ` in ${rule.runs} of ${runs.length} run(s)` : ''}: none of its agents acted, and the figures measure the rule (org/org.yaml engine.activation)`);
}

/** How many names a caveat shows before it counts the rest. */
const NAMES_SHOWN = 3;

/**
 * Each `engine.activation` rule that drew some of its agents but left agents with work it governed never drawn
 * over a whole run, said beside the figures with up to three of their names: their work is no part of the
 * figures, which measure a sample that left them out. `runs` are the draws of each run the figures are made
 * of, as for rulesDrawingNobody (a rule that drew nobody is said there). A run whose records do not name the
 * agents drawn (from before lemming kept them) is unknown, and left out. Before, the draws were counts
 * only, and `at_most: 1` over a few turns could leave agents out without a word. Pure.
 */
export function agentsNeverDrawn(runs: ReadonlyArray<readonly ActivationDraws[]>, variant?: string): string[] {
  const byRule = new Map<number, { match: string; never: number; governed: number; names: Set<string>; runs: number }>();
  for (const draws of runs) {
    for (const rule of draws) {
      if (rule.neverDrawn === undefined || rule.agentsDrawn === undefined || rule.drawn === 0 || rule.neverDrawn.length === 0) continue;
      const sum = byRule.get(rule.rule) ?? { match: rule.match, never: 0, governed: 0, names: new Set<string>(), runs: 0 };
      sum.never += rule.neverDrawn.length;
      sum.governed += rule.agentsDrawn + rule.neverDrawn.length;
      for (const name of rule.neverDrawn) sum.names.add(name);
      sum.runs += 1;
      byRule.set(rule.rule, sum);
    }
  }
  const said = variant !== undefined || runs.length > 1;
  return [...byRule]
    .sort(([left], [right]) => left - right)
    .map(([number, rule]) => {
      const names = [...rule.names].sort();
      const shown = `${names.slice(0, NAMES_SHOWN).join(', ')}${names.length > NAMES_SHOWN ? ` and ${names.length - NAMES_SHOWN} more` : ''}`;
      return `activation rule ${number} (${rule.match}) never drew ${rule.never} of the ${rule.governed} agent(s) with work it governed${said ? ` (counted once a run) in ${rule.runs} of ${runs.length} run(s)` : ''} (${shown}): their work is no part of the figures, which measure a sample that left them out (org/org.yaml engine.activation)`;
    });
}
