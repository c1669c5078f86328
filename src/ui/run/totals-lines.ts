import type { RunTotals } from '../../engine/events.js';
import { formatCount, plural, showCredits } from '../../format/format.js';
import { compactRefusals } from '../../format/mail-outcomes.js';

/** What the first line of the totals starts with; the lines after it are indented as wide. */
export const TOTALS_LABEL = 'Totals: ';

const SEPARATOR = ' · ';

/** The run so far as parts a line joins with ` · `: turns, messages, refusals and holds by cause, tool calls not carried out, errors, tokens, credits. */
function totalsParts(totals: RunTotals): string[] {
  const { refused, held } = compactRefusals(totals.refusals);
  return [
    plural(totals.turns, 'turn'),
    `${plural(totals.delivered, 'message')}${totals.fromHuman > 0 ? ` (+${formatCount(totals.fromHuman)} from you)` : ''}`,
    refused,
    ...(held === '' ? [] : [held]),
    ...(totals.invalidCalls > 0 ? [`${formatCount(totals.invalidCalls)} tool call(s) not carried out`] : []),
    plural(totals.errors, 'error'),
    plural(totals.inputTokens + totals.outputTokens, 'token'),
    `${showCredits(totals.credits)} credits`,
  ];
}

/**
 * The totals as the lines a screen `columns` wide shows them: one line while it fits, else wrapped at
 * its separators, each part whole (a refusal's causes are never cut from its count, nor the credits
 * from the screen); only a part wider than the screen alone is cut, by the line's own truncation. The
 * first line starts with TOTALS_LABEL, the others with as many spaces. Every part is digits, letters and
 * punctuation of one cell each, so a part's width is its length. Pure.
 */
export function totalsLines(totals: RunTotals, columns: number): string[] {
  const indent = ' '.repeat(TOTALS_LABEL.length);
  const ending = SEPARATOR.trimEnd();
  const parts = totalsParts(totals);
  const lines: string[] = [];
  let line = TOTALS_LABEL;
  parts.forEach((part, index) => {
    const empty = line === TOTALS_LABEL || line === indent;
    // A line that goes on below ends with the separator, so its room is kept for it.
    const room = columns - (index === parts.length - 1 ? 0 : ending.length);
    if (!empty && line.length + SEPARATOR.length + part.length > room) {
      lines.push(`${line}${ending}`);
      line = indent;
    }
    line = line === TOTALS_LABEL || line === indent ? `${line}${part}` : `${line}${SEPARATOR}${part}`;
  });
  lines.push(line);
  return lines;
}
