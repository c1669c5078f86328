/**
 * Seeded draws a measure makes from its data: a sample kept in order, an order of its own, multinomial
 * counts and their bootstrap, a test under one distribution, two random halves; and the draws of the
 * measuring rooms' null models and simulations (a shuffle, pairs of positions, window starts, Bernoulli
 * trials), so every seeded draw a measure makes goes through this room. Pure.
 */
import { seededRandom, shuffleInPlace } from '../random/seeded-random.js';
import { seedOf } from './seeds.js';
import { logFactorial, twoSidedZ } from './distributions.js';
import { sortNumbers } from './sort-numbers.js';

/** `most` of the items, drawn without replacement from `seed`, kept in their order; all of them when they are few enough. */
export function sampleInOrder<T>(items: readonly T[], most: number, seed: number): T[] {
  if (items.length <= most) return [...items];
  const next = seededRandom(seed);
  const order = items.map((item, index) => ({ item, key: next(), index }));
  order.sort((left, right) => left.key - right.key);
  return order
    .slice(0, most)
    .sort((left, right) => left.index - right.index)
    .map((entry) => entry.item);
}

/**
 * `size` of the items drawn without replacement by a seeded shuffle (Fisher–Yates on a copy, its first
 * `size`), kept in their order; all of them when they are no more. A network's random piece and the
 * institution's own pieces a run is read against are drawn by it alike (reference/).
 */
export function shuffledSubset<T>(items: readonly T[], size: number, seed: number): T[] {
  if (size >= items.length) return [...items];
  const positions = shuffleInPlace(
    items.map((_, position) => position),
    seededRandom(seed),
  ).slice(0, size);
  return sortNumbers(positions).map((position) => items[position] as T);
}

/**
 * Subsets drawn one after another from one seeded stream: `among(items, size)` draws `size` of the
 * items without replacement (a partial Fisher–Yates on a copy), in the order drawn, all of them when
 * they are no more; `positions(count, size, skip)` draws `size` distinct whole numbers below `count`
 * other than `skip` without listing them (by rejection while they are few, else by a partial shuffle),
 * for a sender who may write to everyone of thousands. The chart-constrained null draws each sender's
 * recipients among those its chart allows so.
 */
