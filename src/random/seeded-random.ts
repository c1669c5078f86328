/**
 * mulberry32: a small seeded generator of numbers in [0, 1), the same sequence for the same seed
 * on every machine. The experiment's statistics draw their resamples from it, and a population is
 * sampled from it (population/), so a recorded seed repeats them.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The seed of one stream of draws from a seed and what the stream is for (FNV-1a of both), so each
 * use draws on its own: adding an attribute to a population does not change the draws of another.
 */
export function streamSeed(seed: number, label: string): number {
  let hash = 0x811c9dc5;
  const text = `${seed}\n${label}`;
  for (let index = 0; index < text.length; index += 1) hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193) >>> 0;
  return hash;
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
