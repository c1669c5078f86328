import { describe, expect, test } from 'vitest';
import { compareWithReference } from '../../src/reference/compare-reference.js';
import { directedNetwork, type DirectedNetwork } from '../../src/reference/directed-network.js';
import { networkMeasures } from '../../src/reference/network-measures.js';
import { chartNetwork } from '../../src/reference/null-models.js';
import { renderReference } from '../../src/reference/render-reference.js';
import { seededRandom } from '../../src/random/seeded-random.js';

/*
 * The chart-constrained null: each sender keeps their number of contacts, the recipients drawn only among
 * those the chart lets them write to. Planted here: four departments of ten, everyone may write to their own
 * department and each lead (the first of a department) to the other leads, as import-network's structure chart.
 */
const DEPARTMENTS = 4;
const SIZE = 10;
const people = Array.from({ length: DEPARTMENTS * SIZE }, (_, index) => `p${index}`);
const departmentOf = (person: string): number => Math.floor(Number(person.slice(1)) / SIZE);
const isLead = (person: string): boolean => Number(person.slice(1)) % SIZE === 0;
const departments = new Map(people.map((person) => [person, `d${departmentOf(person)}`]));
const allowed = new Map(people.map((person) => [person, people.filter((other) => other !== person && (departmentOf(other) === departmentOf(person) || (isLead(person) && isLead(other))))]));

/** A run on that chart: each person writes to `contacts` of those it may, chosen by `pick` among them (seeded). */
function run(seed: number, pick: (from: string, candidates: string[], next: () => number) => string[]): DirectedNetwork {
  const next = seededRandom(seed);
  const pairs = people.flatMap((from) => pick(from, allowed.get(from)!, next).map((to): [string, string] => [from, to]));
  return { ...directedNetwork(people, pairs, departments), allowed };
}

/** The run the chart alone makes: each person writes to three of those it may, at random. */
const chartOnly = (seed: number): DirectedNetwork =>
  run(seed, (_from, candidates, next) => {
    const shuffled = [...candidates].sort(() => next() - 0.5);
    return shuffled.slice(0, 3);
  });

/** A run with structure beyond the chart: each writes to the next two of its department and they write back. */
const returned = (seed: number): DirectedNetwork =>
  run(seed, (from, candidates) => {
    const index = Number(from.slice(1));
    const mates = [1, 2, SIZE - 1, SIZE - 2].map((step) => `p${departmentOf(from) * SIZE + ((index % SIZE) + step) % SIZE}`);
    return candidates.filter((candidate) => mates.includes(candidate));
  });

describe('the chart-constrained null: what the chart alone gives a run', () => {
  test('each sender keeps their number of contacts and writes only where the chart allows; the edges change', () => {
    const original = returned(1);
    const drawn = chartNetwork(original, 5)!;
    const outDegrees = (network: DirectedNetwork): Map<string, number> => {
      const counts = new Map<string, number>();
      for (const [from] of network.edges) counts.set(from, (counts.get(from) ?? 0) + 1);
      return counts;
    };
    expect(outDegrees(drawn)).toEqual(outDegrees(original));
    expect(drawn.edges.every(([from, to]) => allowed.get(from)!.includes(to))).toBe(true);
    expect(new Set(drawn.edges.map((edge) => edge.join(' '))).size).toBe(drawn.edges.length);
    expect(drawn.edges.map((edge) => edge.join(' ')).sort()).not.toEqual(original.edges.map((edge) => edge.join(' ')).sort());
    // The same seed, the same draw; a network without a chart has no such null.
    expect(chartNetwork(original, 5)).toEqual(drawn);
    expect(chartNetwork(directedNetwork(people, original.edges, departments), 5)).toBeUndefined();
    // A chart of "*" is not listed: a sender who may write to everyone draws among every other person.
    const open = chartNetwork({ ...original, allowed: new Map(people.map((person) => [person, 'everyone' as const])) }, 5)!;
    expect(outDegrees(open)).toEqual(outDegrees(original));
    expect(open.edges.every(([from, to]) => from !== to && people.includes(to))).toBe(true);
    expect(new Set(open.edges.map((edge) => edge.join(' '))).size).toBe(open.edges.length);
    expect(open.edges.some(([from, to]) => departmentOf(from) !== departmentOf(to))).toBe(true);
  });

  test('analyze --reference reads each figure against it: the chart explains a run that writes inside its departments, not one whose people write back', () => {
    const real = run(99, (_from, candidates, next) => candidates.filter(() => next() < 0.3));
    // Inside departments: the chart allows little else, so the chart's null is near the run's share too.
    const plain = compareWithReference({ source: 'real.txt', network: real }, [1, 2, 3, 4, 5].map((seed) => ({ source: `run${seed}`, network: chartOnly(seed) })));
    const inside = plain.rows.find((row) => row.measure === 'insideDepartments')!;
    expect(inside.chart![0]).toBeGreaterThan(0.8);
    expect(inside.rewired[1]).toBeLessThan(0.6);
    // A run drawn as the chart's null draws is not called different from it on any measure.
    expect(plain.rows.filter((row) => row.againstChart === 'above' || row.againstChart === 'below')).toEqual([]);
    // Reciprocity planted beyond the chart stands above its chart null, and the report says so.
    const planted = compareWithReference({ source: 'real.txt', network: real }, [1, 2, 3, 4, 5].map((seed) => ({ source: `run${seed}`, network: returned(seed) })));
    const reciprocity = planted.rows.find((row) => row.measure === 'reciprocity')!;
    expect(reciprocity.mean).toBe(1);
    expect(reciprocity.chart![1]).toBeLessThan(0.6);
    expect(reciprocity.againstChart).toBe('above');
    expect(reciprocity.chartQ).toBeLessThan(0.05);
    // The measures the null keeps by construction are not tested.
    for (const kept of ['edgesPerPerson', 'ksOutDegree', 'neverWrite']) expect(planted.rows.find((row) => row.measure === kept)!.againstChart, kept).toBe('kept');
    const report = renderReference(planted);
    expect(report).toContain('simulated, chart-constrained');
    expect(report).toContain('Benjamini–Hochberg');
    expect(networkMeasures(returned(1)).edges).toBe(DEPARTMENTS * SIZE * 4);
  });
});
