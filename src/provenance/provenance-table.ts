import { column, type Cell, type ReportTable } from '../tables/report-table.js';
import type { Provenance } from './provenance-types.js';

/**
 * What made a report, as the table `provenance.csv` beside its other tables: a row for lemming's
 * version, one per registry entry that answered (its model, provider, temperature, seed, who answered,
 * and `offline: rules, not people` where the offline model did), one per setting the figures depend
 * on, and one per caveat. A folder of CSVs is often all a reader of a study gets: before, none of its
 * files named the model, and figures the offline model's rules made read as any others. Every
 * command's `--csv` writes it (report.md and report.json say the same in their own form). Pure.
 */

/** The table's name: its file is `provenance.csv`. */
export const PROVENANCE_TABLE = 'provenance';

const COLUMNS = [
  column('kind', 'string', '', 'what the row says: lemming (its version), model (a registry entry that answered), setting (one the figures depend on) or caveat (what the figures cannot support)'),
  column('name', 'string', '', "the entry of org/org.yaml models, the setting's name, or empty"),
  column('value', 'string', '', "lemming's version, the entry's model, the setting's value, or the caveat's words"),
  column('variants', 'string', '', "the experiment's variants a setting holds for, space-separated; empty: all"),
  column('is_default', 'boolean', '', "a setting's: whether its value is the default"),
  column('source', 'string', '', "a setting's: what set it (org/org.yaml, the experiment's file, the default)"),
  column('provider', 'string', '', "a model's provider (offline, openai, anthropic, openai-compatible, command, http)"),
  column('temperature', 'string', '', "a model's temperature as its calls were sent"),
  column('seed', 'string', '', "a model's seed as its calls were sent, in words"),
  column('answered', 'string', '', 'who answered on a model, space-separated: agents, and in an experiment its judges'),
  column('note', 'string', '', "what a model's answers are where they are not a model's lemming calls: offline: rules, not people, or an outside program's or endpoint's"),
];

/** The provenance as one table (none when the report has no provenance). Pure. */
export function provenanceTables(provenance: Provenance | undefined): ReportTable[] {
  if (provenance === undefined) return [];
  const rows: Array<Record<string, Cell>> = [
    { kind: 'lemming', value: provenance.lemming },
    ...provenance.models.map((model) => ({ kind: 'model', name: model.entry, value: model.model, provider: model.provider, temperature: model.temperature, seed: model.seed, answered: model.agents.join(' '), note: model.note })),
    ...(provenance.settings ?? []).map((setting) => ({ kind: 'setting', name: setting.setting, value: setting.value, variants: setting.variants?.join(' '), is_default: setting.isDefault, source: setting.source })),
    ...provenance.caveats.map((caveat) => ({ kind: 'caveat', value: caveat })),
  ];
  return [{ name: PROVENANCE_TABLE, columns: COLUMNS, rows }];
}
