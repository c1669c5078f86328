/**
 * What a figure can be (a share 0 to 1, a difference of two shares −1 to 1, a ratio 0 and above), and
 * an interval of it held there: the one rule every report uses. A t interval over few units near an
 * end reaches past it (a share of 0.333 over 6 people gave [−0.209, 0.875]); what lies past is no
 * value the figure can take, so the interval is cut there, and the report says it was: values near an
 * end are skewed, and a t interval over few of them covers less than it says (docs/validation.md, How
 * often the intervals hold the truth). Pure.
 */

/** The lowest and highest values a figure can take. */
export type FigureRange = readonly [low: number, high: number];

export const SHARE_RANGE: FigureRange = [0, 1];
export const DIFFERENCE_RANGE: FigureRange = [-1, 1];
/** A count, an amount (credits), a ratio of shares or counts: 0 and above. */
export const NON_NEGATIVE_RANGE: FigureRange = [0, Infinity];
/** A figure with no bounds lemming knows (a judge's score on the study's own scale). */
export const ANY_RANGE: FigureRange = [-Infinity, Infinity];

/** What a difference of two of a range's figures can be: a share's −1 to 1, a count's anything. */
export function differenceRange(range: FigureRange): FigureRange {
  return [range[0] - range[1], range[1] - range[0]];
}

/** The ends of `range` the interval reached past, low first: empty when it stayed within (or has NaN ends). */
export function endsPassed(interval: readonly [number, number], range: FigureRange): number[] {
  return [...(interval[0] < range[0] ? [range[0]] : []), ...(interval[1] > range[1] ? [range[1]] : [])];
}

/** The interval cut at the ends of `range` it reached past; NaN ends stay NaN. */
export function keptWithin(interval: readonly [number, number], range: FigureRange): [number, number] {
  return [Math.max(range[0], interval[0]), Math.min(range[1], interval[1])];
}

/** An interval kept within `range`, and the ends of it that it reached past and was cut at (none: absent); NaN ends stay NaN. */
export function cutToRange(interval: readonly [number, number], range: FigureRange): { interval: [number, number]; cutAt?: number[] } {
  const cutAt = endsPassed(interval, range);
  return { interval: keptWithin(interval, range), ...(cutAt.length === 0 ? {} : { cutAt }) };
}
