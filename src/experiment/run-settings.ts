import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse } from 'yaml';
import { parseOrgFile } from '../org/parse-files.js';
import { engineDefaults, type EngineSettings, type OrgFile } from '../org/schema.js';
import { answeredInOrg, reportProvenance, type Provenance, type SettingUse } from '../provenance/report-provenance.js';
import type { Experiment } from './experiment-file.js';
import type { RunMetrics } from './run-metrics.js';

/**
 * What made an experiment's report (its provenance, src/provenance/): the model of each agent that
 * answered in each run (the run's ledger, at the registry its own org.yaml gave: a variant may swap
 * models, each repeat has its own seed), and the settings its figures depend on as each variant's
 * runs had them, each with whether it is the default and what set it. A study of reach measured at
 * the default per-turn cap measures the cap: the report names it.
 */

/** An engine setting a study's figures depend on: where it lives in org.yaml, and how its value reads. */
interface Setting {
  setting: string;
  path: string[];
  show: (engine: EngineSettings, org: OrgFile | undefined) => string;
}

const SETTINGS: readonly Setting[] = [
  { setting: 'engine.max_messages_per_turn', path: ['engine', 'max_messages_per_turn'], show: (engine) => String(engine.max_messages_per_turn) },
  { setting: 'engine.max_steps', path: ['engine', 'max_steps'], show: (engine) => String(engine.max_steps) },
  { setting: 'engine.max_body_chars', path: ['engine', 'max_body_chars'], show: (engine) => String(engine.max_body_chars) },
  { setting: 'engine.context.max_messages', path: ['engine', 'context', 'max_messages'], show: (engine) => String(engine.context.max_messages) },
  { setting: 'engine.context.max_tokens', path: ['engine', 'context', 'max_tokens'], show: (engine) => String(engine.context.max_tokens) },
  { setting: 'engine.activation', path: ['engine', 'activation'], show: (engine) => (engine.activation ? `${engine.activation.rules.length} rule(s), seed ${engine.activation.seed}` : 'none: every agent with mail acts') },
  { setting: 'engine.breakers', path: ['engine', 'breakers'], show: (engine) => (engine.breakers ? Object.keys(engine.breakers).join(', ') || 'none' : 'none') },
  { setting: 'budget', path: ['budget'], show: (_engine, org) => (org?.budget ? `${org.budget.credits} credits` : 'none') },
];

/** A value at a path of parsed YAML, or undefined. */
function at(value: unknown, path: readonly string[]): unknown {
  let here = value;
  for (const key of path) here = typeof here === 'object' && here !== null ? (here as Record<string, unknown>)[key] : undefined;
  return here;
}

/** One run's org.yaml: as written (what it sets) and as the schema reads it (with the defaults). Undefined when it cannot be read. */
function readSettings(root: string): { written: unknown; org: OrgFile | undefined } | undefined {
  try {
    const text = readFileSync(join(root, 'org', 'org.yaml'), 'utf8');
    return { written: parse(text) as unknown, org: parseOrgFile(text).value };
  } catch {
    return undefined;
  }
}

/** Each setting as one variant's first run had it, and `turns` as the experiment file gives it. Pure but for reading the run's org.yaml. */
function variantSettings(experiment: Experiment, root: string): Omit<SettingUse, 'variants'>[] {
  const read = readSettings(root);
  const engine = read?.org?.engine ?? engineDefaults();
  const defaults = engineDefaults();
  const uses = SETTINGS.map((each): Omit<SettingUse, 'variants'> => {
    const value = each.show(engine, read?.org);
    return { setting: each.setting, value, isDefault: value === each.show(defaults, undefined), source: at(read?.written, each.path) === undefined ? 'the default' : 'org/org.yaml' };
  });
  const turns =
    experiment.turns === undefined
      ? { setting: 'engine.max_turns', value: String(engine.max_turns), isDefault: engine.max_turns === defaults.max_turns, source: at(read?.written, ['engine', 'max_turns']) === undefined ? 'the default' : 'org/org.yaml' }
      : { setting: 'turns', value: String(experiment.turns), isDefault: false, source: basename(experiment.file) };
  return [turns, ...uses];
}

/** The settings of every variant, one row a setting where all variants agree, else a row for each value and the variants that had it. */
export function experimentSettings(experiment: Experiment, folder: string, runs: readonly RunMetrics[]): SettingUse[] {
  const byVariant = experiment.variants.flatMap((variant) => {
    const first = runs.find((run) => run.variant === variant.name);
    return first ? [{ variant: variant.name, uses: variantSettings(experiment, join(folder, first.run)) }] : [];
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

/** The experiment report's provenance: who answered in each run, on what, and the settings; the variants with fewer than two runs said. */
export function experimentProvenance(experiment: Experiment, folder: string, runs: readonly RunMetrics[]): Provenance {
  const sources = runs.flatMap((run) => answeredInOrg(join(folder, run.run)) ?? []);
  const few = experiment.variants.filter((variant) => runs.filter((run) => run.variant === variant.name).length < 2).map((variant) => variant.name);
  const caveats = few.length === 0 ? [] : [`${few.join(', ')}: fewer than two complete runs, so no interval and no test against the baseline.`];
  return reportProvenance(sources, { caveats, settings: experimentSettings(experiment, folder, runs) });
}
