import { join } from 'node:path';
import { seedOf } from '../statistics/seeds.js';
import { fromWorkingFolder } from '../invocation.js';
import { requireWritableFolder, writeReports } from '../storage/named-destination.js';
import { loadOrg } from '../org/load-org-once.js';
import { requireOrgRoot } from '../org/must-exist.js';
import type { ModelEntry } from '../org/schema.js';
import type { Provider } from '../providers/provider.js';
import { askAgents, respondents } from '../survey/ask-agents.js';
import { compareAnswersWithParts, progressFrom, type Comparison, type Estimate, type ProgressParts } from './calibration-statistics.js';
import { compareBaselines, personaVerdicts, type Baselines, type DemographicCell } from './calibration-baselines.js';
import { readReference, type Reference, type ReferenceQuestion } from './reference-file.js';
import { renderCalibration } from './render-calibration.js';
import { calibrationTables } from './calibration-tables.js';
import { tablesFolder } from '../tables/tables-folder.js';
import { writeTables } from '../tables/write-tables.js';
import { sumCredits } from '../engine/money/credit-sum.js';
import { reportProvenance, type Provenance } from '../provenance/report-provenance.js';
import { referenceCaveats } from './reference-caveats.js';

/** A group of people: everyone, or those with one value of one attribute. */
export interface Group {
  /** `all`, or `attribute=value`. */
  label: string;
  attribute?: string;
  value?: string;
}

/** One question's comparison in one group, with the baselines it is read against (calibration-baselines.ts). */
export interface GroupComparison extends Comparison, Baselines {
  question: string;
  group: string;
}

/**
 * The total of the group rows (every row but `all`, with simulated answers): their mean distance beside
 * the mean baselines and noise, and how many can be told from the persona-ignoring baseline.
 */
export interface GroupsSummary {
  rows: number;
  distance: number;
  overall: number;
  /** The mean demographics-only baseline, when it applies to every group row. */
  demographic?: number;
  noise: number;
  /** Rows whose distance is nearer than the persona-ignoring baseline's, farther, or not to be told from it. */
  nearer: number;
  farther: number;
  indistinguishable: number;
  /** Rows whose persona-ignoring baseline lies inside the noise. */
  overallInNoise: number;
}

/** What `lemming calibrate` found (report.json), or with `dryRun`, what it would ask. */
export interface Calibration {
  root: string;
  reference: Pick<Reference, 'file' | 'name' | 'source' | 'licence' | 'counts' | 'attributes'>;
  questions: ReferenceQuestion[];
  seed: number;
  /** Agents asked, and the calls made (one per agent per question). */
  agents: number;
  calls: number;
  /** Research credits the calls cost (the ledger's `research` lines, `purpose: calibrate`). */
  credits: number;
  /** Answers that named no option (not counted in any distribution). */
  unreadable: number;
  comparisons: GroupComparison[];
  /**
   * Overall, averaged over the questions: the distance, the random baseline and the progress (from the
   * averages), the progress's 95 % interval carrying both averages' noise (calibration-statistics.ts
   * progressFrom; each question resampled on its own).
   */
  summary?: { distance: number; random: number; progress?: number; progressInterval?: [number, number]; groups?: GroupsSummary };
  dryRun: boolean;
  folder?: string;
  /** What made it: lemming's version, the model of each agent that answered, the reference's caveats (src/provenance/). */
  provenance?: Provenance;
}

/** How calibrate is asked to run. */
export interface CalibrateOptions {
  seed?: number;
  dryRun?: boolean;
  /** Where report.md and report.json go (default: `<root>/calibration/<reference name>`). */
  folder?: string;
  /** The model each survey call goes to (default: the agent's registry entry, live). */
  providerFor?: (modelKey: string, entry: ModelEntry) => Provider;
  now?: () => Date;
  log?: (line: string) => void;
  /** Also write the report's tables as CSV into this folder, with their dictionary (calibration-tables.ts). */
  csv?: string;
}

/** A value as groups compare it, on the reference's side and the personas' alike: `Male`, ` male` and `male` are one. */
function valueKey(value: unknown): string {
  return String(value).trim().toLowerCase();
}

function same(left: unknown, right: string): boolean {
  return left !== undefined && valueKey(left) === valueKey(right);
}

