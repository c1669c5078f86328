import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readLedgerFrom } from '../engine/money/ledger.js';
import { statePaths } from '../engine/record/state-paths.js';
import { formatCount } from '../format/format.js';
import { takesSeed } from '../org/model-entry-schema.js';
import { parseOrgFile } from '../org/parse-files.js';
import type { ModelEntry } from '../org/schema.js';
import { packageVersion } from '../package-root.js';
import type { ModelProvenance, Provenance, SettingUse } from './provenance-types.js';

export type { ModelProvenance, Provenance, SettingUse } from './provenance-types.js';

/**
 * What made a report, said the same way in every report that gives figures of agents' answers
 * (calibration, people, experiment, analyze, blame, surveys; Markdown and JSON alike): lemming's
 * version; the registry entry, provider, model, temperature and seed as sent for each agent that
 * answered ("offline: rules, not people" where it was the offline model, whose figures say what its
 * rules do); the data's caveats; and the settings the figures depend on, with whether each is the
 * default. The one builder and renderer of it; each report hands it who answered on what.
 */

/** What the offline model's answers are, said beside every figure made of them. */
export const OFFLINE_NOTE = 'offline: rules, not people';

/** What an outside agent's answers are (a program's, an endpoint's), said beside every figure made of them. */
export const OUTSIDE_NOTES: Readonly<Record<string, string>> = {
  command: 'command: a program, not a model lemming calls',
  http: 'http: an endpoint, not a model lemming calls',
};

/** The temperature a call of this entry is sent with, in the words every report uses (blame's repeatability too). Pure. */
export function temperatureSent(key: string, entry: ModelEntry | undefined): string {
  return modelCell(key, entry).temperature;
}

/**
 * The model cell of an entry and the temperature its calls are sent with. An outside agent (a
 * `command` program, an `http` endpoint) is named by what it runs, as org.yaml gives it, and beside
 * the name it is told when that is not the provider's own: its `model` is only that name, and no
 * temperature reaches it. Before, such a seat read `command` and "the provider's default". Pure.
 */
function modelCell(key: string, entry: ModelEntry | undefined): { model: string; temperature: string } {
  const provider = entry?.provider;
  const model = entry?.model ?? key;
  if (provider === 'offline') return { model, temperature: 'none: rules' };
  if (provider === 'command' && entry?.command !== undefined) {
    const program = `the program ${[entry.command, ...(entry.args ?? [])].join(' ')}`;
    return { model: model === provider ? program : `${model} (${program})`, temperature: 'none sent: a program answers' };
  }
  if (provider === 'http' && entry?.url !== undefined) {
    // The address without its query: a key some endpoints take there is no part of a report.
    const url = new URL(entry.url);
    const endpoint = `the endpoint ${url.origin}${url.pathname}`;
    return { model: model === provider ? endpoint : `${model} (${endpoint})`, temperature: 'none sent: an endpoint answers' };
  }
  return { model, temperature: "not sent: the provider's default" };
}

/** One agent's answers and the registry entry that gave them. */
export interface Answered {
  agent: string;
  entry: string;
}

/** Who answered in one org (a run, the org a calibration asked) and its registry as it stood. */
export interface AnsweredIn {
  registry: Readonly<Record<string, ModelEntry>>;
  answered: Iterable<Answered>;
}

/**
 * Every agent the ledger charged for a call, with the entry it was charged at: who answered in an
 * org's run. `research` names the purposes of research lines whose answers the report's figures are
 * made of too (an experiment's `survey`): those agents answered as well, on the research account.
 */
export function answeredInLedger(root: string, research: readonly string[] = []): Answered[] {
  const seen = new Set<string>();
  const answered: Answered[] = [];
  for (const entry of readLedgerFrom(statePaths(root).ledger, 0).entries) {
    if (entry.type !== 'charge' && !(entry.type === 'research' && research.includes(entry.purpose))) continue;
    const key = `${entry.agent} ${entry.model}`;
    if (seen.has(key)) continue;
    seen.add(key);
    answered.push({ agent: entry.agent, entry: entry.model });
  }
  return answered;
}

