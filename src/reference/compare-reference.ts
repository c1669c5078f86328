import type { Provenance } from '../provenance/provenance-types.js';
import { percentileInterval } from '../statistics/bootstrap.js';
import { benjaminiHochberg } from '../statistics/false-discovery.js';
import { ensembleP } from '../statistics/null-ensemble.js';
import { seedOf } from '../statistics/seeds.js';
import { allAlike, meanInterval } from '../statistics/runs-interval.js';
import { mean } from '../statistics/summary.js';
import type { DirectedNetwork } from './directed-network.js';
import { meanMatrix, mixingDistance, mixingMatrix, type MixingMatrix } from './mixing-matrix.js';
import { ksStatistic, networkMeasures, type NetworkMeasures } from './network-measures.js';
import { chartNetwork, configurationNetwork, rewiredNetwork, subgraphNetwork } from './null-models.js';
import { coverageWarnings, measureRange } from './coverage-warnings.js';

/**
 * A run's (or each repeat's) communication network set beside a real one: each measure's real
 * value, its value in each run, the runs' mean and its 95% t interval over the runs (the run is the
 * unit of repetition; a t interval because there are few). The degree distributions are compared by
 * the two-sample Kolmogorov–Smirnov statistic between the real people's degrees and a run's: 0 the
 * same distribution, 1 no overlap (the real network against itself is 0).
 *
 * Beside them, what each figure is to be read against (null-models.ts): the middle 95% of the
 * measure over random subgraphs of the real network of the runs' size (the institution's own
 * variability at that size: a 250-person piece of the real institution is no copy of all of it), and
 * over the runs' own networks rewired keeping every degree and drawn from their configuration model
 * (what the degrees alone would give), and drawn under the runs' own charts (each sender's number of
 * contacts kept, the recipients among those the chart allows: what the chart alone would give). Each
 * measure is tested against the chart's null, the measures of a comparison one family whose false
 * discovery rate is held at 5 % (Benjamini–Hochberg): only what stands above or below that null is the
 * agents' doing rather than the chart's. Pure.
 */

/** Draws of each null model: for each run, and of the real network's subgraphs. */
export const NULL_DRAWS = 20;

/** The measures compared, in the order a report shows them. */
export const REFERENCE_MEASURES = [
  { key: 'edgesPerPerson', label: 'edges per person (mean out-degree)' },
  { key: 'ksOutDegree', label: 'out-degree distribution (KS statistic against the real)' },
  { key: 'ksInDegree', label: 'in-degree distribution (KS statistic against the real)' },
  { key: 'reciprocity', label: 'reciprocity (share of edges returned)' },
  { key: 'insideDepartments', label: 'share of edges inside departments' },
  { key: 'mixingDistance', label: 'department mixing (distance from the real matrix)' },
  { key: 'clustering', label: 'clustering (average local coefficient)' },
  { key: 'neverWrite', label: 'share of people who never write' },
] as const;

export type ReferenceMeasure = (typeof REFERENCE_MEASURES)[number]['key'];

/** A measure against the chart-constrained null: above, below, within it, or kept by it. */
export type ChartVerdict = 'above' | 'below' | 'within' | 'kept';

/** One measure: the real value, each run's, their mean and its interval. */
export interface ReferenceRow {
  measure: ReferenceMeasure;
  label: string;
  real: number;
  runs: number[];
  mean: number;
  /**
   * The 95% t interval of the runs' mean (the run the unit); one run gives none (NaN ends); runs all
   * alike, a share's Wilson interval over the runs, or NaN ends for edges per person (runsInterval).
   */
  interval: [number, number];
  /** True when every run (two or more) gave the same value; absent otherwise. */
  alike?: true;
  /** The middle 95% of the measure over NULL_DRAWS random subgraphs of the real network, each of the runs' mean size; NaN ends where that is all of it (piecesAreWhole). */
  subgraphs: [number, number];
  /** The middle 95% over the runs' degree-preserving rewirings, and over their configuration models (NULL_DRAWS a run). */
  rewired: [number, number];
  configuration: [number, number];
  /** The middle 95% over the runs drawn under their own charts (chartNetwork, NULL_DRAWS a run), and the draws' mean; absent where the runs have no chart. */
  chart?: [number, number];
  chartMean?: number;
  /** The runs' mean against the chart null's means (null-ensemble.ts): its p, this measure's alone (NaN where the null keeps the measure), and adjusted across the measures (Benjamini–Hochberg). */
  chartP?: number;
  chartQ?: number;
  /** What that says: above or below the chart's null (q < 0.05), within it, or kept (the null holds the measure fixed: each sender's contacts). */
  againstChart?: ChartVerdict;
  /** With timestamped email (`--windows`): the middle 95% over windows of the run's length in days (timed-edges.ts). */
  windows?: [number, number];
}

/** One network as the comparison saw it. */
export interface NetworkSummary {
  /** The run's folder, or the reference's file. */
  source: string;
  people: number;
  edges: number;
  selfLoops: number;
  departments: number | null;
}

