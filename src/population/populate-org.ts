import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { formatProblem, InvalidOrgError, LemmingError, type Problem } from '../errors.js';
import { HUMAN } from '../org/names.js';
import { loadOrg } from '../org/load-org.js';
import { parseOrgFile } from '../org/parse-files.js';
import { ensureStateGitignore } from '../org/state-gitignore.js';
import { writeFileAtomic } from '../storage/atomic-write.js';
import type { WorkProgress } from '../work-progress.js';
import { arrangePeople, type Arrangement } from './arrange-people.js';
import { chartText, HUMAN_RESUME, orgYamlText, ResumeWriter } from './population-files.js';
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

/** Make a spec's population: sample its people, arrange them. Pure; nothing is written. */
export function makePopulation(spec: PopulationSpec): Population {
  const people = samplePeople(spec);
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

/**
 * Write a population's org at `root`: its agents' folders and resumes, the human's resume, the chart,
 * `extraFiles` (the agent templates hires start from), and last org/org.yaml from `orgYaml` (so a
 * write killed part-way leaves no org that looks whole, and a second run finishes it). Every file
 * goes through the atomic write layer. The org is then loaded as every command loads it, so what
 * was written is an org `lemming validate` passes. `chartHeader` opens the chart with a comment (where
 * the org came from); `progress` is told of each resume written.
 */
export function writePopulation(
  root: string,
  population: Population,
  orgYaml: string,
  extraFiles: ReadonlyMap<string, string> = new Map(),
  options: { chartHeader?: string; progress?: WorkProgress } = {},
): void {
  const problems = unknownRoleModels(population.spec, orgYaml, 'org/org.yaml');
  if (problems.length > 0) throw new LemmingError('population-invalid', problems.map(formatProblem).join('\n'), { exitCode: 2 });
  mkdirSync(join(root, 'org', 'state'), { recursive: true });
  ensureStateGitignore(root);
  for (const name of [HUMAN, ...population.arrangement.positions.map((position) => position.name)]) {
    // The first made makes the agent's folder too: three calls an agent, no `exists` asked.
    for (const folder of AGENT_FOLDERS) mkdirSync(join(root, 'agents', name, folder), { recursive: true });
  }
  writeFileAtomic(join(root, 'agents', HUMAN, 'resume.md'), HUMAN_RESUME);
  const positions = population.arrangement.positions;
  positions.forEach((position, index) => {
    writeFileAtomic(join(root, 'agents', position.name, 'resume.md'), population.resumes.resume(position));
    options.progress?.('writing resumes', index + 1, positions.length);
  });
  writeFileAtomic(join(root, 'org', 'chart.yaml'), chartText(population.spec, population.arrangement, options.chartHeader));
  for (const [file, content] of extraFiles) writeFileAtomic(join(root, file), content);
  writeFileAtomic(join(root, 'org', 'org.yaml'), orgYamlText(orgYaml, population.spec.name));
  try {
    loadOrg(root);
  } catch (error) {
    if (!(error instanceof InvalidOrgError)) throw error;
    // A spec that passed its checks but made an invalid org is lemming's mistake, said with the spec.
    throw new LemmingError('population-invalid', `${population.spec.file}: the org made from it is invalid: ${error.problems.filter((problem) => problem.severity === 'error').map(formatProblem).join('; ')}`, { exitCode: 1 });
  }
}

/** Whether `root` holds an org already (populate makes a new one, never writes over one). */
export function holdsOrg(root: string): boolean {
  return existsSync(join(root, 'org', 'org.yaml'));
}
