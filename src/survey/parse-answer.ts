import type { SurveyQuestion } from '../mailbox/survey-markup.js';

/** An answer's parsed value: the choice it names, or the number it gives; absent when none could be read. */
export interface ParsedAnswer {
  choice?: string;
  number?: number;
}

function normal(text: string): string {
  return text.trim().toLowerCase().replace(/^["'`*_\s]+|["'`*_.!\s]+$/g, '');
}

/**
 * Read a multiple-choice or numeric answer from an agent's raw text. A choice is the first line
 * when it is one of the choices (case, quotes and a final stop aside), else the choice named
 * earliest in the text as a whole word; a number is the first number in the text. Free-text
 * questions parse to nothing: the raw text is the answer. Pure.
 */
export function parseAnswer(question: SurveyQuestion, raw: string): ParsedAnswer {
  if (question.choices) {
    const first = normal(raw.split('\n').find((line) => line.trim() !== '') ?? '').replace(/^(answer|choice)\s*:\s*/, '');
    const exact = question.choices.find((choice) => normal(choice) === first);
    if (exact !== undefined) return { choice: exact };
    const lower = raw.toLowerCase();
    let best: { choice: string; at: number } | undefined;
    for (const choice of question.choices) {
      const escaped = normal(choice).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const at = new RegExp(`(^|[^a-z0-9])${escaped}($|[^a-z0-9])`).exec(lower)?.index;
      if (at !== undefined && (best === undefined || at < best.at)) best = { choice, at };
    }
    return best ? { choice: best.choice } : {};
  }
  if (question.number) {
    const found = /[-+]?\d+(?:\.\d+)?/.exec(raw.replace(/(\d),(\d{3})/g, '$1$2'));
    const value = found ? Number(found[0]) : NaN;
    return Number.isFinite(value) ? { number: value } : {};
  }
  return {};
}
