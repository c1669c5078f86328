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
  { cause: 'budget', setting: undefined, where: "each agent's credits in its resume" },
] as const;

/**
 * Each limit that held agents with mail while the figures were made (a budget ceiling, a loop breaker,
 * an agent out of credits), said beside them as calls at `engine.max_steps` are: their mail waited, and
 * a run whose only mail left was held ends idle, so its messages, turns to idle and answer measure the
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
