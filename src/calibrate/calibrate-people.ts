import { join } from 'node:path';
import { EXIT, LemmingError } from '../errors.js';
import { fromWorkingFolder } from '../invocation.js';
import { requireWritableFolder, writeReports } from '../storage/named-destination.js';
import { tablesFolder } from '../tables/tables-folder.js';
import { loadOrg } from '../org/load-org-once.js';
import { requireOrgRoot } from '../org/must-exist.js';
import type { Agent, Org } from '../org/org.js';
import { askAgents, type SurveyAnswer } from '../survey/ask-agents.js';
import type { CalibrateOptions } from './calibrate-org.js';
import { commonestWithout, personInstructions, planPeople, weightedAnswers, type PersonPlan } from './individual-plan.js';
import { scorePerson, summarisePeople, type HeldOutAnswer, type IndividualSummary, type PersonScore } from './individual-statistics.js';
import { readReference, type Reference, type ReferenceQuestion } from './reference-file.js';
import { renderPeople } from './render-people.js';
import { referenceCaveats } from './reference-caveats.js';
import { reportProvenance, type Provenance } from '../provenance/report-provenance.js';
import { sumCredits } from '../engine/money/credit-sum.js';
import { writeTables } from '../tables/write-tables.js';
import { peopleTables } from './people-tables.js';

/** One person of the study: their scores, what their agent was given, and every answer. */
export interface PersonResult extends PersonScore {
  agent: string;
  given: string[];
  answers: HeldOutAnswer[];
}

/** What `lemming calibrate --people N` found (people.json), or with `dryRun`, what it would ask. */
export interface PeopleCalibration {
  root: string;
  reference: Pick<Reference, 'file' | 'name' | 'source' | 'licence' | 'weight'>;
  seed: number;
  /** The registry key every agent is asked on. */
  model: string;
  /** People drawn, those who could be (answered more than heldOut questions), and the questions held out of each. */
  people: number;
  eligible: number;
  heldOut: number;
  /** Calls made: per person and held-out question, the agent twice (its retest) and the floor once. */
  calls: number;
  credits: number;
  persons: PersonResult[];
  summary?: IndividualSummary;
  dryRun: boolean;
  folder?: string;
  /** What made it: lemming's version, the model every stand-in answered on, the reference's caveats (src/provenance/). */
  provenance?: Provenance;
}

/** How the people study is asked to run, besides calibrate's own options. */
export interface PeopleOptions extends CalibrateOptions {
  /** People to draw. */
  people: number;
  /** Questions held out of each person (DEFAULT_HELD_OUT unless said). */
  heldOut: number;
  /** The registry key to ask on (default: the model of the org's first agent, in name order). */
  model?: string;
}

/** The agent that stands for a person: its persona, its instructions, no tool, no place in the chart, on `model`. */
function standIn(name: string, plan: PersonPlan, reference: Reference, model: string, floor: boolean): Agent {
  return {
    name,
    title: floor ? 'a survey respondent (attributes only)' : 'a survey respondent',
    models: [model],
    isHuman: false,
    credits: 0,
    schedule: { every: 0, offset: 0 },
    tools: [],
    sharedWorkspace: 'read',
    persona: { ...plan.person.attributes },
    instructions: personInstructions(plan, reference.questions, floor),
    reportsTo: null,
    sendTo: new Set(),
    readFrom: new Set(),
    resumeFile: `agents/${name}/resume.md`,
  };
}

/** The org with only these agents in it: the stand-ins exist for the survey's calls and nowhere on disk. */
function withAgents(org: Org, agents: readonly Agent[]): Org {
  return { ...org, agents: new Map(agents.map((agent) => [agent.name, agent])) };
}

function pickModel(org: Org, asked: string | undefined): string {
  const known = Object.keys(org.models);
  const model = asked ?? [...org.agents.values()].find((agent) => !agent.isHuman)?.models[0];
  if (model === undefined) throw new LemmingError('usage', `the org has no agent whose model the people's agents could use; give --model, one of ${known.join(', ')}`, { exitCode: EXIT.usage });
  if (!Object.hasOwn(org.models, model)) throw new LemmingError('usage', `--model ${JSON.stringify(model)} is not in org/org.yaml models; use one of ${known.join(', ')}`, { exitCode: EXIT.usage });
  return model;
}

/**
 * Park et al.'s measure on a respondent-level reference: draw N real people, make for each an agent
 * that knows who they are and some of their answers, and a floor agent that knows only who they are
 * (neither exists on disk: the org lends its registry, ledger and state), ask each the person's
 * held-out questions through the survey's own call (research lines, `purpose: calibrate-people`; the
 * agent twice, for its retest), and score each agent against its own person.
 */
