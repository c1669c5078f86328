/**
 * Who `lemming calibrate --people N` asks, and what each agent is told: N real people drawn from a
 * respondent-level reference (seeded), each person's answered questions split into those the agent
 * is given (its person's own answers, in its persona) and those held out (asked, and scored against
 * the person's answer), and the persona of the demographics-only agent beside it (the floor: the
 * person's attributes, none of their answers). Pure.
 */
import { EXIT, LemmingError } from '../errors.js';
import { sampleInOrder, seededOrder } from '../statistics/sampling.js';
import { seedOf } from '../statistics/seeds.js';
import type { Reference, ReferenceQuestion } from './reference-file.js';
import type { Respondent } from './respondent-file.js';

/** How many of each person's answered questions are held out unless said. */
export const DEFAULT_HELD_OUT = 4;

/** One real person in the study, and the two agents that stand for them. */
export interface PersonPlan {
  person: Respondent;
  /** The agent given the person's attributes and the `given` answers, and the floor agent given the attributes alone. */
  agent: string;
  floorAgent: string;
  /** Question ids whose answers the agent is told, and those it is asked (each answered by the person). */
  given: string[];
  heldOut: string[];
}

/** What a study of people one by one asks. */
export interface PeoplePlan {
  people: PersonPlan[];
  /** People of the reference who answered enough questions to be drawn (heldOut + 1 or more). */
  eligible: number;
  heldOut: number;
}

/**
 * Draw `count` people (seeded, without replacement, each distinct person once whatever their weight)
 * among those who answered more than `heldOut` questions, and split each one's answered questions:
 * `heldOut` of them asked, in an order drawn from the seed and the person, the rest given. Throws for
 * a reference that is not respondent-level, naming a valid one.
 */
export function planPeople(reference: Reference, count: number, heldOut: number, seed: number): PeoplePlan {
  if (!reference.people) {
    throw new LemmingError('reference-invalid', `${reference.file}: --people needs a respondent-level reference (\`respondents:\`, one row a person), as data/gss-2018/respondents.yaml is; this one gives counts by group (\`answers:\`)`, { exitCode: EXIT.usage });
  }
  const answered = (person: Respondent): string[] => reference.questions.map((question) => question.id).filter((id) => person.answers[id] !== undefined);
  const eligible = reference.people.filter((person) => answered(person).length > heldOut);
  const drawn = sampleInOrder(eligible, count, seedOf(`${seed} people`));
  const width = String(drawn.length).length;
  const people = drawn.map((person, index): PersonPlan => {
    const order = seededOrder(answered(person), `${seed} held out ${person.id}`);
    const name = `person-${String(index + 1).padStart(width, '0')}`;
    const held = new Set(order.slice(0, heldOut));
    return { person, agent: name, floorAgent: `${name}-floor`, given: answered(person).filter((id) => !held.has(id)), heldOut: answered(person).filter((id) => held.has(id)) };
  });
  return { people, eligible: eligible.length, heldOut };
}

/** Who the person is, as a persona says it: each attribute the file gives, in its order. */
export function attributeText(person: Respondent): string {
  const parts = Object.entries(person.attributes).map(([name, value]) => `${name}: ${value}`);
  return `You are a real person being interviewed for a survey. About you: ${parts.join('; ')}.`;
}

/**
 * The instructions of a person's agent: who they are and, unless `floor`, how they answered the given
 * questions (the question as asked, then their answer), then how to answer what follows.
 */
export function personInstructions(plan: PersonPlan, questions: readonly ReferenceQuestion[], floor: boolean): string {
  const lines = [attributeText(plan.person)];
  if (!floor && plan.given.length > 0) {
    lines.push('', 'Earlier in this interview you answered these questions:');
    for (const id of plan.given) {
      const question = questions.find((item) => item.id === id);
      if (question) lines.push(`- ${question.text} You answered: ${plan.person.answers[id]}.`);
    }
  }
  lines.push('', 'Answer each question as this person would, in their own voice.');
  return lines.join('\n');
}

/**
 * Each question's commonest real answer without one person, weighted (the resample's copies): the
 * answer a model that knew only the population would give everyone. Leaving the person out keeps
 * their own answer from voting for itself. `totals` is weightedAnswers' of everyone.
 */
export function commonestWithout(totals: ReadonlyMap<string, ReadonlyMap<string, number>>, person: Respondent, question: string): string | undefined {
  let best: string | undefined;
  let most = -Infinity;
  for (const [option, weight] of totals.get(question) ?? new Map<string, number>()) {
    const left = weight - (person.answers[question] === option ? person.weight : 0);
    if (left > most) [best, most] = [option, left];
  }
  return best;
}

/** Everyone's weighted answers, by question and option, in the options' order (ties go to the first). */
export function weightedAnswers(reference: Reference): Map<string, Map<string, number>> {
  const totals = new Map(reference.questions.map((question) => [question.id, new Map(question.options.map((option) => [option, 0]))]));
  for (const person of reference.people ?? []) {
    for (const [question, option] of Object.entries(person.answers)) {
      const row = totals.get(question);
      row?.set(option, (row.get(option) ?? 0) + person.weight);
    }
  }
  return totals;
}