export function subsetDraws(seed: number): { among: <T>(items: readonly T[], size: number) => T[]; positions: (count: number, size: number, skip: number) => number[] } {
  const next = seededRandom(seed);
  const among = <T>(items: readonly T[], size: number): T[] => {
    const copy = [...items];
    const count = Math.min(size, copy.length);
    for (let index = 0; index < count; index += 1) {
      const other = index + Math.floor(next() * (copy.length - index));
      [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
    }
    return copy.slice(0, count);
  };
  const positions = (count: number, size: number, skip: number): number[] => {
    const wanted = Math.min(size, count - 1);
    if (wanted > count / 2) return among(Array.from({ length: count }, (_, position) => position).filter((position) => position !== skip), wanted);
    const drawn = new Set<number>();
    while (drawn.size < wanted) {
      const position = Math.floor(next() * count);
      if (position !== skip) drawn.add(position);
    }
    return [...drawn];
  };
  return { among, positions };
}

/** The items in an order drawn from `seed` (Fisher–Yates on a copy): the configuration model pairs each out-stub with the in-stub this order puts beside it. */
export function seededShuffle<T>(items: readonly T[], seed: number): T[] {
  return shuffleInPlace([...items], seededRandom(seed));
}

/**
 * Pairs of positions among `size`, each drawn uniformly and on its own from `seed`, one pair a call:
 * a degree-preserving rewiring's draw of the two edges it tries to swap.
 */
export function positionPairs(size: number, seed: number): () => [number, number] {
  const next = seededRandom(seed);
  return () => [Math.floor(next() * size), Math.floor(next() * size)];
}

/** `count` whole numbers from 0 to `room`, each uniform and drawn on its own from `seed`: the starts of windows of a timed record, in seconds past its first. */
export function uniformOffsets(count: number, room: number, seed: number): number[] {
  const next = seededRandom(seed);
  return Array.from({ length: count }, () => Math.floor(next() * (room + 1)));
}

/** Bernoulli trials drawn from `seed`, one a call, each true with its own chance: a simulated fork passing or not. */
export function bernoulliTrials(seed: number): (chance: number) => boolean {
  const next = seededRandom(seed);
  return (chance) => next() < chance;
}

/**
 * One binomial draw (n trials of chance p), exact by inversion searched outward from the mode, so it
 * takes some √(n·p·(1 − p)) steps, not n: a calibration draws a few million of these.
 */
export function binomialDraw(n: number, p: number, next: () => number): number {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  const mode = Math.min(n, Math.floor((n + 1) * p));
  const odds = p / (1 - p);
  const atMode = Math.exp(logFactorial(n) - logFactorial(mode) - logFactorial(n - mode) + mode * Math.log(p) + (n - mode) * Math.log(1 - p));
  let left = next() - atMode;
  if (left <= 0) return mode;
  let low = mode;
  let high = mode;
  let below = atMode;
  let above = atMode;
  while (low > 0 || high < n) {
    if (low > 0) {
      below *= low / ((n - low + 1) * odds);
      low -= 1;
      left -= below;
      if (left <= 0) return low;
    }
    if (high < n) {
      above *= ((n - high) * odds) / (high + 1);
      high += 1;
      left -= above;
      if (left <= 0) return high;
    }
  }
  // Only rounding leaves u unspent past the whole support: the mode is the likeliest answer.
  return mode;
}

/** n draws from the distribution `shares`, as counts per option: a multinomial, drawn as a binomial an option. */
export function drawCounts(shares: readonly number[], n: number, next: () => number): number[] {
  const counts = shares.map(() => 0);
  let left = n;
  let mass = shares.reduce((sum, share) => sum + share, 0);
  for (let option = 0; option < shares.length - 1 && left > 0; option += 1) {
    const share = shares[option]!;
    const drawn = mass <= 0 ? 0 : binomialDraw(left, Math.min(1, share / mass), next);
    counts[option] = drawn;
    left -= drawn;
    mass -= share;
  }
  counts[shares.length - 1]! += left;
  return counts;
}

/** Two random halves of the people behind `counts` (a shuffle of them, cut in the middle), as counts. */
export function splitHalves(counts: readonly number[], next: () => number): [number[], number[]] {
  const people: number[] = [];
  counts.forEach((count, option) => {
    for (let index = 0; index < count; index += 1) people.push(option);
  });
  for (let index = people.length - 1; index > 0; index -= 1) {
    const other = Math.floor(next() * (index + 1));
    [people[index], people[other]] = [people[other]!, people[index]!];
  }
  const first = counts.map(() => 0);
  const second = counts.map(() => 0);
  people.forEach((option, index) => ((index < people.length / 2 ? first : second)[option]! += 1));
  return [first, second];
}

/** The items in an order drawn from `key` (a shuffle seeded by the text): the same key, the same order. */
export function seededOrder<T>(items: readonly T[], key: string): T[] {
  return shuffleInPlace([...items], seededRandom(seedOf(key)));
}

/** A sample of counts over a question's options: `exact` when it is known shares, taken as they are and never resampled. */
export interface CountSample {
  counts: readonly number[];
  exact?: boolean;
  /** Draw this many instead of the sample's own size, from its shares: a panel of another size that answers as these people do. */
  size?: number;
}

function sharesOf(counts: readonly number[]): number[] {
  const total = counts.reduce((sum, value) => sum + value, 0);
  return counts.map((value) => (total === 0 ? 0 : value / total));
}

/**
 * The shares the bootstrap draws a sample from: its own, or, where some of its options were chosen by
 * none of its people, the Wilson interval's centre of "none of n chose them", (z²/2)/(n + z²), spread
 * evenly over those options, the options chosen keeping their shares of the rest. Drawn from its own
 * shares an option nobody chose is never chosen again, and the bootstrap took it as known to be 0: a
 * group's distance whose agents all answered alike held the truth in 187 of 300 planted studies
 * (tests/calibrate/alike-agents-coverage.test.ts), and agents who left one of three ordered options
 * empty ([20, 10, 0]) in 172 of 200 (tests/calibrate/empty-option-coverage.test.ts). The Wilson centre
 * lets an empty option be chosen as often as a share seen in none of n can be off. All alike, this is
 * the answer's share at (n + z²/2)/(n + z²), the rest spread evenly over the other options.
 */
export function bootstrapShares(sample: CountSample): number[] {
  const shares = sharesOf(sample.counts);
  const n = sample.counts.reduce((sum, value) => sum + value, 0);
  const empty = shares.filter((share) => share === 0).length;
  if (sample.exact === true || n === 0 || empty === 0) return shares;
  const zSquared = twoSidedZ(0.95) ** 2;
  const outside = zSquared / 2 / (n + zSquared);
  return shares.map((share) => (share > 0 ? share * (1 - outside) : outside / empty));
}

/**
 * The bootstrap of samples of counts (a multinomial bootstrap: each sample's people drawn again with
 * replacement, at its own size, from its bootstrapShares; an exact sample as it is), `rounds` times,
 * and the statistics of each round: the samples are the units, each person one draw. A bias correction
 * compares the rounds with the figure of the bootstrapShares (the bootstrap's own truth), which is
 * not the observed one where a sample was all alike.
 */
export function countBootstrap(samples: readonly CountSample[], statistics: (drawn: number[][]) => number[], rounds: number, seed: number): number[][] {
  const next = seededRandom(seed);
  const prepared = samples.map((sample) => ({ shares: bootstrapShares(sample), n: sample.size ?? sample.counts.reduce((sum, value) => sum + value, 0), exact: sample.exact === true }));
  return Array.from({ length: rounds }, () => statistics(prepared.map((sample) => (sample.exact ? sample.shares : drawCounts(sample.shares, sample.n, next)))));
}

/**
 * The p-value of "two samples of counts come from one distribution" by a parametric bootstrap: both
 * drawn at their own sizes from their pooled shares, `rounds` times, and the share of rounds whose
 * statistic is at least the observed one, (hits + 1)/(rounds + 1).
 */
export function pooledCountTest(a: readonly number[], b: readonly number[], statistic: (a: readonly number[], b: readonly number[]) => number, rounds: number, seed: number): number {
  const next = seededRandom(seed);
  const pooled = sharesOf(a.map((count, index) => count + (b[index] ?? 0)));
  const sizeA = a.reduce((sum, value) => sum + value, 0);
  const sizeB = b.reduce((sum, value) => sum + value, 0);
  const observed = statistic(a, b);
  let atLeast = 0;
  for (let round = 0; round < rounds; round += 1) if (statistic(drawCounts(pooled, sizeA, next), drawCounts(pooled, sizeB, next)) >= observed - 1e-12) atLeast += 1;
  return (atLeast + 1) / (rounds + 1);
}
