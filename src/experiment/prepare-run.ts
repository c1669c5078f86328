import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { writeFileAtomic } from '../storage/atomic-write.js';
import { sweepTemporaries } from '../storage/temporary-files.js';
import { listFile, listNames } from '../org/lists/mailing-list.js';
import { meetingNames } from '../meetings/load-meetings.js';
import { meetingFile } from '../meetings/meeting-file.js';
import { dirname, join } from 'node:path';
import { editResumeFile, editYamlFile, isFields, type Fields } from '../editable/edit-org-file.js';
import { EXIT, formatProblem, InvalidOrgError, LemmingError } from '../errors.js';
import { sendAsHuman } from '../engine/human/send-as-human.js';
import { interventionProblem } from '../engine/interventions/apply-intervention.js';
import { yaml } from '../lazy-modules.js';
import { loadOrg } from '../org/load-org-once.js';
import { respondents } from '../survey/ask-agents.js';
import { HUMAN, INTERVENTIONS_FILE, nameRecord } from '../org/names.js';
import { requireOrgFolder } from '../org/org-folder.js';
import type { Org } from '../org/org.js';
import type { Experiment, Variant } from './experiment-file.js';
import { forkForRun } from './fork-point.js';
import { PREPARED_FILE, type RecordedBounds } from './run-bounds.js';
import { makePopulation, writePopulation } from '../population/populate-org.js';
import { takesSeed } from '../org/model-entry-schema.js';
import { readPopulationSpec } from '../population/population-spec.js';

export { PREPARED_FILE } from './run-bounds.js';

const isObject = isFields;

/** Objects merge key by key; anything else (lists included) replaces. Pure. */
export function mergeFields(base: unknown, change: unknown): unknown {
  if (!isObject(base) || !isObject(change)) return change;
  // Keys are names (models, agents): a key absent from `base` merges with nothing, never with what Object gives every object.
  const merged: Fields = nameRecord(base);
  for (const [key, value] of Object.entries(change)) merged[key] = mergeFields(Object.hasOwn(base, key) ? base[key] : undefined, value);
  return merged;
}

/** The agents of an org: its folders under agents/ that hold a resume. */
function agentsOf(root: string): string[] {
  return readdirSync(join(root, 'agents'))
    .sort()
    .filter((agent) => existsSync(join(root, 'agents', agent, 'resume.md')));
}

/** The org's definition, as a person writes it: settings, chart, mailing lists, meetings and resumes; never its run output (a meeting's transcripts). */
function definitionFiles(base: string): string[] {
  return ['org/org.yaml', 'org/chart.yaml', ...listNames(base).map(listFile), ...meetingNames(base).map(meetingFile), ...agentsOf(base).map((agent) => `agents/${agent}/resume.md`)];
}

/** A base org's file edited for a variant; a file that cannot be read stops the experiment before any run. */
function editForVariant(edit: () => void): void {
  try {
    edit();
  } catch (error) {
    if (!(error instanceof LemmingError) || error.code !== 'edit-unreadable') throw error;
    throw new LemmingError('experiment-invalid', `the base org cannot be edited for a variant: ${error.message}`, { exitCode: EXIT.usage });
  }
}

function editYaml(root: string, file: string, edit: (value: Fields) => Fields): void {
  editForVariant(() => editYamlFile(root, file, edit));
}

function editResume(root: string, file: string, edit: (front: Fields) => Fields): void {
  editForVariant(() => editResumeFile(root, file, (front, body) => ({ front: edit(front), body })));
}

/** The repeat's seed on every registry entry that takes one, and the variant's variability on the offline ones. */
function seedModels(value: Fields, seed: number, variability: number | undefined): Fields {
  if (!isObject(value.models)) return value;
  const models: Fields = nameRecord(value.models);
  for (const [key, entry] of Object.entries(value.models)) {
    if (!isObject(entry) || typeof entry.provider !== 'string' || !takesSeed(entry.provider)) continue;
    models[key] = { ...entry, seed, ...(variability !== undefined && entry.provider === 'offline' ? { variability } : {}) };
  }
  return { ...value, models };
}

/** Apply a variant's changes to a copy of the base org, and the repeat's seed (unless `seed` is undefined: the models keep theirs). */
function applyVariant(root: string, variant: Variant, agents: string[], seed: number | undefined): void {
  // Rewriting the file drops its comments: a fork that keeps its seeds and settings keeps org.yaml byte for byte.
  if (seed !== undefined || variant.org) {
    editYaml(root, 'org/org.yaml', (value) => {
      const changed = variant.org ? (mergeFields(value, variant.org) as Fields) : value;
      return seed === undefined ? changed : seedModels(changed, seed, variant.outcome.variability);
    });
  }
  if (variant.chart) editYaml(root, 'org/chart.yaml', (value) => ({ ...value, agents: mergeFields(value.agents, variant.chart) }));
  for (const agent of agents) {
    if (agent === HUMAN) continue;
    const resumes = variant.resumes;
    const fields = { ...(resumes && Object.hasOwn(resumes, '*') ? resumes['*'] : {}), ...(resumes && Object.hasOwn(resumes, agent) ? resumes[agent] : {}) };
    const swap = variant.swapModels;
    if (Object.keys(fields).length === 0 && !swap) continue;
    editResume(root, `agents/${agent}/resume.md`, (front) => {
      const edited: Fields = { ...front, ...fields };
      if (swap) {
        const models = edited.model;
        const swapped = (model: string): string => (Object.hasOwn(swap, model) ? (swap[model] ?? model) : model);
        if (typeof models === 'string') edited.model = swapped(models);
        if (Array.isArray(models)) edited.model = models.map((model) => (typeof model === 'string' ? swapped(model) : model));
      }
      return edited;
    });
  }
}

