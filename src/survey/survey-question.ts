import { EXIT, LemmingError } from '../errors.js';
import { choiceProblem, type SurveyQuestion } from '../mailbox/survey-markup.js';

/** How `lemming ask` is called, said by every error about its words. */
export const ASK_USAGE =
  'for example `lemming ask manager "Is the plan on track?"`, `lemming ask --all "How busy are you, 0 to 10?" --number` or `lemming ask --role engineer "Which is riskier?" --choices login,search`';

/** The question `text` with `choices` or `number` makes, checked: `lemming ask`'s and the library's `ask`'s. */
export function surveyQuestion(text: string, options: { choices?: readonly string[] | undefined; number?: boolean | undefined }): SurveyQuestion {
  if (text.trim() === '') throw new LemmingError('bad-arguments', `the question is empty; ${ASK_USAGE}`, { exitCode: EXIT.usage });
  if (options.choices && options.number) throw new LemmingError('bad-arguments', 'a question takes --choices or --number, not both', { exitCode: EXIT.usage });
  if (options.choices) {
    if (options.choices.length < 2) throw new LemmingError('bad-arguments', '--choices needs at least two, separated by commas, for example --choices yes,no', { exitCode: EXIT.usage });
    for (const choice of options.choices) {
      const problem = choiceProblem(choice);
      if (problem) throw new LemmingError('bad-arguments', `--choices: ${problem}; for example --choices yes,no,unsure`, { exitCode: EXIT.usage });
    }
    return { text, choices: [...options.choices] };
  }
  return options.number ? { text, number: true } : { text };
}
