import { EXIT, LemmingError } from '../../errors.js';
import { sumCredits } from '../../engine/money/credit-sum.js';
import { showCredits } from '../../format/format.js';
import type { Respondents } from '../../survey/ask-agents.js';
import { surveyOrg } from '../../survey/survey-org.js';
import { ASK_USAGE as USAGE, surveyQuestion } from '../../survey/survey-question.js';
import { askTables } from '../../survey/survey-tables.js';
import { renderTally } from '../../survey/tally-answers.js';
import { provenanceLines } from '../../provenance/report-provenance.js';
import { writeTables } from '../../tables/write-tables.js';
import { terminalText } from '../../terminal-text/terminal-text.js';
import type { Output } from '../cli-context.js';
import { orgForReading } from '../org-for-reading.js';
import { fromWorkingFolder } from '../../invocation.js';

/** The flags of `lemming ask`. */
export interface AskOptions {
  all?: boolean;
  role?: string;
  /** `--choices a,b,c`: the answer must be one of these. */
  choices?: string[];
  /** `--number`: the answer is a number. */
  number?: boolean;
  json?: boolean;
  /** `--csv DIR`: the answers and the tally as CSV, with their dictionary. */
  csv?: string;
}

/** Whom to ask and what, from the words after `ask`: an agent and a question, or with --all or --role the question alone. */
function readWords(words: string[], options: AskOptions): { who: Respondents; text: string } {
  if (options.all && options.role !== undefined) throw new LemmingError('bad-arguments', `ask takes --all or --role, not both; ${USAGE}`, { exitCode: EXIT.usage });
  const group = options.all ? ({ all: true } as const) : options.role !== undefined ? { role: options.role } : undefined;
  const [first, second] = words;
  if (group) {
    if (words.length !== 1 || !first) throw new LemmingError('bad-arguments', `with ${options.all ? '--all' : '--role'}, give the question alone (in quotes); ${USAGE}`, { exitCode: EXIT.usage });
    return { who: group, text: first };
  }
  if (words.length !== 2 || !first || !second) throw new LemmingError('bad-arguments', `give an agent and the question (in quotes), or --all or --role ROLE and the question; ${USAGE}`, { exitCode: EXIT.usage });
  return { who: { agent: first }, text: second };
}

/**
 * `lemming ask AGENT|--all|--role ROLE "question"`: put a question to agents, with their resume,
 * notes and latest mail, and print their answers. Nothing is delivered and nothing of theirs
 * changes; the calls are charged to the ledger's research account, which no balance pays.
 */
export async function askCommand(root: string, words: string[], options: AskOptions, output: Output): Promise<number> {
  const { who, text } = readWords(words, options);
  const question = surveyQuestion(text, options);
  const { org } = orgForReading(root, output);
  const survey = await surveyOrg(org, who, question);
  const { answers, tally } = survey;
  if (options.csv !== undefined) writeTables(fromWorkingFolder(options.csv), askTables(survey), (line) => output.err(line));
  if (options.json) {
    output.out(JSON.stringify(survey, null, 2));
  } else {
    for (const answer of answers) {
      const parsed = answer.choice !== undefined ? ` [${answer.choice}]` : answer.number !== undefined ? ` [${answer.number}]` : '';
      const said = answer.error ? `(no answer: ${answer.error})` : answer.raw;
      // The answers are a model's text: the one printer for terminals escapes their control characters.
      output.out(terminalText(`${answer.agent}${parsed}: ${said.replace(/\n/g, '\n  ')}`));
    }
    for (const line of renderTally(tally)) output.out(line);
    for (const line of provenanceLines(survey.provenance)) output.out(terminalText(line));
    const credits = sumCredits(answers.map((answer) => answer.credits));
    output.out(`${answers.length} answer(s); ${showCredits(credits)} credits charged to the research account (no agent's balance)`);
  }
  return answers.some((answer) => answer.error) ? 1 : 0;
}
