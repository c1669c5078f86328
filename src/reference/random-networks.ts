/**
 * Networks whose measures are known in expectation, to check by simulation how often an interval over
 * runs holds the truth: the directed random graph G(n, p) (each ordered pair an edge with chance p, on
 * its own), people in departments taken in turn, and a study's runs each with a chance of its own
 * (p₀ moved by a seeded share of itself, as a model's seeded variability moves who writes to whom), so
 * repeats differ more than one network's edges do. Pure, given the draws.
 */
import { directedNetwork, type DirectedNetwork } from './directed-network.js';

/** G(n, p) on `people` people named p0, p1, …, in `departments` departments taken in turn, drawn with `next`. */
export function randomDirectedNetwork(people: number, chance: number, next: () => number, departments = 2): DirectedNetwork {
  const names = Array.from({ length: people }, (_, index) => `p${index}`);
  const pairs: Array<[string, string]> = [];
  for (const from of names) for (const to of names) if (from !== to && next() < chance) pairs.push([from, to]);
  return directedNetwork(names, pairs, new Map(names.map((name, index) => [name, `d${index % departments}`])));
}

/** The measures of G(n, p) in expectation, p given, by the definitions network-measures.ts uses. */
export function expectedMeasures(people: number, chance: number, departments = 2): { edgesPerPerson: number; reciprocity: number; insideDepartments: number; clustering: number; neverWrite: number } {
  const pairs = people * (people - 1);
  const someEdge = 1 - (1 - chance) ** pairs;
  // Given e edges, each is an ordered pair drawn alike: its reverse is among the other e − 1 with chance (e − 1)/(N − 1).
  const reciprocity = (pairs * chance - someEdge) / (pairs - 1);
  let samePairs = 0;
  for (let department = 0; department < departments; department += 1) {
    const size = Math.ceil((people - department) / departments);
    samePairs += size * (size - 1);
  }
  // Undirected: a pair is joined when either edge is there; a person's neighbours are joined to each other with that chance, whatever their number.
  const joined = 1 - (1 - chance) ** 2;
  const others = people - 1;
  const fewerThanTwo = (1 - joined) ** others + others * joined * (1 - joined) ** (others - 1);
  return { edgesPerPerson: others * chance, reciprocity, insideDepartments: (samePairs / pairs) * someEdge, clustering: joined * (1 - fewerThanTwo), neverWrite: (1 - chance) ** others };
}

/** A run's chance of an edge: `chance` moved by up to `spread` of itself, uniformly, by one draw. */
export function runChance(chance: number, spread: number, draw: number): number {
  return chance * (1 + spread * (2 * draw - 1));
}

/** The expectation over runs of a study whose runs' chances vary so (the midpoint rule over the draw, 2,000 points). */
export function expectedOverRuns(people: number, chance: number, spread: number, departments = 2): ReturnType<typeof expectedMeasures> {
  const points = 2000;
  const total = { edgesPerPerson: 0, reciprocity: 0, insideDepartments: 0, clustering: 0, neverWrite: 0 };
  for (let point = 0; point < points; point += 1) {
    const expected = expectedMeasures(people, runChance(chance, spread, (point + 0.5) / points), departments);
    for (const key of Object.keys(total) as Array<keyof typeof total>) total[key] += expected[key] / points;
  }
  return total;
}
