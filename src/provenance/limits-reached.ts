import type { SettingUse } from './provenance-types.js';

/**
 * A limit of org.yaml that was reached while the figures were made, said beside them: a call stopped at
 * `engine.max_steps` ran its tools and never saw their last results, so the figures measure the limit
 * too. The settings table names the limit; this says it decided something. `variant` (an experiment's)
 * picks its row of the settings and `within` says where the calls were (`in 1 of 2 run(s)`). Pure.
 */
export function maxStepsReached(calls: number, settings: readonly SettingUse[], scope: { variant?: string; within?: string } = {}): string {
  const { variant, within } = scope;
  const limit = settings.find((row) => row.setting === 'engine.max_steps' && (variant === undefined || row.variants === undefined || row.variants.includes(variant)));
  return `${calls} call(s)${within ? ` ${within}` : ''} stopped at engine.max_steps${limit ? ` (${limit.value})` : ''}, their tools' last results unseen by the model: the figures measure that limit too`;
}
