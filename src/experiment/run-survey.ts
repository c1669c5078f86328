import { writeFileAtomic } from '../storage/atomic-write.js';
import { join } from 'node:path';
import { stateTurn } from '../engine/record/state-store.js';
import { statePaths } from '../engine/record/state-paths.js';
import type { SurveyQuestion } from '../mailbox/survey-markup.js';
import { loadOrg } from '../org/load-org-once.js';
import { askAgents, type SurveyAnswer } from '../survey/ask-agents.js';
import type { SurveySetting } from './survey-settings.js';
import { readSavedJson } from '../storage/read-own-file.js';

/** A run's survey answers, beside its org: asked once each, so a resumed experiment asks nothing twice. */
export const SURVEY_FILE = 'experiment-survey.json';

/** One question of the survey as asked in one run. */
export interface SurveyRound {
  /** Its place in the experiment's `survey:`. */
  index: number;
  question: SurveyQuestion;
  /** When it was to be asked: after this turn, or at the end. */
  due: number | 'end';
  /** The last finished turn when it was asked (sooner than `due` when the run ended sooner). */
  askedAfterTurn: number;
  answers: SurveyAnswer[];
}

/** The rounds a run has had so far. */
export function readSurvey(root: string): SurveyRound[] {
  try {
    return readSavedJson<SurveyRound[]>(join(root, SURVEY_FILE)) ?? [];
  } catch {
    return [];
  }
}

/** The turns after which questions are due, in order (the end's are asked after the run). */
export function surveyTurns(survey: readonly SurveySetting[]): number[] {
  return [...new Set(survey.flatMap((item) => (item.afterTurn === undefined ? [] : [item.afterTurn])))].sort((left, right) => left - right);
}

/** The run's last finished turn. */
export function lastTurn(root: string): number {
  return stateTurn(statePaths(root).state);
}

/**
 * Ask the run's agents the questions due at `due` (a turn, or the end) not asked yet, while no
 * engine runs on the org: answers are kept in the run's SURVEY_FILE, the calls charged as research
 * lines of the run's ledger (survey/ask-agents.ts), and nothing else of the org changes.
 */
export async function askDue(root: string, survey: readonly SurveySetting[], due: number | 'end'): Promise<void> {
  const rounds = readSurvey(root);
  const pending = survey.map((item, index) => ({ item, index })).filter(({ item, index }) => (item.afterTurn ?? 'end') === due && !rounds.some((round) => round.index === index));
  if (pending.length === 0) return;
  const org = loadOrg(root).org;
  for (const { item, index } of pending) {
    const answers = await askAgents(org, item.ask, item.question, 'survey');
    rounds.push({ index, question: item.question, due, askedAfterTurn: lastTurn(root), answers });
    // Written after each question: a kill loses at most the one being asked (and its research lines say it was).
    writeFileAtomic(join(root, SURVEY_FILE), `${JSON.stringify(rounds, null, 2)}\n`);
  }
}
