import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseOrgFile } from '../org/parse-files.js';
import { engineDefaults, type EngineSettings, type OrgFile } from '../org/schema.js';
import type { SettingUse } from './provenance-types.js';

/**
 * The settings of an org a run's figures depend on, as its org.yaml has them, each with whether it is
 * the default and what set it: the turns, the per-turn cap, the steps a call may take, the longest
 * body, the mail a prompt shows, activation, breakers and a budget. A study of how far a task spreads
 * run at the default cap of 5 messages an agent a turn measures the cap; a report that gives such a
 * figure names the cap with it (the provenance block, report-provenance.ts).
 */

/** A setting: where it lives in org.yaml, and how its value reads. */
interface Setting {
  setting: string;
  path: string[];
  show: (engine: EngineSettings, org: OrgFile | undefined) => string;
}

const SETTINGS: readonly Setting[] = [
  { setting: 'engine.max_turns', path: ['engine', 'max_turns'], show: (engine) => String(engine.max_turns) },
  { setting: 'engine.max_messages_per_turn', path: ['engine', 'max_messages_per_turn'], show: (engine) => String(engine.max_messages_per_turn) },
  { setting: 'engine.max_steps', path: ['engine', 'max_steps'], show: (engine) => String(engine.max_steps) },
  { setting: 'engine.max_body_chars', path: ['engine', 'max_body_chars'], show: (engine) => String(engine.max_body_chars) },
  { setting: 'engine.context.max_messages', path: ['engine', 'context', 'max_messages'], show: (engine) => String(engine.context.max_messages) },
  { setting: 'engine.context.max_tokens', path: ['engine', 'context', 'max_tokens'], show: (engine) => String(engine.context.max_tokens) },
  { setting: 'engine.activation', path: ['engine', 'activation'], show: (engine) => (engine.activation ? `${engine.activation.rules.length} rule(s), seed ${engine.activation.seed}` : 'none: every agent with mail acts') },
  { setting: 'engine.breakers', path: ['engine', 'breakers'], show: (engine) => (engine.breakers ? Object.keys(engine.breakers).join(', ') || 'none' : 'none') },
  { setting: 'budget', path: ['budget'], show: (_engine, org) => budgetText(org) },
];

/**
 * The org's ceiling and each department's, as org.yaml gives them: `20 credits; departments: planner 5 credits`.
 * Before, an org with department ceilings alone read `departments only credits`, naming none.
 */
function budgetText(org: OrgFile | undefined): string {
  const budget = org?.budget;
  if (!budget) return 'none';
  const parts = budget.credits === undefined ? [] : [`${budget.credits} credits`];
  const departments = Object.entries(budget.departments ?? {}).map(([lead, ceiling]) => `${lead} ${ceiling.credits} credits`);
  if (departments.length > 0) parts.push(`departments: ${departments.join(', ')}`);
  return parts.length === 0 ? 'none' : parts.join('; ');
}

/** A value at a path of parsed YAML, or undefined. */
function at(value: unknown, path: readonly string[]): unknown {
  let here = value;
  for (const key of path) here = typeof here === 'object' && here !== null ? (here as Record<string, unknown>)[key] : undefined;
  return here;
}

/** The settings of the org at `root` (its org.yaml, as written and as the schema reads it); empty when it cannot be read. */
export function orgSettings(root: string): SettingUse[] {
  let written: unknown;
  let org: OrgFile | undefined;
  try {
    const text = readFileSync(join(root, 'org', 'org.yaml'), 'utf8');
    written = parse(text) as unknown;
    org = parseOrgFile(text).value;
  } catch {
    return [];
  }
  if (!org) return [];
  const defaults = engineDefaults();
  return SETTINGS.map((each) => {
    const value = each.show(org.engine, org);
    return { setting: each.setting, value, isDefault: value === each.show(defaults, undefined), source: at(written, each.path) === undefined ? 'the default' : 'org/org.yaml' };
  });
}
