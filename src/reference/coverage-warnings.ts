/**
 * Where the intervals over runs `analyze --reference` prints cover less than they say, found by
 * simulation (the bench's `measure-coverage`, docs/validation.md) and told in the report's own words:
 * one run gives no interval; runs that repeat each other give one of no width; and a measure whose runs
 * lie near what it can be (a share near 0 or 1, so its t interval reached past it and was cut) is
 * skewed over runs, where a t interval over few runs covers short: the share who never write, near 0,
 * held its truth in 44 % of simulated studies of 2 runs and 78 % of 5 and of 10. Pure.
 */
import { tInterval } from '../statistics/student-t.js';

/** The warning lines of a comparison's rows over `runs` runs (none when every interval is as good as it says). */
export function coverageWarnings(rows: ReadonlyArray<{ measure: string; runs: readonly number[] }>, runs: number): string[] {
  if (runs === 1) return ['Warning: one run gives no interval: how far another repeat would fall is unknown; compare repeats (--runs) to have one.'];
  const warnings: string[] = [];
  const still = rows.filter((row) => row.runs.every((value) => value === row.runs[0]));
  if (still.length > 0) warnings.push(`Warning: the runs repeat each other exactly on ${still.map((row) => row.measure).join(', ')}: an interval of no width says the runs did not vary, not that the figure is known.`);
  const cut = rows.filter((row) => {
    if (still.includes(row)) return false;
    const [low, high] = tInterval(row.runs);
    return low < 0 || (row.measure !== 'edgesPerPerson' && high > 1);
  });
  if (cut.length > 0) {
    warnings.push(
      `Warning: ${cut.map((row) => row.measure).join(', ')}: the runs lie near what the measure can be (the t interval reached past it and was cut), where their values are skewed and a t interval over ${runs} runs covers less than 95 % (in simulation, the share who never write near 0: 44 % at 2 runs, 78 % at 5 and at 10); read the interval as rough, and each run's value below.`,
    );
  }
  return warnings;
}
