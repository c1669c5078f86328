/**
 * The most numbers a vector kept for a memory may hold. The widest embedding models served today give
 * 4,096 (OpenAI's largest 3,072); twice that leaves room, and such a vector written out (at most 25
 * characters a number) stays well under the 256 KB a vector file is read back with (memory-vectors.ts).
 */
export const MAX_DIMENSIONS = 8192;

/** The largest size of one of its numbers: their squares summed over a vector stay finite, so a cosine is a number. */
export const MAX_COMPONENT = 1e12;

/**
 * The one rule of an embedding vector lemming keeps and ranks with, applied as a server's or a
 * cassette's answer is about to be written and as a kept file is read back: a list of 1 to
 * MAX_DIMENSIONS numbers, each finite and at most MAX_COMPONENT either way, and, when `length` is
 * given (the length the same model gave before), of that length. What is wrong, in words; undefined
 * for a vector that may be kept. Pure.
 */
export function vectorProblem(value: unknown, length?: number): string | undefined {
  if (!Array.isArray(value)) return `it is ${value === null ? 'null' : typeof value}, not a list of numbers`;
  if (value.length === 0 || value.length > MAX_DIMENSIONS) return `it holds ${value.length} numbers; a vector holds 1 to ${MAX_DIMENSIONS}`;
  if (length !== undefined && value.length !== length) return `it holds ${value.length} numbers where the model gave ${length} before`;
  const bad = value.findIndex((number) => typeof number !== 'number' || !Number.isFinite(number) || Math.abs(number) > MAX_COMPONENT);
  if (bad >= 0) return `its number ${bad + 1} is ${shown(value[bad])}; each is a finite number from -${MAX_COMPONENT} to ${MAX_COMPONENT}`;
  return undefined;
}

/**
 * The length a model gave before, from the lengths of the vectors kept for it: the most common (the
 * newest of those tied), so one file a person's edit or a full disk cut short is an odd one out, made
 * again, and not the length every new vector is held to. Undefined when none is kept. Pure.
 */
export function keptLength(lengths: readonly number[]): number | undefined {
  const counts = new Map<number, number>();
  let best: number | undefined;
  for (const length of lengths) {
    const count = (counts.get(length) ?? 0) + 1;
    counts.set(length, count);
    if (best === undefined || count >= (counts.get(best) ?? 0)) best = length;
  }
  return best;
}

/** A value a server put where a number goes, shown short: text quoted (its start), a number as it is, anything else by its kind. */
function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number') return String(value);
  if (value === null) return 'null';
  return Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