export async function calibratePeople(rootFolder: string, referencePath: string, options: PeopleOptions): Promise<PeopleCalibration> {
  const root = fromWorkingFolder(rootFolder);
  requireOrgRoot(root);
  // Checked before any call: the report is written once the answers are in.
  if (options.folder !== undefined) requireWritableFolder('--out', fromWorkingFolder(options.folder), 'reports');
  const csv = options.csv === undefined ? undefined : tablesFolder(options.csv);
  const reference = readReference(referencePath);
  const org = loadOrg(root).org;
  const seed = options.seed ?? 1;
  const model = pickModel(org, options.model);
  const plan = planPeople(reference, options.people, options.heldOut, seed);
  const heldOutCount = plan.people.reduce((sum, person) => sum + person.heldOut.length, 0);
  const calibration: PeopleCalibration = {
    root,
    reference: { file: reference.file, name: reference.name, ...(reference.source ? { source: reference.source } : {}), ...(reference.licence ? { licence: reference.licence } : {}), ...(reference.weight ? { weight: reference.weight } : {}) },
    seed,
    model,
    people: plan.people.length,
    eligible: plan.eligible,
    heldOut: plan.heldOut,
    calls: 3 * heldOutCount,
    credits: 0,
    persons: [],
    dryRun: options.dryRun ?? false,
  };
  if (options.dryRun) return calibration;
  const informed = new Map(plan.people.map((person) => [person.person.id, standIn(person.agent, person, reference, model, false)]));
  const floors = new Map(plan.people.map((person) => [person.person.id, standIn(person.floorAgent, person, reference, model, true)]));
  const answered = new Map<string, SurveyAnswer>();
  const ask = async (agents: Agent[], question: ReferenceQuestion, round: string): Promise<void> => {
    if (agents.length === 0) return;
    const answers = await askAgents(withAgents(org, agents), { all: true }, { text: question.text, choices: question.options }, 'calibrate-people', options.now, options.providerFor);
    calibration.credits = sumCredits([calibration.credits, ...answers.map((answer) => answer.credits)]);
    for (const answer of answers) answered.set(`${round} ${answer.agent} ${question.id}`, answer);
  };
  for (const question of reference.questions) {
    const asked = plan.people.filter((person) => person.heldOut.includes(question.id));
    if (asked.length === 0) continue;
    options.log?.(`asking ${asked.length} person(s)' agents: ${question.id}`);
    const agents = asked.map((person) => informed.get(person.person.id)!);
    // The retest is the same question again at once, before anything else is asked.
    await ask(agents, question, 'first');
    await ask(agents, question, 'second');
    await ask(asked.map((person) => floors.get(person.person.id)!), question, 'floor');
  }
  const totals = weightedAnswers(reference);
  for (const person of plan.people) {
    const answers = person.heldOut.map((id): HeldOutAnswer => {
      const question = reference.questions.find((item) => item.id === id)!;
      const choice = (round: string, agent: string): string | undefined => answered.get(`${round} ${agent} ${id}`)?.choice;
      const [first, second, floor] = [choice('first', person.agent), choice('second', person.agent), choice('floor', person.floorAgent)];
      const commonest = commonestWithout(totals, person.person, id);
      const retest = person.person.retest?.[id];
      return { question: id, truth: person.person.answers[id]!, options: question.options.length, ...(commonest === undefined ? {} : { commonest }), ...(first === undefined ? {} : { first }), ...(second === undefined ? {} : { second }), ...(floor === undefined ? {} : { floor }), ...(retest === undefined ? {} : { retest }) };
    });
    calibration.persons.push({ ...scorePerson(person.person.id, person.person.weight, answers), agent: person.agent, given: person.given, answers });
  }
  calibration.summary = summarisePeople(calibration.persons);
  const answeredBy = [...answered.values()].filter((answer) => answer.error === undefined).map((answer) => ({ agent: answer.agent, entry: answer.model }));
  calibration.provenance = reportProvenance([{ registry: org.models, answered: answeredBy }], { caveats: referenceCaveats(reference) });
  const folder = options.folder === undefined ? join(root, 'calibration', reference.name) : fromWorkingFolder(options.folder);
  calibration.folder = folder;
  writeReports(folder, { 'people.json': `${JSON.stringify(calibration, null, 2)}\n`, 'people.md': renderPeople(calibration) }, options.folder === undefined ? undefined : '--out');
  if (csv !== undefined) writeTables(csv, peopleTables(calibration), options.log);
  return calibration;
}
