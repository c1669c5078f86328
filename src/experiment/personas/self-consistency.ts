import type { Message } from '../../mailbox/message.js';
import type { SurveyQuestion } from '../../mailbox/survey-markup.js';
import type { PersonaValue } from '../../org/schema.js';
import { words } from '../../providers/offline/compose.js';
import { stem } from '../../providers/offline/route-task.js';
import type { SurveyAnswer } from '../../survey/ask-agents.js';
import { mentionsPhrase } from './mentions-phrase.js';
import type { SurveyRound } from '../run-survey.js';

/** One agent's answers to a question asked twice in a run, and whether a change had a cause in its mail. */
export interface ConsistencyRecord {
  agent: string;
  persona?: Record<string, PersonaValue>;
  early: string | number;
  late: string | number;
  changed: boolean;
  /** The id of the first message it received between the two asks that speaks of the question; absent when none did. */
  cause?: string;
  /** It kept its answer, or changed it with a cause in its mail. */
  consistent: boolean;
}

/** A question asked early and late in one run, and each agent's pair of answers. */
export interface ConsistencyPair {
  /** The question's place in the survey, early and late. */
  indices: [number, number];
  question: string;
  /** The turns it was asked after, early and late. */
  turns: [number, number];
  records: ConsistencyRecord[];
}

/** Two rounds ask the same question when its text, kind and choices are the same. */
function questionKey(question: SurveyQuestion): string {
  return JSON.stringify([question.text.trim(), question.choices ?? null, question.number === true]);
}

function readValue(answer: SurveyAnswer, question: SurveyQuestion): string | number | undefined {
  if (answer.error !== undefined) return undefined;
  return question.choices ? answer.choice : question.number ? answer.number : undefined;
}

/**
 * Whether a message speaks of a question, so that an answer changed after reading it has a cause: it
 * names one of the choices, or holds at least half of the question's key words (words of three
 * letters or more, common words left out, compared by stem, as the offline judge compares). Pure.
 */
export function speaksOf(question: SurveyQuestion, message: Pick<Message, 'subject' | 'body'>): boolean {
  const text = `${message.subject ?? ''}\n${message.body}`.toLowerCase();
  if ((question.choices ?? []).some((choice) => mentionsPhrase(text, choice))) return true;
  const keys = [...new Set([...words(question.text)].map(stem))];
  if (keys.length === 0) return false;
  const present = new Set([...words(text)].map(stem));
  return keys.filter((key) => present.has(key)).length >= Math.ceil(keys.length / 2);
}

/**
 * The mail an agent received after it first answered and before it answered again: messages to it
 * written after the turn of the first ask, up to the turn of the second, and those of the first ask's
 * turn it did not have yet when asked (a message the person or an intervention wrote between the
 * turns carries the last finished turn). Oldest first.
 */
function mailBetween(messages: readonly Message[], agent: string, early: SurveyRound, earlyAnswer: SurveyAnswer, late: SurveyRound): Message[] {
  const had = new Set(earlyAnswer.received ?? []);
  return messages.filter(
    (message) => message.to === agent && message.from !== agent && message.turn <= late.askedAfterTurn && (message.turn > early.askedAfterTurn || (message.turn === early.askedAfterTurn && earlyAnswer.received !== undefined && !had.has(message.id))),
  );
}

/**
 * Self-consistency in one run: for each choice or numeric question the survey asked more than once,
 * its first and last asking; for each agent that gave a readable answer both times, whether the
 * answer changed and, if so, whether its mail in between gave a cause (speaksOf). An agent is
 * consistent when it kept its answer or changed it with a cause. Free-text questions are not
 * compared. Pure, given the run's rounds and messages.
 */
export function selfConsistency(rounds: readonly SurveyRound[], messages: readonly Message[]): ConsistencyPair[] {
  const groups = new Map<string, SurveyRound[]>();
  for (const round of rounds) {
    if (!round.question.choices && !round.question.number) continue;
    const key = questionKey(round.question);
    groups.set(key, [...(groups.get(key) ?? []), round]);
  }
  const pairs: ConsistencyPair[] = [];
  for (const asked of groups.values()) {
    if (asked.length < 2) continue;
    const ordered = [...asked].sort((left, right) => left.askedAfterTurn - right.askedAfterTurn || left.index - right.index);
    const early = ordered[0] as SurveyRound;
    const late = ordered.at(-1) as SurveyRound;
    // Asked after the same turn (a run that ended before the later one was due): not early and late.
    if (late.askedAfterTurn === early.askedAfterTurn) continue;
    const question = early.question;
    const records: ConsistencyRecord[] = [];
    for (const first of early.answers) {
      const second = late.answers.find((answer) => answer.agent === first.agent);
      const before = readValue(first, question);
      const after = second ? readValue(second, question) : undefined;
      if (before === undefined || after === undefined) continue;
      const changed = before !== after;
      const cause = changed ? mailBetween(messages, first.agent, early, first, late).find((message) => speaksOf(question, message))?.id : undefined;
      records.push({ agent: first.agent, ...(first.persona ? { persona: first.persona } : {}), early: before, late: after, changed, ...(cause ? { cause } : {}), consistent: !changed || cause !== undefined });
    }
    pairs.push({ indices: [early.index, late.index], question: question.text, turns: [early.askedAfterTurn, late.askedAfterTurn], records });
  }
  return pairs.sort((left, right) => left.indices[0] - right.indices[0]);
}
