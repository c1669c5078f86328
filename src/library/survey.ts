import { fromWorkingFolder } from '../invocation.js';
import { loadOrgForReading } from '../org/load-org-once.js';
import { requireOrgRoot } from '../org/must-exist.js';
import type { Respondents } from '../survey/ask-agents.js';
import { surveyOrg, type Survey } from '../survey/survey-org.js';
import { surveyQuestion } from '../survey/survey-question.js';
import { askTables } from '../survey/survey-tables.js';
import { tablesFolder } from '../tables/tables-folder.js';
import { writeTables } from '../tables/write-tables.js';

/** A question for `ask`: whom, what, and the answer it wants. */
export interface Question {
  /** One agent, every agent, or the agents whose title (or name) holds a word. */
  to: Respondents;
  text: string;
  /** The answer is one of these (two or more). */
  choices?: string[];
  /** The answer is a number. */
  number?: boolean;
  /** Also write the answers and the tally as CSV into this folder, with their dictionary. */
  csv?: string;
}

/**
 * Put a question to agents, with their resume, notes and latest mail, as `lemming ask` does: nothing
 * is delivered and nothing of theirs changes; the calls are charged to the ledger's research account.
 * Returns what `lemming ask --json` prints: the question, each answer (and what was read of it), the tally.
 */
export async function ask(root: string, question: Question): Promise<Survey> {
  const folder = fromWorkingFolder(root);
  requireOrgRoot(folder);
  // Checked before any call: the answers are charged.
  const csv = question.csv === undefined ? undefined : tablesFolder(question.csv);
  const checked = surveyQuestion(question.text, question);
  const survey = await surveyOrg(loadOrgForReading(folder).org, question.to, checked);
  if (csv !== undefined) writeTables(csv, askTables(survey));
  return survey;
}