/**
 * Who answered in the org at `root` (a run's, a fork's folder) and on what: its ledger's charges (and
 * its research lines of the `research` purposes), at the registry its own org.yaml gives. Undefined
 * when its org.yaml cannot be read.
 */
export function answeredInOrg(root: string, research: readonly string[] = []): AnsweredIn | undefined {
  let registry: Readonly<Record<string, ModelEntry>> | undefined;
  try {
    registry = parseOrgFile(readFileSync(join(root, 'org', 'org.yaml'), 'utf8')).value?.models;
  } catch {
    return undefined;
  }
  return registry ? { registry, answered: answeredInLedger(root, research) } : undefined;
}

/** The seed as a call of this entry is sent: its value, or why there is none (pure). */
function seedOf(entry: ModelEntry | undefined): { seed?: number; words?: string } {
  if (!entry) return { words: 'unknown: the entry is no longer in org/org.yaml' };
  if (entry.provider === 'offline') {
    if ((entry.variability ?? 0) === 0) return { words: 'none in effect: variability 0, every repeat answers alike' };
    return { seed: entry.seed ?? 0 };
  }
  if (!takesSeed(entry.provider)) return { words: `not sent: provider ${entry.provider} takes none` };
  return entry.seed === undefined ? { words: 'not sent: the entry gives none' } : { seed: entry.seed };
}

/**
 * A report's provenance from who answered in each org it read (an experiment's runs, or one org),
 * grouped by entry, provider and model; the seeds each run's entry sent gathered in one row. Pure
 * but for the version, read from package.json.
 */
export function reportProvenance(sources: readonly AnsweredIn[], extra: { caveats?: readonly string[]; settings?: readonly SettingUse[] } = {}): Provenance {
  const rows = new Map<string, { row: ModelProvenance; variability: number; agents: Set<string>; seeds: Set<number>; unsent: Set<string> }>();
  for (const source of sources) {
    for (const { agent, entry: key } of source.answered) {
      const entry = Object.hasOwn(source.registry, key) ? source.registry[key] : undefined;
      const provider = entry?.provider ?? 'unknown';
      const { model, temperature } = modelCell(key, entry);
      const variability = entry?.provider === 'offline' ? (entry.variability ?? 0) : 0;
      const id = JSON.stringify([key, provider, model, variability]);
      let row = rows.get(id);
      if (!row) {
        const note = provider === 'offline' ? OFFLINE_NOTE : Object.hasOwn(OUTSIDE_NOTES, provider) ? OUTSIDE_NOTES[provider] : undefined;
        row = {
          row: { entry: key, provider, model, temperature, seeds: [], seed: '', ...(note ? { note } : {}), agents: [] },
          variability,
          agents: new Set(),
          seeds: new Set(),
          unsent: new Set(),
        };
        rows.set(id, row);
      }
      row.agents.add(agent);
      const seed = seedOf(entry);
      if (seed.seed !== undefined) row.seeds.add(seed.seed);
      else if (seed.words !== undefined) row.unsent.add(seed.words);
    }
  }
  const models = [...rows.values()].map(({ row, variability, agents, seeds, unsent }) => {
    const sent = [...seeds].sort((left, right) => left - right);
    const values = sent.length === 0 ? [] : [`${sent.join(', ')}${sent.length > 1 ? ' (one a run)' : ''}${variability > 0 ? ` (variability ${variability})` : ''}`];
    return { ...row, seeds: sent, seed: [...values, ...unsent].join('; '), agents: [...agents].sort() };
  });
  models.sort((left, right) => (left.entry < right.entry ? -1 : left.entry > right.entry ? 1 : 0));
  return { lemming: packageVersion(), models, caveats: [...(extra.caveats ?? [])], ...(extra.settings && extra.settings.length > 0 ? { settings: [...extra.settings] } : {}) };
}

