/**
 * What a group's distance is to be read against, beyond answering at random: a simulation that ignored
 * personas (every group answered with everyone's answers), one that knew only the reference's
 * demographics (each agent answered with the real answers of its own cell), and the noise a panel of
 * this size shows when it answers exactly as the real people do. A group's row says something of
 * persona fidelity only where its distance can be told from the persona-ignoring baseline's, and that
 * baseline from the noise. Pure; every draw from `seed`, on a stream of its own (the distance's own
 * figures are drawn apart and do not move).
 */
import { basicBootstrap, bootstrapPValue } from '../statistics/bootstrap.js';
import { benjaminiHochberg } from '../statistics/false-discovery.js';
import { normInterval } from '../statistics/norm-interval.js';
import { bootstrapShares, countBootstrap, type CountSample } from '../statistics/sampling.js';
import { CALIBRATION_RESAMPLES, type Estimate } from './calibration-statistics.js';
import { distanceFor, normFor, shareDifference, sharesOf } from './distribution-distance.js';

/** One demographic cell of a group (a combination of the reference's attribute values): its real answers, and how many of the group's agents who answered are in it. */
export interface DemographicCell {
  real: readonly number[];
  agents: number;
}

/** Where the simulated group stands against the persona-ignoring baseline: nearer (personas help), farther, or not to be told apart at this panel's size. */
export type PersonaVerdict = 'nearer' | 'farther' | 'indistinguishable';

