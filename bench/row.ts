import type { Figure } from './stats.js';

/** A target a figure is held to, in words, and whether this run met it. */
export interface Target {
  text: string;
  met: boolean;
  /**
   * A guard, not a goal: set at the level measured when the goal was given up for a guarantee that
   * costs it (every file operation's durability, the turn's journal), plus a margin. A row that
   * crosses its guard is a regression to explain.
   */
  guard?: true;
}

/** `target` as a guard (see Target.guard). */
export function asGuard(target: Target): Target {
  return { ...target, text: `guard: ${target.text}`, guard: true };
}

/** One line of a results table: what was measured, the figure, its target and the floor. */
export interface Row {
  /** What was measured, in words. */
  what: string;
  /** The storage the org was on, when it matters. */
  storage?: string;
  /** A time (median, min, max), a size, a ratio between two times, or a count of something (tokens of a prompt). */
  figure: { ms: Figure } | { mb: number } | { ratio: number; of: string } | { count: number; unit: string };
  target?: Target;
  /** The file system's floor for the same file work, measured in the same run on the same storage. */
  floor?: Figure;
}

/** A section of the benchmark: a title, a line on what it measures, and its rows. */
export interface SectionResult {
  title: string;
  about: string;
  rows: Row[];
  seconds: number;
  /** When the section was run apart from the rest (`--only … --merge`): its own date and load, which the results' machine line does not give. */
  ranApart?: { date: string; loadBefore: number[]; loadAfter: number[] };
}

/** At most `limit` ms. */
export function atMostMs(value: Figure, limit: number, text = `≤ ${limit} ms`): Target {
  return { text, met: value.median <= limit };
}

/** At most `factor` × a reference time, shown with the reference. */
export function atMostTimes(value: Figure, factor: number, reference: Figure, of: string): Target {
  const limit = factor * reference.median;
  return { text: `≤ ${factor}× ${of} (${limit >= 100 ? limit.toFixed(0) : limit.toFixed(1)} ms)`, met: value.median <= limit };
}

/** Under `limit` MB. */
export function underMb(value: number, limit: number): Target {
  return { text: `< ${limit} MB`, met: value < limit };
}
