import { column, CREDITS_UNIT, type ReportTable } from '../tables/report-table.js';
import type { Survey } from './survey-org.js';
import { provenanceTables } from '../provenance/provenance-table.js';

/** A tally's 95% interval's ends, for a CSV: no value where there is none. */
function ends(ci: readonly [number, number] | null | undefined): { ci_low: number | null; ci_high: number | null } {
  return { ci_low: ci?.[0] ?? null, ci_high: ci?.[1] ?? null };
}

/**
 * `lemming ask`'s tables: `answers` (one row per agent asked) and `tally` (one row per choice of a
 * choice question; one row of the mean for a numeric one; who answered for free text), then
 * `provenance` (what made them). Pure.
 */
export function askTables(survey: Survey): ReportTable[] {
  return [...answerTables(survey), ...provenanceTables(survey.provenance)];
}

/** The answers and their tally. */
function answerTables(survey: Survey): ReportTable[] {
  const { question, answers, tally } = survey;
  const answerTable: ReportTable = {
    name: 'answers',
    columns: [
      column('agent', 'string', '', 'the agent asked'),
      column('model', 'string', '', 'the registry key of the model that answered for it'),
      column('choice', 'string', '', 'the choice its answer named (choice questions); empty when none could be read'),
      column('number', 'number', '', 'the number its answer gave (numeric questions); empty when none could be read'),
      column('answer', 'string', '', 'the answer as the model wrote it'),
      column('credits', 'number', CREDITS_UNIT, "what the call cost the ledger's research account (no agent's balance)"),
      column('error', 'string', '', 'why there is no answer: the call failed; empty when it answered'),
    ],
    rows: answers.map((answer) => ({ agent: answer.agent, model: answer.model, choice: answer.choice, number: answer.number, answer: answer.raw, credits: answer.credits, error: answer.error })),
  };
  const counted = [
    column('question', 'string', '', 'the question asked'),
    column('asked', 'integer', 'agents', 'agents asked'),
    column('read', 'integer', 'agents', 'answers read: a choice named, a number given, or (free text) any answer'),
    column('unreadable', 'integer', 'agents', 'asked but not read: the call failed or the text named no choice or number'),
  ];
  const base = { question: question.text, asked: tally.asked, read: tally.read, unreadable: tally.unreadable };
  if (tally.choices) {
    return [
      answerTable,
      {
        name: 'tally',
        columns: [
          ...counted,
          column('choice', 'string', '', 'one of the choices'),
          column('count', 'integer', 'agents', 'answers read that named it'),
          column('share', 'number', 'proportion (0 to 1)', 'count / read'),
          column('ci_low', 'number', 'proportion (0 to 1)', "the share's 95% Wilson interval, lower end (the agents the units)"),
          column('ci_high', 'number', 'proportion (0 to 1)', "the share's 95% Wilson interval, upper end"),
        ],
        rows: tally.choices.map((each) => ({ ...base, choice: each.choice, count: each.count, share: each.share, ...ends(each.ci) })),
      },
    ];
  }
  if (tally.numbers) {
    return [
      answerTable,
      {
        name: 'tally',
        columns: [
          ...counted,
          column('mean', 'number', "the question's own", 'the mean of the numbers read'),
          column('ci_low', 'number', "the question's own", "the mean's 95% t interval, lower end (empty for fewer than two numbers, and for numbers all alike on a question that names no scale)"),
          column('ci_high', 'number', "the question's own", "the mean's 95% t interval, upper end"),
          column('cut_at', 'string', "the question's own", 'where that interval reached past the scale the question names ("from 1 to 5") and was cut there, both ends separated by a space; empty when it stayed within'),
          column('alike', 'boolean', '', "true when every number read was the same: the interval is then the Wilson interval of the agents as trials on the question's scale, or empty where the question names none (an interval of no width would say the mean is known); empty otherwise"),
        ],
        rows: [{ ...base, mean: tally.numbers.mean, ...ends(tally.numbers.ci), cut_at: tally.numbers.cutAt?.join(' '), alike: tally.numbers.alike }],
      },
    ];
  }
  return [answerTable, { name: 'tally', columns: counted, rows: [base] }];
}