/** The baselines of one question in one group. */
export interface Baselines {
  /**
   * The demographics-only baseline: each agent answered with the real answers of its own demographic
   * cell (every attribute of the reference), the group the mix of its agents' cells, against the
   * group's real answers; bias-corrected, with the distance's own 95% interval (norm-interval.ts).
   * Absent where it does not apply: an agent with no value for an attribute, or a cell with no real answers.
   */
  demographic?: Estimate;
  /**
   * The noise floor: the 95th percentile of the distance between the real answers and a panel of the
   * group's size that answers exactly as the real people do (both drawn at their sizes from the real
   * shares). A difference of distances below it cannot be told from chance at this size; a baseline
   * below it is one no panel of this size can show a simulation beating. NaN with no simulated answers.
   */
  noise: number;
  /** The group's distance minus the persona-ignoring baseline's (groups only), bias-corrected, with its 95% basic bootstrap interval (the same real people in both, drawn together). Below 0: nearer than ignoring personas. */
  beyondOverall?: Estimate;
  /** The two-sided p-value of "beyondOverall is 0" (bootstrap.ts bootstrapPValue), this row's alone. */
  pBeyond?: number;
  /** pBeyond adjusted across the report's group rows (Benjamini–Hochberg, personaVerdicts): the verdict's. */
  qBeyond?: number;
  /** What the row says once the family is accounted for: nearer or farther where qBeyond is below 0.05, else indistinguishable (the row says nothing of persona fidelity). */
  personas?: PersonaVerdict;
  /** The persona-ignoring baseline lies inside the noise: at this panel's size even a simulation answering as the group's real people do could not reliably be told from one ignoring personas. */
  overallInNoise?: boolean;
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

/** The answers of a group whose agents each answer as the real people of their cell: the cells' shares mixed by the agents in each. */
function mixOf(cells: ReadonlyArray<readonly number[]>, agents: readonly number[]): number[] {
  const total = sum(agents);
  const mix = (cells[0] ?? []).map(() => 0);
  cells.forEach((cell, index) => sharesOf(cell).forEach((share, option) => (mix[option]! += (share * agents[index]!) / total)));
  return mix;
}

/** The 95th percentile of the values (sorted in place). */
function upper95(values: number[]): number {
  values.sort((left, right) => left - right);
  return values[Math.ceil(0.95 * values.length) - 1] ?? NaN;
}

/**
 * The baselines of one question in one group: `real` and `simulated` counts (real as shares with
 * `realIsCounts` false, then never resampled), `everyone` the real answers of all (for a group that
 * is not everyone), `cells` the group's demographic cells where the demographics-only baseline
 * applies, `overall` the persona-ignoring baseline's estimate (calibration-statistics.ts) for the
 * verdict on the noise. Pure.
 */
export function compareBaselines(input: {
  real: readonly number[];
  realIsCounts: boolean;
  simulated: readonly number[];
  ordered: boolean;
  seed: number;
  everyone?: readonly number[];
  overall?: Estimate;
  cells?: readonly DemographicCell[];
}): Baselines {
  const { real, realIsCounts, simulated, ordered, seed, everyone, overall, cells } = input;
  const simulatedN = sum(simulated);
  if (simulatedN === 0) return { noise: NaN };
  const distance = distanceFor(ordered);
  const norm = normFor(ordered);
  const exact = !realIsCounts;
  const usable = cells !== undefined && cells.length > 0 && cells.every((cell) => cell.agents === 0 || sum(cell.real) > 0) && sum(cells.map((cell) => cell.agents)) > 0 ? cells : undefined;
  const samples: CountSample[] = [{ counts: real, exact }, { counts: simulated }, { counts: everyone ?? real, exact }, { counts: real, size: simulatedN }, ...(usable ?? []).map((cell) => ({ counts: cell.real, exact }))];
  const agents = (usable ?? []).map((cell) => cell.agents);
  const observedCells = usable ? usable[0]!.real.map((_, option) => sum(usable.map((cell) => cell.real[option]!))) : [];
  const observedMix = usable ? mixOf(usable.map((cell) => cell.real), agents) : [];
  const demographicGap = usable ? shareDifference(observedCells, observedMix) : [];
  const rounds = countBootstrap(
    samples,
    ([realDrawn, simulatedDrawn, everyoneDrawn, perfectDrawn, ...cellsDrawn]) => {
      // The group's real people are its cells' people: drawn once, as the cells, for the demographic baseline.
      const fromCells = cellsDrawn.length > 0 ? cellsDrawn[0]!.map((_, option) => sum(cellsDrawn.map((cell) => cell[option]!))) : [];
      const mixed = cellsDrawn.length > 0 ? mixOf(cellsDrawn, agents) : [];
      return [
        everyone ? distance(realDrawn!, simulatedDrawn!) - distance(realDrawn!, everyoneDrawn!) : NaN,
        distance(realDrawn!, perfectDrawn!),
        cellsDrawn.length > 0 ? distance(fromCells, mixed) : NaN,
        // The demographic distance's error in this round: its difference of shares less the observed one, in the distance's norm.
        cellsDrawn.length > 0 ? norm(shareDifference(fromCells, mixed).map((value, option) => value - demographicGap[option]!)) : NaN,
      ];
    },
    CALIBRATION_RESAMPLES,
    seed,
  );
  const column = (index: number): number[] => rounds.map((round) => round[index] as number);
  const realShares = sharesOf(real);
  // What each sample is drawn from (its shares, or its Wilson centre where its people all answered alike): the bias corrections' figures.
  const [realCentre, simulatedCentre, everyoneCentre, , ...cellCentres] = samples.map(bootstrapShares);
  const baselines: Baselines = { noise: upper95(column(1)) };
  if (usable) {
    const observed = distance(observedCells, observedMix);
    const centreCells = observedCells.map((_, option) => sum(cellCentres.map((centre, cell) => centre[option]! * sum(usable[cell]!.real))));
    const centre = distance(centreCells, mixOf(cellCentres, agents));
    baselines.demographic = { value: basicBootstrap(observed, column(2), [0, 1], centre).value, interval: normInterval(observed, column(3)) };
  }
  if (everyone) {
    const observed = distance(realShares, sharesOf(simulated)) - distance(realShares, sharesOf(everyone));
    const beyond = basicBootstrap(observed, column(0), [-1, 1], distance(realCentre!, simulatedCentre!) - distance(realCentre!, everyoneCentre!));
    baselines.beyondOverall = beyond;
    baselines.pBeyond = bootstrapPValue(beyond.value, column(0));
  }
  if (overall && Number.isFinite(overall.value)) baselines.overallInNoise = overall.value < baselines.noise;
  return baselines;
}

/**
 * Each group row's verdict against the persona-ignoring baseline, the report's rows taken as one
 * family: their pBeyond adjusted by Benjamini–Hochberg (the share of false "nearer" or "farther" among
 * those called kept at most 5 %), and a row nearer or farther only where its adjusted p is below 0.05.
 * Rows are changed in place; a row without pBeyond (everyone) gets no verdict.
 */
export function personaVerdicts(rows: ReadonlyArray<Baselines>): void {
  const family = rows.filter((row) => row.beyondOverall !== undefined && row.pBeyond !== undefined && Number.isFinite(row.pBeyond));
  const adjusted = benjaminiHochberg(family.map((row) => row.pBeyond!));
  family.forEach((row, index) => {
    row.qBeyond = adjusted[index]!;
    row.personas = row.qBeyond >= 0.05 ? 'indistinguishable' : row.beyondOverall!.value < 0 ? 'nearer' : 'farther';
  });
}
