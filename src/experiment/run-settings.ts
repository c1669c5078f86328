import { basename, join } from 'node:path';
import { orgSettings } from '../provenance/org-settings.js';
import { agentsNeverDrawn, holdsReached, maxStepsReached, rulesDrawingNobody } from '../provenance/limits-reached.js';
import { answeredInOrg, reportProvenance, type Answered, type Provenance, type SettingUse } from '../provenance/report-provenance.js';
import type { Experiment, Variant } from './experiment-file.js';
import { readExperimentCharges } from './experiment-ledger.js';
import type { RunMetrics } from './run-metrics.js';

/**
 * What made an experiment's report (its provenance, src/provenance/): the model of each agent that
 * answered in each run (the run's ledger, at the registry its own org.yaml gave: a variant may swap
 * models, each repeat has its own seed), and the settings its figures depend on as each variant's
 * runs had them, each with whether it is the default and what set it. A study of reach measured at
 * the default per-turn cap measures the cap: the report names it.
 */

/** The settings that say how a variant's runs are measured and how its repeats differ: each variant may give its own. */
const MEASURES = ['variability', 'checks', 'judge'] as const;

/**
 * How a variant's runs are measured, from the experiment file: the offline model's `variability`, its
 * checks (the experiment's and its own) and its judge. A variant may set each, so two variants compared
 * may be measured otherwise: the report says so (measuredOtherwise).
 */
function measureSettings(experiment: Experiment, variant: Variant): Omit<SettingUse, 'variants'>[] {
  const source = basename(experiment.file);
  const { variability, checks, judge } = variant.outcome;
  return [
    { setting: 'variability', value: String(variability ?? 0), isDefault: (variability ?? 0) === 0, source },
    { setting: 'checks', value: checks.length === 0 ? 'none' : checks.map((check) => `${check.name}: ${check.run}`).join('; '), isDefault: checks.length === 0, source },
    { setting: 'judge', value: judge ? `${judge.model}, scale 0 to ${judge.scale}${judge.thread ? ', the thread' : ''}; rubric: ${judge.rubric.join('; ')}` : 'none', isDefault: !judge, source },
  ];
}

/** Each setting as one variant's first run had it (its org.yaml), with `turns` as the experiment file gives it, when it does, then how it is measured. */
function variantSettings(experiment: Experiment, variant: Variant, root: string): Omit<SettingUse, 'variants'>[] {
  const settings = orgSettings(root);
  // The experiment's `turns` bounds every run, whatever its org.yaml says.
  const engine = experiment.turns === undefined ? settings : [{ setting: 'turns', value: String(experiment.turns), isDefault: false, source: basename(experiment.file) }, ...settings.filter((each) => each.setting !== 'engine.max_turns')];
  return [...engine, ...measureSettings(experiment, variant)];
}

/** The settings of every variant, one row a setting where all variants agree, else a row for each value and the variants that had it. */
export function experimentSettings(experiment: Experiment, folder: string, runs: readonly RunMetrics[]): SettingUse[] {
  const byVariant = experiment.variants.flatMap((variant) => {
    const first = runs.find((run) => run.variant === variant.name);
    return first ? [{ variant: variant.name, uses: variantSettings(experiment, variant, join(folder, first.run)) }] : [];
  });
  const rows: SettingUse[] = [];
  for (const { setting } of byVariant[0]?.uses ?? []) {
    const values = new Map<string, SettingUse>();
    for (const { variant, uses } of byVariant) {
      const use = uses.find((each) => each.setting === setting);
      if (!use) continue;
      const key = JSON.stringify([use.value, use.source]);
      const row = values.get(key) ?? { ...use, variants: [] };
      row.variants?.push(variant);
      values.set(key, row);
    }
    for (const row of values.values()) rows.push(values.size === 1 ? { setting: row.setting, value: row.value, isDefault: row.isDefault, source: row.source } : row);
  }
  return rows;
}

/** Who the experiment's own calls were, by their purpose on its ledger: not agents (the names hold a space, which no agent's may), and what each made. */
const SCORERS: Readonly<Record<string, string>> = { judge: 'the judge (score)', adherence: 'the persona judge (adherence)' };

/** Who scored each run (its judge, its persona judge), by run, from the experiment's own ledger: looked up in the run's own registry. */
function scorersByRun(folder: string): Map<string, Answered[]> {
  const byRun = new Map<string, Answered[]>();
  for (const charge of readExperimentCharges(folder)) {
    const answered = byRun.get(charge.run) ?? [];
    answered.push({ agent: SCORERS[charge.purpose] ?? `the experiment (${charge.purpose})`, entry: charge.model });
    byRun.set(charge.run, answered);
  }
  return byRun;
}