/**
 * Make a run's own org: a copy of the base org's definition (or, from a fork point, the whole
 * base org as it was after that turn: its record, ledger, mail and history) with the variant's
 * changes, checked as `lemming validate` would, and the human's opening messages sent. A copy
 * that a kill left unfinished is made again from scratch; a finished one is kept as it is.
 */
export async function prepareRun(experiment: Experiment, base: string, variant: Variant, root: string, seed: number): Promise<void> {
  if (existsSync(join(root, PREPARED_FILE))) return;
  // A copy a kill left unfinished holds an org's entries only, and the temporary of a kill inside PREPARED_FILE's
  // write (swept first); a folder of a person's under that name is not cleared.
  // experiments/<name>/ is lemming's own folder, made here; only a folder a person names must exist.
  mkdirSync(dirname(root), { recursive: true });
  sweepTemporaries(root);
  requireOrgFolder(root, 'experiment', { evenWithAnOrg: true, advice: `move it away, or name the experiment otherwise in ${experiment.file}` });
  rmSync(root, { recursive: true, force: true });
  if (experiment.fork) {
    await forkForRun(base, experiment.fork, root);
  } else if (variant.population !== undefined) {
    // The people are the spec's; the base gives the settings and the model registry.
    const orgYaml = readFileSync(join(base, 'org/org.yaml'), 'utf8');
    try {
      writePopulation(root, makePopulation(readPopulationSpec(variant.population)), orgYaml);
    } catch (error) {
      if (!(error instanceof LemmingError)) throw error;
      throw new LemmingError('experiment-invalid', `${experiment.file}: variant ${JSON.stringify(variant.name)}: population: ${error.message}`, { exitCode: EXIT.usage });
    }
  } else {
    for (const file of definitionFiles(base)) {
      mkdirSync(dirname(join(root, file)), { recursive: true });
      copyFileSync(join(base, file), join(root, file));
    }
  }
  // From a fork point without `seed:` the models keep the base's seeds: a variant that changes nothing goes on as the base did.
  applyVariant(root, variant, agentsOf(root), experiment.fork?.keepSeeds ? undefined : seed);
  const where = `${experiment.file}: variant ${JSON.stringify(variant.name)}`;
  let org: Org;
  try {
    org = loadOrg(root).org;
  } catch (error) {
    if (!(error instanceof InvalidOrgError)) throw error;
    const errors = error.problems.filter((problem) => problem.severity === 'error');
    throw new LemmingError('experiment-invalid', `${where} makes an invalid org: ${errors.map(formatProblem).join('; ')}`, { exitCode: EXIT.usage });
  }
  const judge = variant.outcome.judge;
  if (judge && !Object.hasOwn(org.models, judge.model)) {
    throw new LemmingError('experiment-invalid', `${where}: judge.model: ${JSON.stringify(judge.model)} is not in the org's model registry; use one of ${Object.keys(org.models).join(', ')}`, { exitCode: EXIT.usage });
  }
  const personas = experiment.personas;
  if (personas && !Object.hasOwn(org.models, personas.judge)) {
    throw new LemmingError('experiment-invalid', `${where}: personas.judge: ${JSON.stringify(personas.judge)} is not in the org's model registry; use one of ${Object.keys(org.models).join(', ')}, for example \`personas: { judge: offline }\``, { exitCode: EXIT.usage });
  }
  experiment.survey.forEach((item, index) => {
    try {
      respondents(org, item.ask);
    } catch (error) {
      throw new LemmingError('experiment-invalid', `${experiment.file}: survey.${index}.ask: ${error instanceof Error ? error.message : String(error)}`, { exitCode: EXIT.usage });
    }
  });
  variant.interventions.forEach((intervention, index) => {
    const problem = interventionProblem(org, intervention);
    if (problem) throw new LemmingError('experiment-invalid', `${where}: interventions.${index}.${problem}`, { exitCode: EXIT.usage });
  });
  // The engine carries them out between turns, journaled, from the org's own file: a replay of the run's cassette on a copy repeats them.
  if (variant.interventions.length > 0) writeFileAtomic(join(root, INTERVENTIONS_FILE), yaml().stringify({ interventions: variant.interventions }));
  for (const message of variant.messages) {
    try {
      sendAsHuman(root, org, message);
    } catch (error) {
      throw new LemmingError('experiment-invalid', `${where}: the opening message to ${JSON.stringify(message.to)}: ${error instanceof Error ? error.message : String(error)}`, { exitCode: EXIT.usage });
    }
  }
  const forked = experiment.fork ? { forkedAfterTurn: experiment.fork.turn } : {};
  // The turns the run may take, from the turn it starts after (run-experiment.ts runs it so): what bounds whatever re-runs part of it (blame's forks).
  const bounds: RecordedBounds = {
    fromTurn: experiment.fork?.turn ?? 0,
    turns: experiment.turns ?? org.settings.max_turns,
    by: experiment.turns === undefined ? `org/org.yaml engine.max_turns ${org.settings.max_turns} (${experiment.file} sets no turns:)` : `${experiment.file} turns: ${experiment.turns}`,
  };
  // Put in place whole: its being there says the run is made (a resumed experiment keeps the run as it is).
  writeFileAtomic(join(root, PREPARED_FILE), `${JSON.stringify({ variant: variant.name, seed, ...forked, bounds, preparedAt: new Date().toISOString() })}\n`);
}
