import { compareProportions } from '../statistics/proportion-difference.js';

/**
 * Bisection over turns, apart from running any fork: a fork "from turn t" changes every call from t on
 * (each agent reseeded), so it passes whenever the culprit is at t or later and the change happens to
 * fix it. Probing the middle turn of the range still in question and keeping the half that flips finds
 * the culprit's turn in about log2(T) probes of k forks each, not T steps of k.
 *
 * It assumes that changing more calls does not make passing less likely (the pass rate from turn t
 * falls, or stays, as t grows). Each probe is checked against the probes around it: where a fork with
 * fewer calls changed passes more often than one with more (Fisher's exact p below `significance`),
 * or the fork with every call changed does not pass more often than the run unchanged, the assumption
 * or the method fails on this run and the caller falls back to the per-step search, saying why. Pure
 * but for `probe`.
 */

/** What k forks from one turn came to. */
export interface Probe {
  turn: number;
  forks: number;
  passed: number;
}

/** What bisection came to. */
export interface BisectionResult {
  /** The turn found: the last turn whose fork still flips the run. Absent when bisection gave up. */
  turn?: number;
  /** Every probe made, in order (the unchanged run, the controls, first: turn `Infinity`). */
  probes: Probe[];
  /** Why bisection gave up, in words, when it did: the caller falls back to the per-step search. */
  fallback?: string;
}

export interface BisectionSettings {
  /** Forks per probe. */
  k: number;
  /** Below this Fisher's p calls a violation of the assumption (0.05). */
  significance: number;
}

const rateOf = (probe: Probe): number => (probe.forks === 0 ? 0 : probe.passed / probe.forks);

/** Fewer changes passing more often than more changes, beyond chance. */
function violates(more: Probe, fewer: Probe, significance: number): boolean {
  if (rateOf(fewer) <= rateOf(more)) return false;
  return compareProportions({ passed: fewer.passed, trials: fewer.forks }, { passed: more.passed, trials: more.forks }).p < significance;
}

/**
 * Find the culprit's turn among `turns` (the candidate steps' turns, any order). `probe(turn, k)` makes
 * k forks from `turn` with every later call changed; `unchanged` is the run re-run as it was (the
 * controls), what a fork with nothing changed does.
 */
export async function bisectTurns(
  turns: readonly number[],
  settings: BisectionSettings,
  unchanged: Probe,
  probe: (turn: number, k: number) => Promise<Probe>,
): Promise<BisectionResult> {
  const sorted = [...new Set(turns)].sort((left, right) => left - right);
  const probes: Probe[] = [unchanged];
  if (sorted.length === 0) return { probes, fallback: 'no candidate step' };
  let low = 0;
  let high = sorted.length - 1;
  let top = await probe(sorted[0]!, settings.k);
  probes.push(top);
  let bottom = unchanged;
  if (rateOf(top) <= rateOf(bottom)) {
    return { probes, fallback: `changing every call from turn ${top.turn} on passed ${top.passed} of ${top.forks}, no more often than the run as it was (${unchanged.passed} of ${unchanged.forks}): nothing for bisection to follow` };
  }
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    const found = await probe(sorted[middle]!, settings.k);
    probes.push(found);
    if (violates(top, found, settings.significance)) {
      return { probes, fallback: `changing the calls from turn ${found.turn} on passed ${found.passed} of ${found.forks}, more often than changing those from turn ${top.turn} on (${top.passed} of ${top.forks}): changing more calls made passing less likely, so bisection's assumption fails on this run` };
    }
    if (violates(found, bottom, settings.significance)) {
      const what = bottom === unchanged ? 'the run as it was' : `changing those from turn ${bottom.turn} on`;
      return { probes, fallback: `changing the calls from turn ${found.turn} on passed ${found.passed} of ${found.forks}, less often than ${what} (${bottom.passed} of ${bottom.forks}): changing more calls made passing less likely, so bisection's assumption fails on this run` };
    }
    // The half that flips: nearer the fork with more changes than the one with fewer.
    if (rateOf(found) * 2 >= rateOf(top) + rateOf(bottom)) {
      low = middle;
      top = found;
    } else {
      high = middle - 1;
      bottom = found;
    }
  }
  return { turn: sorted[low]!, probes };
}

/** The most probes bisection can make over `turns` distinct turns, the first included: what a dry run states. */
export function mostProbes(turns: number): number {
  return turns === 0 ? 0 : 1 + Math.ceil(Math.log2(turns));
}