/** The experiment report's provenance: who answered in each run and who scored it, on what, and the settings; the variants with fewer than two runs said. */
export function experimentProvenance(experiment: Experiment, folder: string, runs: readonly RunMetrics[]): Provenance {
  // A survey's answers are the report's figures too: the agents who gave them answered; and the judges scored. One read of each run's org.
  const scorers = scorersByRun(folder);
  const sources = runs.flatMap((run) => {
    const inOrg = answeredInOrg(join(folder, run.run), ['survey']);
    return inOrg ? [{ registry: inOrg.registry, answered: [...inOrg.answered, ...(scorers.get(run.run) ?? [])] }] : [];
  });
  const few = experiment.variants.filter((variant) => runs.filter((run) => run.variant === variant.name).length < 2).map((variant) => variant.name);
  const caveats = few.length === 0 ? [] : [`${few.join(', ')}: fewer than two complete runs, so no interval and no test against the baseline.`];
  const settings = experimentSettings(experiment, folder, runs);
  return reportProvenance(sources, { caveats: [...caveats, ...measuredOtherwise(experiment, settings), ...stoppedAtMaxSteps(experiment, runs, settings), ...heldByLimits(experiment, runs, settings)], settings });
}

/**
 * Each variant some of whose calls stopped at `engine.max_steps`, said with how many, in how many of
 * its runs, at what value: their tools ran and the model never saw the last results, so the figures
 * measure that limit too. The settings table names the limit; this says it was reached. Pure.
 */
export function stoppedAtMaxSteps(experiment: Experiment, runs: readonly RunMetrics[], settings: readonly SettingUse[]): string[] {
  return experiment.variants.flatMap((variant) => {
    const own = runs.filter((run) => run.variant === variant.name);
    const reached = own.filter((run) => (run.callsAtMaxSteps ?? 0) > 0);
    if (reached.length === 0) return [];
    const calls = reached.reduce((sum, run) => sum + (run.callsAtMaxSteps ?? 0), 0);
    return [`\`${variant.name}\`: ${maxStepsReached(calls, settings, { variant: variant.name, within: `in ${reached.length} of ${own.length} run(s)` })} (runs.csv \`calls_at_max_steps\`).`];
  });
}

/**
 * Each variant some of whose agents with mail a limit held (a budget ceiling, a loop breaker, credits
 * spent), said with how many agent-turns, in how many of its runs, at what value (runs.csv
 * `refusals_<cause>`): a run stopped by its ceiling ends `held`, and its figures measure the ceiling.
 * And each activation rule of it that drew none of the agents it governed, or never drew some of them over a run (activation.csv). Pure.
 */
export function heldByLimits(experiment: Experiment, runs: readonly RunMetrics[], settings: readonly SettingUse[]): string[] {
  return experiment.variants.flatMap((variant) => {
    const own = runs.filter((run) => run.variant === variant.name);
    return [
      ...holdsReached(own.map((run) => run.refusalsByCause), settings, variant.name).map((line) => `\`${variant.name}\`: ${line} (runs.csv \`refusals_<cause>\`).`),
      ...rulesDrawingNobody(own.map((run) => run.activation ?? []), variant.name).map((line) => `\`${variant.name}\`: ${line} (activation.csv).`),
      ...agentsNeverDrawn(own.map((run) => run.activation ?? []), variant.name).map((line) => `\`${variant.name}\`: ${line} (activation.csv).`),
    ];
  });
}

/**
 * Each variant measured otherwise than the baseline (another variability, other checks, another judge),
 * said: every variant runs with the baseline's seeds, but its differences from it are then partly the
 * measure's. A variant changes what it studies (its chart, resumes, models); how it is measured should
 * stay the baseline's. Pure.
 */
export function measuredOtherwise(experiment: Experiment, settings: readonly SettingUse[]): string[] {
  const baseline = experiment.variants[0]?.name;
  if (baseline === undefined) return [];
  const differing = new Map<string, string[]>();
  for (const measure of MEASURES) {
    const rows = settings.filter((row) => row.setting === measure && row.variants);
    const baseRow = rows.find((row) => row.variants?.includes(baseline));
    // Without the baseline's runs there is nothing measured to differ from.
    if (!baseRow) continue;
    for (const row of rows) {
      if (row === baseRow) continue;
      for (const variant of row.variants ?? []) differing.set(variant, [...(differing.get(variant) ?? []), measure]);
    }
  }
  return [...differing].map(([variant, measures]) => `\`${variant}\` is measured otherwise than the baseline \`${baseline}\` (${measures.join(', ')}): its differences from it are partly the measure's, not only its change's.`);
}
