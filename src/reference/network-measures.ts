import type { DirectedNetwork } from './directed-network.js';
import { mixingCells } from './mixing-matrix.js';
import { countTriangles } from './triangles.js';

/**
 * What the comparison measures of one network, each by the definition SNAP and the network
 * literature use, so the real figures can be checked against SNAP's published ones:
 * - out- and in-degree: how many people each person wrote to, and was written to by;
 * - reciprocity: the share of directed edges u→v whose reverse v→u is an edge too;
 * - inside departments: the share of directed edges between two people of the same department;
 * - clustering: the average local clustering coefficient of the undirected graph (edges taken
 *   either way, once), a person with fewer than two neighbours counting 0, as SNAP averages it;
 * - never write: the share of people with no outgoing edge.
 * Pure.
 */
export interface NetworkMeasures {
  people: number;
  edges: number;
  /** Each person's out-degree and in-degree, in the network's order of people. */
  outDegrees: number[];
  inDegrees: number[];
  reciprocity: number;
  /** Undefined when the network has no departments. */
  insideDepartments?: number;
  /** The department mixing matrix's non-empty cells (mixing-matrix.ts); undefined without departments. */
  mixing?: Map<string, number>;
  clustering: number;
  /** Triangles of the undirected graph (SNAP publishes the count: a check of the clustering). */
  triangles: number;
  neverWrite: number;
}

export function networkMeasures(network: DirectedNetwork): NetworkMeasures {
  const index = new Map(network.people.map((person, position) => [person, position]));
  const count = network.people.length;
  const outDegrees = new Array<number>(count).fill(0);
  const inDegrees = new Array<number>(count).fill(0);
  // Numbers, not text, as keys: a measure is taken of every null draw (60 networks and more an analysis).
  const directed = new Set<number>();
  const neighbours: Array<Set<number>> = Array.from({ length: count }, () => new Set<number>());
  let inside = 0;
  for (const [from, to] of network.edges) {
    const source = index.get(from) as number;
    const target = index.get(to) as number;
    outDegrees[source] = (outDegrees[source] ?? 0) + 1;
    inDegrees[target] = (inDegrees[target] ?? 0) + 1;
    directed.add(source * count + target);
    neighbours[source]?.add(target);
    neighbours[target]?.add(source);
    const department = network.departments?.get(from);
    if (department !== undefined && department === network.departments?.get(to)) inside += 1;
  }
  let mutual = 0;
  for (const [from, to] of network.edges) if (directed.has((index.get(to) as number) * count + (index.get(from) as number))) mutual += 1;

  // A person's coefficient is the share of pairs of their neighbours who are neighbours themselves.
  const { atPerson, total } = countTriangles(neighbours);
  let coefficientSum = 0;
  for (let person = 0; person < count; person += 1) {
    const degree = neighbours[person]?.size ?? 0;
    if (degree >= 2) coefficientSum += (atPerson[person] ?? 0) / ((degree * (degree - 1)) / 2);
  }
  const edges = network.edges.length;
  const mixing = mixingCells(network);
  return {
    people: count,
    edges,
    outDegrees,
    inDegrees,
    reciprocity: edges === 0 ? 0 : mutual / edges,
    ...(network.departments === undefined ? {} : { insideDepartments: edges === 0 ? 0 : inside / edges }),
    ...(mixing === undefined ? {} : { mixing }),
    clustering: count === 0 ? 0 : coefficientSum / count,
    triangles: total,
    neverWrite: count === 0 ? 0 : outDegrees.filter((degree) => degree === 0).length / count,
  };
}

/**
 * The two-sample Kolmogorov–Smirnov statistic: the largest distance between the two samples'
 * empirical distribution functions, 0 (the same distribution) to 1 (no overlap). Pure.
 */
export function ksStatistic(first: readonly number[], second: readonly number[]): number {
  if (first.length === 0 || second.length === 0) return first.length === second.length ? 0 : 1;
  const a = [...first].sort((left, right) => left - right);
  const b = [...second].sort((left, right) => left - right);
  let i = 0;
  let j = 0;
  let largest = 0;
  while (i < a.length && j < b.length) {
    const value = Math.min(a[i] as number, b[j] as number);
    while (i < a.length && a[i] === value) i += 1;
    while (j < b.length && b[j] === value) j += 1;
    largest = Math.max(largest, Math.abs(i / a.length - j / b.length));
  }
  return largest;
}