export interface ReferenceComparison {
  reference: NetworkSummary & { labels?: string; triangles: number };
  runs: NetworkSummary[];
  /** The size of the real network's random pieces: the runs' mean number of people. */
  subgraphSize: number;
  /**
   * True when the real network has no more people than that: a piece so large is all of it, so the
   * pieces give no range (each row's `subgraphs` has NaN ends) where they would repeat the real value.
   */
  piecesAreWhole?: true;
  rows: ReferenceRow[];
  /**
   * The department mixing matrices, real and the runs' mean, over the real departments: present when
   * the real network has departments and every run's departments are among them (an imported org).
   */
  mixing?: { real: MixingMatrix; simulated: MixingMatrix };
  /** The windows drawn of the timestamped email, when given. */
  windows?: WindowsSummary;
  /** Where an interval over runs covers less than it says (coverage-warnings.ts): a line each, empty when none. */
  warnings: string[];
  /** What made it: lemming's version and the models the runs' agents answered on (src/provenance/); absent for networks compared by hand. */
  provenance?: Provenance;
}

/** Windows of the institution's timestamped email a run is read against. */
export interface WindowsSummary {
  file: string;
  /** Each window's length, and the data's span, in days. */
  days: number;
  spanDays: number;
  people: number;
  emails: number;
  /** The windows drawn. */
  count: number;
}

function valuesOf(measures: NetworkMeasures, real: NetworkMeasures, realLabels: ReadonlySet<string>): Record<ReferenceMeasure, number | undefined> {
  return {
    // Departments are matched by label: a network with a department the real one lacks has no distance to speak of.
    mixingDistance: measures.mixing !== undefined && real.mixing !== undefined && sameDepartments(measures.mixing, realLabels) ? mixingDistance(measures.mixing, real.mixing) : undefined,
    edgesPerPerson: measures.people === 0 ? 0 : measures.edges / measures.people,
    ksOutDegree: ksStatistic(real.outDegrees, measures.outDegrees),
    ksInDegree: ksStatistic(real.inDegrees, measures.inDegrees),
    reciprocity: measures.reciprocity,
    insideDepartments: measures.insideDepartments,
    clustering: measures.clustering,
    neverWrite: measures.neverWrite,
  };
}

/**
 * A measure's 95% interval over the runs' values: a t interval (the run the unit), kept within what the
 * measure can be (measureRange: every measure but edges per person is a share or a KS statistic, 0 to 1,
 * and a t interval over few runs can reach past that; src/statistics/figure-range.ts). Made by the one
 * rule of every report (src/statistics/runs-interval.ts meanInterval), never one of no width: one run
 * gives none (NaN ends), as it shows nothing of how far another would fall; runs all alike a share's
 * Wilson interval over the runs, or none for edges per person. Its coverage is checked by simulation
 * (src/statistics/simulated-studies.ts, the bench's `network-coverage`).
 */
export function runsInterval(measure: ReferenceMeasure, values: readonly number[]): [number, number] {
  return meanInterval(values, measureRange(measure)).interval ?? [NaN, NaN];
}

/** Whether every department of a network's mixing is one of the real network's. */
function sameDepartments(cells: ReadonlyMap<string, number>, labels: ReadonlySet<string>): boolean {
  for (const key of cells.keys()) if (!key.split('\t').every((label) => labels.has(label))) return false;
  return true;
}

function summary(source: string, network: DirectedNetwork, measures: NetworkMeasures): NetworkSummary {
  return { source, people: measures.people, edges: measures.edges, selfLoops: network.selfLoops, departments: network.departments === undefined ? null : new Set(network.departments.values()).size };
}

