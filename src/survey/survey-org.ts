import type { SurveyQuestion } from '../mailbox/survey-markup.js';
import type { Org } from '../org/org.js';
import { askAgents, type Respondents, type SurveyAnswer } from './ask-agents.js';
import { tallyAnswers, type Tally } from './tally-answers.js';
import { reportProvenance, type Provenance } from '../provenance/report-provenance.js';

/** A question put to agents, each one's answer, and their tally: what `lemming ask --json` prints and the library's `ask` returns. */
export interface Survey {
  question: SurveyQuestion;
  answers: SurveyAnswer[];
  tally: Tally;
  /** What made it: lemming's version and the model of each agent that answered (src/provenance/). */
  provenance: Provenance;
}

/** Put `question` to `who` (no side effect on them; research credits) and tally the answers. */
export async function surveyOrg(org: Org, who: Respondents, question: SurveyQuestion): Promise<Survey> {
  const answers = await askAgents(org, who, question, 'ask');
  const answered = answers.filter((answer) => answer.error === undefined).map((answer) => ({ agent: answer.agent, entry: answer.model }));
  return { question, answers, tally: tallyAnswers(question, answers), provenance: reportProvenance([{ registry: org.models, answered }]) };
}