/** The groups a reference's answers can be split by: everyone, then each value of each attribute column (its first spelling names it). */
export function groupsOf(reference: Reference): Group[] {
  const groups: Group[] = [{ label: 'all' }];
  for (const attribute of reference.attributes) {
    const values = new Map<string, string>();
    for (const row of reference.rows) {
      const value = row.attributes[attribute];
      if (value !== undefined && !values.has(valueKey(value))) values.set(valueKey(value), value);
    }
    for (const value of values.values()) groups.push({ label: `${attribute}=${value}`, attribute, value });
  }
  return groups;
}

/** A demographic cell's key: the values of every attribute of the reference, as groups compare them (undefined where one is missing). */
function cellKey(attributes: readonly string[], values: Record<string, unknown> | undefined): string | undefined {
  const keys = attributes.map((attribute) => (values?.[attribute] === undefined || values[attribute] === '' ? undefined : valueKey(values[attribute])));
  return keys.some((key) => key === undefined) ? undefined : JSON.stringify(keys);
}

/**
 * The demographic cells of a group for a question, each with its real answers and the group's
 * answering agents in it (`personas`, one an answer): the demographics-only baseline gives each agent
 * its cell's answers. Undefined where it does not apply (a reference with no attributes, an agent
 * lacking one or in a cell with no real answers). Pure.
 */
export function demographicCells(reference: Reference, question: ReferenceQuestion, group: Group, personas: ReadonlyArray<Record<string, unknown> | undefined>): DemographicCell[] | undefined {
  if (reference.attributes.length === 0 || personas.length === 0) return undefined;
  const real = new Map<string, number[]>();
  for (const row of reference.rows) {
    if (row.question !== question.id) continue;
    if (group.attribute !== undefined && !same(row.attributes[group.attribute], group.value!)) continue;
    const key = cellKey(reference.attributes, row.attributes);
    if (key === undefined) continue;
    const counts = real.get(key) ?? question.options.map(() => 0);
    counts[question.options.indexOf(row.option)]! += row.count ?? row.share ?? 0;
    real.set(key, counts);
  }
  const agents = new Map<string, number>();
  for (const persona of personas) {
    const key = cellKey(reference.attributes, persona);
    if (key === undefined || !real.has(key)) return undefined;
    agents.set(key, (agents.get(key) ?? 0) + 1);
  }
  // Every cell of the group, those no agent is in too (with no weight in the mix): together they are the group's real people.
  return [...real].map(([key, counts]) => ({ real: counts, agents: agents.get(key) ?? 0 }));
}

/** The real answers of a question in a group, as counts (or shares summed) per option. Pure. */
export function realAnswers(reference: Reference, question: ReferenceQuestion, group: Group): number[] {
  const totals = question.options.map(() => 0);
  for (const row of reference.rows) {
    if (row.question !== question.id) continue;
    if (group.attribute !== undefined && !same(row.attributes[group.attribute], group.value!)) continue;
    totals[question.options.indexOf(row.option)]! += row.count ?? row.share ?? 0;
  }
  return totals;
}

