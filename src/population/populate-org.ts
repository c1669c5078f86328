import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_EDITED_MARKDOWN_BYTES, MAX_ORG_YAML_BYTES, unreadableText } from '../editable/edited-file.js';
import { EXIT, formatProblem, InvalidOrgError, LemmingError, type Problem } from '../errors.js';
import { formatCount } from '../format/format.js';
import { HUMAN } from '../org/names.js';
import { loadOrg } from '../org/load-org-once.js';
import { parseOrgFile, parseResume } from '../org/parse-files.js';
import { ensureStateGitignore, STATE_GITIGNORE } from '../org/state-gitignore.js';
import { writeFileAtomic } from '../storage/atomic-write.js';
import { writeStaged } from '../storage/staged-folder.js';
import type { WorkProgress } from '../work-progress.js';
import { arrangePeople, type Arrangement } from './arrange-people.js';
import { refuseOversizedChart } from './chart-size.js';
import { chartBytes, chartHeader, chartText, HUMAN_RESUME, orgYamlText, ResumeWriter } from './population-files.js';
import { populationMessageCap, type MessageCap } from './message-cap.js';
import { ROLES, type PopulationSpec } from './population-types.js';
import { summarisePeople, type AttributeSummary } from './population-summary.js';
import { samplePeople } from './sample-people.js';

/** A population made: its arrangement (every agent, in chart order) and how its attributes came out. */
export interface Population {
  spec: PopulationSpec;
  arrangement: Arrangement;
  summary: AttributeSummary[];
  /** Writes each agent's resume (again, with a biography, for `--enrich`). */
  resumes: ResumeWriter;
}

/**
 * Make a spec's population: sample its people, arrange them. A structure whose chart the loader
 * would refuse is refused between the two, before any list of teammates is built. Pure; nothing is written.
 */
export function makePopulation(spec: PopulationSpec): Population {
  const people = samplePeople(spec);
  refuseOversizedChart(spec, people);
  return { spec, arrangement: arrangePeople(spec, people), summary: summarisePeople(spec, people), resumes: new ResumeWriter(spec) };
}

/**
 * The models the spec's roles name that the org's registry lacks, as problems naming the spec, the
 * field and the registry's keys: found before a file is written.
 */
export function unknownRoleModels(spec: PopulationSpec, orgYaml: string, orgFile: string): Problem[] {
  const registry = parseOrgFile(orgYaml, orgFile).value?.models;
  if (!registry) return [];
  const known = Object.keys(registry);
  const problems: Problem[] = [];
  for (const role of ROLES) {
    const model = spec.roles[role]?.model;
    if (model === undefined) continue;
    for (const key of typeof model === 'string' ? [model] : model) {
      if (!Object.hasOwn(registry, key)) problems.push({ file: spec.file, field: `roles.${role}.model`, message: `names the model ${JSON.stringify(key)}, which is not in ${orgFile} models; use one of ${known.join(', ')}`, severity: 'error' });
    }
  }
  return problems;
}

/** The folders bootstrap makes for every agent. */
const AGENT_FOLDERS = ['outbox', 'memory', 'logs'];

/** What writing a population's org writes (what `--dry-run` says): files, bytes, and the largest of the files the loader bounds. */
export interface WritePlan {
  files: number;
  bytes: number;
  /** Resumes, the human's included, and the largest in bytes (the loader reads at most MAX_EDITED_MARKDOWN_BYTES of one). */
  resumes: number;
  largestResume: number;
  /** org/chart.yaml's bytes (the loader reads at most MAX_ORG_YAML_BYTES of it). */
  chartBytes: number;
  /** org.yaml's `engine.max_messages_per_turn` as written (message-cap.ts), and the template's. */
  messageCap: MessageCap;
}

/** The org.yaml writePopulation writes: the given one with the population's name, and a per-turn cap its chart does not cut (message-cap.ts). */
function populationOrgYamlText(population: Population, orgYaml: string): { text: string } & MessageCap {
  return populationMessageCap(orgYamlText(orgYaml, population.spec.name), population.arrangement);
}

/** The files writePopulation writes besides the resumes and the chart, by path. */
function otherFiles(population: Population, orgYaml: string, extraFiles: ReadonlyMap<string, string>): Map<string, string> {
  return new Map([[`agents/${HUMAN}/resume.md`, HUMAN_RESUME], ['org/state/.gitignore', STATE_GITIGNORE], ...extraFiles, ['org/org.yaml', populationOrgYamlText(population, orgYaml).text]]);
}

function refuse(population: Population, file: string, why: string): never {
  throw new LemmingError('population-invalid', `${population.spec.file}: the org made from it would not load: ${file} ${why}`, { exitCode: EXIT.usage });
}

/**
 * What writePopulation would write, each resume made, measured and read by the loader's own parser
 * and none kept (at 100,000 agents they would not fit in memory together), the chart measured
 * without being made; a file the loader would refuse (a resume over MAX_EDITED_MARKDOWN_BYTES,
 * holding a NUL, or one its schema refuses; a chart over MAX_ORG_YAML_BYTES) is refused here, exit
 * 2, before anything is written (about 0.03 ms a resume). Pure.
 */