/** Compare runs' networks with the real one; a measure either side lacks (departments) is left out. */
export function compareWithReference(
  reference: { source: string; labels?: string; network: DirectedNetwork },
  runs: ReadonlyArray<{ source: string; network: DirectedNetwork }>,
  windows?: { summary: WindowsSummary; networks: readonly DirectedNetwork[] },
): ReferenceComparison {
  const real = networkMeasures(reference.network);
  const labels = new Set(reference.network.departments?.values() ?? []);
  const measured = runs.map((run) => ({ run, measures: networkMeasures(run.network) }));
  const realValues = valuesOf(real, real, labels);
  const runValues = measured.map(({ measures }) => valuesOf(measures, real, labels));
  const size = Math.round(mean(measured.map(({ measures }) => measures.people)));
  const valuesOfDraw = (network: DirectedNetwork): Record<ReferenceMeasure, number | undefined> => valuesOf(networkMeasures(network), real, labels);
  const draws = (networks: (draw: number) => DirectedNetwork[]): Array<Record<ReferenceMeasure, number | undefined>> =>
    Array.from({ length: NULL_DRAWS }, (_, draw) => networks(draw)).flatMap((list) => list.map(valuesOfDraw));
  // A real network no larger than the runs has no piece of their size but itself: its range would be the
  // real value, of no width, read as the institution's own variability at that size. It gives none.
  const piecesAreWhole = size >= real.people;
  const subgraphs = piecesAreWhole ? [] : draws((draw) => [subgraphNetwork(reference.network, size, seedOf(`subgraph ${draw}`))]);
  const rewired = draws((draw) => runs.map((run, index) => rewiredNetwork(run.network, seedOf(`rewired ${index} ${draw}`))));
  const configuration = draws((draw) => runs.map((run, index) => configurationNetwork(run.network, seedOf(`configuration ${index} ${draw}`))));
  // Under the runs' own charts: each draw a network per run, kept by draw so each draw's mean over runs can be read against the runs' mean.
  const charted = runs.every((run) => run.network.allowed !== undefined)
    ? Array.from({ length: NULL_DRAWS }, (_, draw) => runs.map((run, index) => valuesOfDraw(chartNetwork(run.network, seedOf(`chart ${index} ${draw}`))!)))
    : undefined;
  const windowed = windows?.networks.map((network) => valuesOf(networkMeasures(network), real, labels));
  const range = (values: Array<Record<ReferenceMeasure, number | undefined>>, key: ReferenceMeasure): [number, number] =>
    percentileInterval(values.map((each) => each[key]).filter((value): value is number => value !== undefined));
  const windowRange = (key: ReferenceMeasure): { windows?: [number, number] } => {
    const values = windowed?.map((each) => each[key]).filter((value): value is number => value !== undefined) ?? [];
    return values.length === 0 ? {} : { windows: percentileInterval(values) };
  };
  const rows: ReferenceRow[] = [];
  for (const { key, label } of REFERENCE_MEASURES) {
    const realValue = realValues[key];
    const values = runValues.map((values) => values[key]);
    if (realValue === undefined || values.length === 0 || values.some((value) => value === undefined)) continue;
    const numbers = values as number[];
    rows.push({ measure: key, label, real: realValue, runs: numbers, mean: mean(numbers), interval: runsInterval(key, numbers), ...(allAlike(numbers) ? { alike: true as const } : {}), subgraphs: piecesAreWhole ? [NaN, NaN] : range(subgraphs, key), rewired: range(rewired, key), configuration: range(configuration, key), ...windowRange(key), ...chartRange(charted, key, numbers) });
  }
  judgeAgainstChart(rows);
  const realLabels = reference.network.departments === undefined ? undefined : [...new Set(reference.network.departments.values())];
  const matched = realLabels !== undefined && rows.some((row) => row.measure === 'mixingDistance');
  const simulated = matched ? runs.map((run) => mixingMatrix(run.network, realLabels)).filter((matrix): matrix is MixingMatrix => matrix !== undefined) : [];
  const realMatrix = matched ? mixingMatrix(reference.network, realLabels) : undefined;
  return {
    ...(realMatrix === undefined ? {} : { mixing: { real: realMatrix, simulated: meanMatrix(simulated, realMatrix.departments) } }),
    ...(windows === undefined ? {} : { windows: windows.summary }),
    reference: { ...summary(reference.source, reference.network, real), ...(reference.labels === undefined ? {} : { labels: reference.labels }), triangles: real.triangles },
    runs: measured.map(({ run, measures }) => summary(run.source, run.network, measures)),
    subgraphSize: size,
    ...(piecesAreWhole ? { piecesAreWhole: true as const } : {}),
    rows,
    warnings: coverageWarnings(rows, runs.length),
  };
}

/** A measure's chart-null range and its p: the middle 95 % of every run's draws, and the runs' mean against each draw's mean over the runs. */
function chartRange(charted: Array<Array<Record<ReferenceMeasure, number | undefined>>> | undefined, key: ReferenceMeasure, runValues: readonly number[]): Pick<ReferenceRow, 'chart' | 'chartMean' | 'chartP'> {
  if (charted === undefined) return {};
  const perDraw = charted.map((draw) => draw.map((values) => values[key]));
  if (perDraw.some((draw) => draw.some((value) => value === undefined))) return {};
  const means = perDraw.map((draw) => mean(draw as number[]));
  return { chart: percentileInterval(perDraw.flat() as number[]), chartMean: mean(means), chartP: ensembleP(mean(runValues), means) };
}

/** Each measure's verdict against the chart's null, the comparison's measures one family (Benjamini–Hochberg at 5 %); rows changed in place. */
function judgeAgainstChart(rows: ReferenceRow[]): void {
  const tested = rows.filter((row) => row.chartP !== undefined);
  const adjusted = benjaminiHochberg(tested.map((row) => row.chartP!));
  tested.forEach((row, index) => {
    const q = adjusted[index]!;
    if (Number.isNaN(q)) {
      row.againstChart = 'kept';
      return;
    }
    row.chartQ = q;
    row.againstChart = q >= 0.05 ? 'within' : row.mean > row.chartMean! ? 'above' : 'below';
  });
}