/** The total of the group rows: means of their distances, baselines and noise, and the verdicts counted. Undefined with no group row. Pure. */
export function groupsSummary(comparisons: readonly GroupComparison[]): GroupsSummary | undefined {
  const rows = comparisons.filter((row) => row.group !== 'all' && row.simulated > 0 && row.overall !== undefined);
  if (rows.length === 0) return undefined;
  const mean = (values: number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;
  const count = (verdict: string): number => rows.filter((row) => row.personas === verdict).length;
  return {
    rows: rows.length,
    distance: mean(rows.map((row) => row.distance.value)),
    overall: mean(rows.map((row) => row.overall!.value)),
    ...(rows.every((row) => row.demographic) ? { demographic: mean(rows.map((row) => row.demographic!.value)) } : {}),
    noise: mean(rows.map((row) => row.noise)),
    nearer: count('nearer'),
    farther: count('farther'),
    indistinguishable: count('indistinguishable'),
    overallInNoise: rows.filter((row) => row.overallInNoise).length,
  };
}

/**
 * Calibrate an org's people against real answers: put each of the reference's questions to every
 * agent through the survey's own call (`ask`: no tool, no message, no note; each call a research line
 * of the ledger), group the answers by the agents' `persona:` attributes as the reference groups its
 * people, and compare each question in each group with the real answers, beside answers at random and,
 * for a group, everyone's real answers (what personas add).
 */
export async function calibrateOrg(rootFolder: string, referencePath: string, options: CalibrateOptions = {}): Promise<Calibration> {
  const root = fromWorkingFolder(rootFolder);
  requireOrgRoot(root);
  // Checked before any call: the report is written once the answers are in.
  if (options.folder !== undefined) requireWritableFolder('--out', fromWorkingFolder(options.folder), 'reports');
  const csv = options.csv === undefined ? undefined : tablesFolder(options.csv);
  const reference = readReference(referencePath);
  const org = loadOrg(root).org;
  const agents = respondents(org, { all: true });
  const seed = options.seed ?? 1;
  const calibration: Calibration = {
    root,
    reference: { file: reference.file, name: reference.name, ...(reference.source ? { source: reference.source } : {}), ...(reference.licence ? { licence: reference.licence } : {}), counts: reference.counts, attributes: reference.attributes },
    questions: reference.questions,
    seed,
    agents: agents.length,
    calls: agents.length * reference.questions.length,
    credits: 0,
    unreadable: 0,
    comparisons: [],
    dryRun: options.dryRun ?? false,
  };
  if (options.dryRun) return calibration;
  const groups = groupsOf(reference);
  const overallParts: ProgressParts[] = [];
  const answered = new Map<string, string>();
  for (const question of reference.questions) {
    options.log?.(`asking ${agents.length} agent(s): ${question.id}`);
    const answers = await askAgents(org, { all: true }, { text: question.text, choices: question.options }, 'calibrate', options.now, options.providerFor);
    calibration.credits = sumCredits([calibration.credits, ...answers.map((answer) => answer.credits)]);
    calibration.unreadable += answers.filter((answer) => answer.choice === undefined).length;
    for (const answer of answers) if (answer.error === undefined) answered.set(answer.agent, answer.model);
    for (const group of groups) {
      const simulated = question.options.map(() => 0);
      const personas: Array<Record<string, unknown> | undefined> = [];
      for (const answer of answers) {
        if (answer.choice === undefined) continue;
        const persona = org.agents.get(answer.agent)?.persona;
        if (group.attribute !== undefined && !same(persona?.[group.attribute], group.value!)) continue;
        simulated[question.options.indexOf(answer.choice)]! += 1;
        personas.push(persona);
      }
      const real = realAnswers(reference, question, group);
      const everyone = group.attribute === undefined ? undefined : realAnswers(reference, question, { label: 'all' });
      const { comparison: compared, parts } = compareAnswersWithParts(real, reference.counts, simulated, question.ordered, seedOf(`${seed} ${question.id} ${group.label}`), everyone);
      if (group.attribute === undefined && parts) overallParts.push(parts);
      const cells = demographicCells(reference, question, group, personas);
      const baselines = compareBaselines({ real, realIsCounts: reference.counts, simulated, ordered: question.ordered, seed: seedOf(`${seed} ${question.id} ${group.label} baselines`), ...(everyone ? { everyone } : {}), ...(compared.overall ? { overall: compared.overall } : {}), ...(cells ? { cells } : {}) });
      calibration.comparisons.push({ question: question.id, group: group.label, ...compared, ...baselines });
    }
  }
  // The group rows are one family: their verdicts are called with the false discovery rate controlled across them.
  personaVerdicts(calibration.comparisons);
  const overall = calibration.comparisons.filter((comparison) => comparison.group === 'all' && comparison.simulated > 0);
  if (overall.length > 0) {
    const mean = (values: number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;
    const distance = mean(overall.map((comparison) => comparison.distance.value));
    const random = mean(overall.map((comparison) => comparison.random.value));
    const groups = groupsSummary(calibration.comparisons);
    const progress: Estimate | undefined = progressFrom(overallParts);
    calibration.summary = { distance, random, ...(progress ? { progress: progress.value, progressInterval: progress.interval } : {}), ...(groups ? { groups } : {}) };
  }
  calibration.provenance = reportProvenance([{ registry: org.models, answered: [...answered].map(([agent, entry]) => ({ agent, entry })) }], { caveats: referenceCaveats(reference) });
  const folder = options.folder === undefined ? join(root, 'calibration', reference.name) : fromWorkingFolder(options.folder);
  calibration.folder = folder;
  writeReports(folder, { 'report.json': `${JSON.stringify(calibration, null, 2)}\n`, 'report.md': renderCalibration(calibration) }, options.folder === undefined ? undefined : '--out');
  if (csv !== undefined) writeTables(csv, calibrationTables(calibration), options.log);
  return calibration;
}
