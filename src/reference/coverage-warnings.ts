/**
 * Where the intervals over runs `analyze --reference` prints cover less than they say, found by
 * simulation (the bench's `measure-coverage`, docs/validation.md) and told in the report's own words:
 * one run gives no interval; runs that repeat each other show no spread (a share's interval is then
 * Wilson's over the runs, edges per person's none); a measure whose runs
 * lie near what it can be (a share near 0 or 1, so its t interval reached past it and was cut) is
 * skewed over runs, where a t interval over few runs covers short (the share who never write, near 0,
 * held its truth in 44 % of simulated studies of 2 runs and 78 % of 5 and of 10); a run that lies apart
 * from the others (outside the range they predict, at a level that keeps a false alarm on a measure
 * to one study in twenty) says the runs are of more than one kind; and fewer than 30 runs cannot show
 * a kind of run none of them happens to be. Where one run in five collapses (an agent never acts, and
 * the run writes next to nothing), the interval over 5 runs held the truth in 80 % (clustering) and 81 %
 * (edges per person) of simulated studies, over 10 in 89 %, over 20 in 93 % (the bench's
 * measure-coverage); at 5 runs nearly every miss was a study none of whose runs collapsed, which
 * nothing in its runs can show. Pure.
 */
import { studentQuantile } from '../statistics/distributions.js';
import { NON_NEGATIVE_RANGE, SHARE_RANGE, type FigureRange } from '../statistics/figure-range.js';
import { allAlike, meanInterval } from '../statistics/runs-interval.js';
import { mean, standardDeviation } from '../statistics/summary.js';

/** What a measure can be: every measure but edges per person is a share or a KS statistic, 0 to 1. */
export function measureRange(measure: string): FigureRange {
  return measure === 'edgesPerPerson' ? NON_NEGATIVE_RANGE : SHARE_RANGE;
}

/** Below this many runs, the report says what runs it has not seen can do to its intervals. */
export const RUNS_TO_SEE_RARE_KINDS = 30;

/**
 * The runs lying apart from the rest: each run's value against the range the others predict for one
 * more run (their mean ± t·sd·√(1 + 1/(n − 1)), t on n − 2 degrees of freedom at two-sided `level`).
 * Needs 4 runs or more.
 */
export function runsApart(values: readonly number[], level: number): number[] {
  if (values.length < 4) return [];
  const t = studentQuantile((1 + level) / 2, values.length - 2);
  return values.flatMap((value, index) => {
    const others = values.filter((_, other) => other !== index);
    const centre = mean(others);
    const spread = standardDeviation(others);
    const reach = spread === 0 ? 1e-12 * Math.max(1, Math.abs(centre)) : t * spread * Math.sqrt(1 + 1 / others.length);
    return Math.abs(value - centre) > reach ? [index] : [];
  });
}

/** The warning lines of a comparison's rows over `runs` runs (none when every interval is as good as it says and the runs are many). */
export function coverageWarnings(rows: ReadonlyArray<{ measure: string; runs: readonly number[] }>, runs: number): string[] {
  if (runs === 1) return ['Warning: one run gives no interval: how far another repeat would fall is unknown; compare repeats (--runs) to have one.'];
  const warnings: string[] = [];
  const still = rows.filter((row) => allAlike(row.runs));
  if (still.length > 0) warnings.push(`Warning: the runs repeat each other exactly on ${still.map((row) => row.measure).join(', ')}: they show no spread to build an interval from, so a share's is the Wilson interval of the runs as trials and edges per person has none: the runs did not vary, which does not make the figure known.`);
  const cut = rows.filter((row) => {
    if (still.includes(row)) return false;
    return meanInterval(row.runs, measureRange(row.measure)).cutAt !== undefined;
  });
  if (cut.length > 0) {
    warnings.push(
      `Warning: ${cut.map((row) => row.measure).join(', ')}: the runs lie near what the measure can be (the t interval reached past it and was cut), where their values are skewed and a t interval over ${runs} runs covers less than 95 % (in simulation, the share who never write near 0: 44 % at 2 runs, 78 % at 5 and at 10); read the interval as rough, and each run's value below.`,
    );
  }
  // Each run of a measure is a test: at 1 − 0.05/runs each, runs alike in kind trip a measure in at most one study in twenty.
  const varying = rows.filter((row) => !still.includes(row));
  const level = 1 - 0.05 / runs;
  const apart = varying.flatMap((row) => runsApart(row.runs, level).map((index) => `run ${index + 1} on ${row.measure}`));
  if (apart.length > 0) {
    warnings.push(
      `Warning: ${apart.join(', ')} ${apart.length === 1 ? 'lies' : 'lie'} apart from the other runs (outside the range they predict for one more, each run at ${(100 * level).toFixed(1)} %, so runs alike in kind show this on a measure in at most one study in twenty): the runs are of more than one kind (a run that collapsed: an agent that never acted, a loop), and a t interval over them covers less than it says; read each run's value below, and what made that run differ.`,
    );
  }
  if (runs < RUNS_TO_SEE_RARE_KINDS) {
    warnings.push(
      `Warning: ${runs} runs cannot show a kind of run none of them happens to be: where one run in five collapses (an agent never acts), ${runs} runs hold none in ${Math.round(100 * 0.8 ** runs)} % of studies, and in simulation the interval over 5 runs held the truth in 80 % (clustering) and 81 % (edges per person), over 10 in 89 %, over 20 in 93 %. Where runs can fail in kind, repeat more (--runs of 30 or more) and read each run's value below.`,
    );
  }
  return warnings;
}