export function planPopulation(population: Population, orgYaml: string, extraFiles: ReadonlyMap<string, string> = new Map(), header?: string): WritePlan {
  const { cap, template } = populationOrgYamlText(population, orgYaml);
  const plan: WritePlan = { files: 0, bytes: 0, resumes: 1, largestResume: Buffer.byteLength(HUMAN_RESUME), chartBytes: chartBytes(population.arrangement, header ?? chartHeader(population.spec)), messageCap: { cap, template } };
  if (plan.chartBytes > MAX_ORG_YAML_BYTES) refuse(population, 'org/chart.yaml', `would be ${formatCount(plan.chartBytes)} bytes; lemming reads at most ${formatCount(MAX_ORG_YAML_BYTES)} bytes of it`);
  for (const position of population.arrangement.positions) {
    const text = population.resumes.resume(position);
    const file = `agents/${position.name}/resume.md`;
    const why = unreadableText(text, MAX_EDITED_MARKDOWN_BYTES);
    if (why !== undefined) refuse(population, file, why);
    // Read as the loader reads a resume (a title filled in empty, `{team}` of a head, is refused there).
    const problems = parseResume(text, file).problems.filter((problem) => problem.severity === 'error');
    if (problems.length > 0) refuse(population, file, `would be refused: ${problems.map(formatProblem).join('; ')}`);
    const bytes = Buffer.byteLength(text);
    plan.resumes += 1;
    plan.largestResume = Math.max(plan.largestResume, bytes);
    plan.bytes += bytes;
  }
  const others = otherFiles(population, orgYaml, extraFiles);
  for (const [file, text] of others) {
    const why = unreadableText(text, file.endsWith('.md') ? MAX_EDITED_MARKDOWN_BYTES : MAX_ORG_YAML_BYTES);
    if (why !== undefined) refuse(population, file, why);
    plan.bytes += Buffer.byteLength(text);
  }
  // The agents' resumes, the chart, and the rest (the human's resume among them).
  plan.files = population.arrangement.positions.length + 1 + others.size;
  plan.bytes += plan.chartBytes;
  return plan;
}

/**
 * Write a population's org at `root`, whole or not at all: its agents' folders and resumes, the
 * human's resume, the chart, `extraFiles` (the agent templates hires start from), and org/org.yaml
 * from `orgYaml`, every file through the atomic write layer, into a staging folder beside `root`
 * (storage/staged-folder.ts). The org is loaded there as every command loads it, and moved into
 * `root` only when it loads: a refusal, a failed write or a kill leaves `root` as it was, and the
 * same spec (or a fixed one) is accepted for it afterwards. `chartHeader` opens the chart with a
 * comment (where the org came from); `progress` is told of each resume written; `command` names the
 * staging folder; `planned` is what planPopulation said of the same arguments, when the caller
 * asked it already. Returns what it wrote.
 */
export function writePopulation(
  root: string,
  population: Population,
  orgYaml: string,
  extraFiles: ReadonlyMap<string, string> = new Map(),
  options: { chartHeader?: string; progress?: WorkProgress; command?: string; planned?: WritePlan } = {},
): WritePlan {
  const problems = unknownRoleModels(population.spec, orgYaml, 'org/org.yaml');
  if (problems.length > 0) throw new LemmingError('population-invalid', problems.map(formatProblem).join('\n'), { exitCode: EXIT.usage });
  // Every writer's org is measured first: what the loader would refuse is refused before the staging folder exists.
  const plan = options.planned ?? planPopulation(population, orgYaml, extraFiles, options.chartHeader);
  writeStaged(root, options.command ?? 'populate', (staging) => {
    mkdirSync(join(staging, 'org', 'state'), { recursive: true });
    ensureStateGitignore(staging);
    for (const name of [HUMAN, ...population.arrangement.positions.map((position) => position.name)]) {
      // The first made makes the agent's folder too: three calls an agent, no `exists` asked.
      for (const folder of AGENT_FOLDERS) mkdirSync(join(staging, 'agents', name, folder), { recursive: true });
    }
    const positions = population.arrangement.positions;
    positions.forEach((position, index) => {
      writeFileAtomic(join(staging, 'agents', position.name, 'resume.md'), population.resumes.resume(position));
      options.progress?.('writing resumes', index + 1, positions.length);
    });
    writeFileAtomic(join(staging, 'org', 'chart.yaml'), chartText(population.spec, population.arrangement, options.chartHeader));
    // org.yaml last of all: the one a folder is taken for an org by.
    for (const [file, content] of otherFiles(population, orgYaml, extraFiles)) if (file !== 'org/state/.gitignore') writeFileAtomic(join(staging, file), content);
    try {
      loadOrg(staging);
    } catch (error) {
      if (!(error instanceof InvalidOrgError)) throw error;
      // A spec that passed its checks but made an invalid org is lemming's mistake, said with the spec.
      throw new LemmingError('population-invalid', `${population.spec.file}: the org made from it is invalid: ${error.problems.filter((problem) => problem.severity === 'error').map(formatProblem).join('; ')}`, { exitCode: EXIT.failed });
    }
  });
  return plan;
}

/** Whether `root` holds an org already (populate makes a new one, never writes over one). */
export function holdsOrg(root: string): boolean {
  return existsSync(join(root, 'org', 'org.yaml'));
}
