import { bootstrapMean } from '../statistics/bootstrap.js';
import { seedOf } from '../statistics/seeds.js';
import { mean } from '../statistics/summary.js';
import type { DirectedNetwork } from './directed-network.js';
import { ksStatistic, networkMeasures, type NetworkMeasures } from './network-measures.js';

/**
 * A run's (or each repeat's) communication network set beside a real one: each measure's real
 * value, its value in each run, the runs' mean and the 95% percentile-bootstrap interval of that
 * mean (statistics/bootstrap.ts, seeded from the measure's name, so the same runs give the same
 * interval). The degree distributions are compared by the two-sample Kolmogorov–Smirnov statistic
 * between the real people's degrees and a run's: 0 the same distribution, 1 no overlap (the real
 * network against itself is 0). Pure.
 */

/** The measures compared, in the order a report shows them. */
export const REFERENCE_MEASURES = [
  { key: 'edgesPerPerson', label: 'edges per person (mean out-degree)' },
  { key: 'ksOutDegree', label: 'out-degree distribution (KS statistic against the real)' },
  { key: 'ksInDegree', label: 'in-degree distribution (KS statistic against the real)' },
  { key: 'reciprocity', label: 'reciprocity (share of edges returned)' },
  { key: 'insideDepartments', label: 'share of edges inside departments' },
  { key: 'clustering', label: 'clustering (average local coefficient)' },
  { key: 'neverWrite', label: 'share of people who never write' },
] as const;

export type ReferenceMeasure = (typeof REFERENCE_MEASURES)[number]['key'];

/** One measure: the real value, each run's, their mean and its interval. */
export interface ReferenceRow {
  measure: ReferenceMeasure;
  label: string;
  real: number;
  runs: number[];
  mean: number;
  /** The 95% bootstrap interval of the runs' mean; one run gives [its value, its value]. */
  interval: [number, number];
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
  rows: ReferenceRow[];
}

function valuesOf(measures: NetworkMeasures, real: NetworkMeasures): Record<ReferenceMeasure, number | undefined> {
  return {
    edgesPerPerson: measures.people === 0 ? 0 : measures.edges / measures.people,
    ksOutDegree: ksStatistic(real.outDegrees, measures.outDegrees),
    ksInDegree: ksStatistic(real.inDegrees, measures.inDegrees),
    reciprocity: measures.reciprocity,
    insideDepartments: measures.insideDepartments,
    clustering: measures.clustering,
    neverWrite: measures.neverWrite,
  };
}

function summary(source: string, network: DirectedNetwork, measures: NetworkMeasures): NetworkSummary {
  return { source, people: measures.people, edges: measures.edges, selfLoops: network.selfLoops, departments: network.departments === undefined ? null : new Set(network.departments.values()).size };
}

/** Compare runs' networks with the real one; a measure either side lacks (departments) is left out. */
export function compareWithReference(reference: { source: string; labels?: string; network: DirectedNetwork }, runs: ReadonlyArray<{ source: string; network: DirectedNetwork }>): ReferenceComparison {
  const real = networkMeasures(reference.network);
  const measured = runs.map((run) => ({ run, measures: networkMeasures(run.network) }));
  const realValues = valuesOf(real, real);
  const runValues = measured.map(({ measures }) => valuesOf(measures, real));
  const rows: ReferenceRow[] = [];
  for (const { key, label } of REFERENCE_MEASURES) {
    const realValue = realValues[key];
    const values = runValues.map((values) => values[key]);
    if (realValue === undefined || values.length === 0 || values.some((value) => value === undefined)) continue;
    const numbers = values as number[];
    rows.push({ measure: key, label, real: realValue, runs: numbers, mean: mean(numbers), interval: bootstrapMean(numbers, seedOf(`reference ${key}`)) });
  }
  return {
    reference: { ...summary(reference.source, reference.network, real), ...(reference.labels === undefined ? {} : { labels: reference.labels }), triangles: real.triangles },
    runs: measured.map(({ run, measures }) => summary(run.source, run.network, measures)),
    rows,
  };
}
