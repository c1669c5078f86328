/**
 * mulberry32: a small seeded generator of numbers in [0, 1), the same sequence for the same seed
 * on every machine. The experiment's statistics draw their resamples from it, and a population is
 * sampled from it (population/), so a recorded seed repeats them.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    return mulberryOutput(state);
  };
}

function mulberryOutput(state: number): number {
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/** The first number `seededRandom(seed)` gives, without making a generator: a draw made once per agent and turn. */
export function firstDraw(seed: number): number {
  return mulberryOutput(((seed >>> 0) + 0x6d2b79f5) >>> 0);
}

/**
 * The seed of one stream of draws from a seed and what the stream is for (FNV-1a of both), so each
 * use draws on its own: adding an attribute to a population does not change the draws of another.
 */
export function streamSeed(seed: number, label: string): number {
  return continueSeed(0x811c9dc5, `${seed}\n${label}`);
}

/**
 * FNV-1a carried on over `more` from a hash already made: `continueSeed(streamSeed(seed, label), more)`
 * is `streamSeed(seed, label + more)`, so a label's common start is hashed once for many ends.
 */
export function continueSeed(hash: number, more: string): number {
  let carried = hash;
  for (let index = 0; index < more.length; index += 1) carried = Math.imul(carried ^ more.charCodeAt(index), 0x01000193) >>> 0;
  return carried;
}

/** Shuffle a list in place (Fisher–Yates) with draws from `random`; the same draws give the same order. */
export function shuffleInPlace<T>(items: T[], random: () => number): T[] {
  for (let index = items.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    const held = items[index] as T;
    items[index] = items[other] as T;
    items[other] = held;
  }
  return items;
}
