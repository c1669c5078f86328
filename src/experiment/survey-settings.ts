import type { z as Zod } from 'zod';
import type { SurveyQuestion } from '../mailbox/survey-markup.js';
import type { Respondents } from '../survey/ask-agents.js';

/** One question of an experiment's `survey:`: what, to whom, and when (after a turn, or at the end). */
export interface SurveySetting {
  question: SurveyQuestion;
  ask: Respondents;
  /** Asked once this turn has finished (or when the run ends sooner); absent: when the run ends. */
  afterTurn?: number;
}

/** The `survey:` field of an experiment file (zod). */
export function surveyField(z: typeof Zod) {
  const choice = z.string().min(1).refine((text) => !text.includes('|'), 'a choice holds no "|"');
  const item = z
    .strictObject({
      question: z.string().min(1),
      choices: z.array(choice).min(2).optional(),
      number: z.boolean().optional(),
      ask: z.union([z.string().min(1), z.strictObject({ role: z.string().min(1) })]).default('all'),
      after_turn: z.number().int().min(1).optional(),
    })
    .refine((value) => !(value.choices && value.number), 'takes `choices:` or `number: true`, not both; for example `{ question: "Is the plan clear?", choices: [yes, no] }`');
  return { survey: z.array(item).optional() };
}

type ParsedItem = { question: string; choices?: string[] | undefined; number?: boolean | undefined; ask: string | { role: string }; after_turn?: number | undefined };

/** The survey as the experiment runs it. */
export function surveySettings(items: readonly ParsedItem[] | undefined): SurveySetting[] {
  return (items ?? []).map((item) => ({
    question: { text: item.question, ...(item.choices ? { choices: item.choices } : {}), ...(item.number ? { number: true } : {}) },
    ask: typeof item.ask === 'object' ? { role: item.ask.role } : item.ask === 'all' ? { all: true } : { agent: item.ask },
    ...(item.after_turn === undefined ? {} : { afterTurn: item.after_turn }),
  }));
}
