import { compareAnswers } from '../../src/calibrate/calibration-statistics.js';
import { distanceFor } from '../../src/calibrate/distribution-distance.js';
import { seededRandom } from '../../src/random/seeded-random.js';
import { drawCounts } from '../../src/statistics/sampling.js';

/** A planted calibration study: the real people's and the agents' true shares over a question's options, and how many of each are asked. */
export interface PlantedCell {
  real: readonly number[];
  simulated: readonly number[];
  ordered: boolean;
  n: number;
  m: number;
}

/**
 * Seeded planted studies through compareAnswers (what `lemming calibrate` prints for each question and
 * group): the real people drawn from the real shares, the agents from theirs; of the studies whose agents'
 * counts `kept` picks, up to `wanted`, how many distance intervals hold the planted distance, and their
 * summed width.
 */
export function distanceCoverage(cell: PlantedCell, kept: (simulated: readonly number[]) => boolean, wanted: number, seed: number): { studies: number; held: number; width: number } {
  const truth = distanceFor(cell.ordered)(cell.real, cell.simulated);
  const next = seededRandom(seed);
  let studies = 0;
  let held = 0;
  let width = 0;
  for (let study = 0; studies < wanted && study < 20_000; study += 1) {
    const real = drawCounts(cell.real, cell.n, next);
    const simulated = drawCounts(cell.simulated, cell.m, next);
    if (!kept(simulated)) continue;
    studies += 1;
    const [low, high] = compareAnswers(real, true, simulated, cell.ordered, study).distance.interval;
    if (low <= truth && truth <= high) held += 1;
    width += high - low;
  }
  return { studies, held, width };
}