/** A list of agents for a line: how many, and the first few names. */
function agentsShown(agents: readonly string[]): string {
  const shown = agents.slice(0, 4).join(', ');
  return agents.length <= 4 ? shown : `${formatCount(agents.length)}: ${shown}, …`;
}

/** A cell of a markdown table: on one line, with no `|` to break it. */
function cell(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/\|/g, '/');
}

/** Why the offline model's figures are not people's, said once under the models. */
const OFFLINE_SAID = `${OFFLINE_NOTE}: the offline model is lemming's deterministic stand-in (docs/offline-model.md); what its agents answered says what its rules do, not what people, or a real model, would.`;

/** Why an outside agent's figures are its own, said once under the models. */
const OUTSIDE_SAID: Readonly<Record<string, string>> = {
  command: `${OUTSIDE_NOTES.command}: a seat played by a program (a scripted seat, an agent program; docs/outside-agents.md) answers as that program does, with whatever model it may call itself; its figures say what the program does.`,
  http: `${OUTSIDE_NOTES.http}: a seat played behind a webhook (docs/outside-agents.md) answers as that service does, with whatever model it may call itself; its figures say what the service does.`,
};

/** The provenance as a report's section, Markdown (`heading` its level). Pure. */
export function renderProvenance(provenance: Provenance, heading = '##'): string[] {
  const lines = [`${heading} What made this report`, '', `lemming ${provenance.lemming}.`, ''];
  if (provenance.models.length === 0) lines.push('No agent answered: no model made these figures.', '');
  else {
    lines.push(
      // An experiment's rows name its judges too (`the judge (score)`, experiment/run-settings.ts): the heading says so.
      'The model of each agent that answered and, in an experiment, of each judge that scored its runs (org/org.yaml `models`), with the temperature and seed its calls were sent:',
      '',
      '| entry | provider | model | temperature | seed | who answered |',
      '| --- | --- | --- | --- | --- | --- |',
      ...provenance.models.map((row) => `| ${cell(row.entry)} | ${row.provider} | ${cell(row.model)} | ${row.temperature} | ${cell(row.seed)} | ${cell(agentsShown(row.agents))} |`),
      '',
    );
    if (provenance.models.some((row) => row.note === OFFLINE_NOTE)) lines.push(OFFLINE_SAID, '');
    for (const [provider, note] of Object.entries(OUTSIDE_NOTES)) if (provenance.models.some((row) => row.note === note)) lines.push(OUTSIDE_SAID[provider]!, '');
  }
  if (provenance.settings && provenance.settings.length > 0) {
    lines.push('The settings these figures depend on, as the runs had them (**default**: the value is the default; **set in**: what set it):', '', '| setting | variants | value | default | set in |', '| --- | --- | --- | --- | --- |');
    for (const setting of provenance.settings) lines.push(`| ${setting.setting} | ${setting.variants ? cell(setting.variants.join(', ')) : 'all'} | ${cell(setting.value)} | ${setting.isDefault ? 'yes' : 'no'} | ${cell(setting.source)} |`);
    lines.push('');
  }
  if (provenance.caveats.length > 0) lines.push('What the figures cannot support:', '', ...provenance.caveats.map((caveat) => `- ${caveat}`), '');
  return lines;
}

/** The provenance in a few lines for a terminal (`lemming analyze`, `lemming ask`): the version and who answered on what. Pure. */
export function provenanceLines(provenance: Provenance): string[] {
  const who = provenance.models.map((row) => `${row.entry} (${row.provider} ${row.model}, temperature ${row.temperature}, seed ${row.seed}) for ${agentsShown(row.agents)}${row.note ? `; ${row.note}` : ''}`);
  return [`made by lemming ${provenance.lemming}; ${who.length === 0 ? 'no agent answered' : `answered by ${who.join('; ')}`}`, ...provenance.caveats.map((caveat) => `caveat: ${caveat}`)];
}
