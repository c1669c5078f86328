import { describe, expect, test } from 'vitest';
import { compareWithReference } from '../../src/reference/compare-reference.js';
import { directedNetwork, type DirectedNetwork } from '../../src/reference/directed-network.js';
import { networkMeasures } from '../../src/reference/network-measures.js';
import { configurationNetwork, rewiredNetwork, subgraphNetwork } from '../../src/reference/null-models.js';
import { seededRandom } from '../../src/random/seeded-random.js';

const people = Array.from({ length: 60 }, (_, index) => `p${index}`);

/** A ring where each person writes to the next three and hears back: many triangles, every degree 6. */
function ring(): DirectedNetwork {
  const pairs: Array<[string, string]> = [];
  people.forEach((person, index) => {
    for (let step = 1; step <= 3; step += 1) {
      const other = people[(index + step) % people.length] as string;
      pairs.push([person, other], [other, person]);
    }
  });
  return directedNetwork(people, pairs);
}

/** Each ordered pair an edge with chance `p`, seeded: clustering and reciprocity as chance gives them. */
function random(p: number, seed: number): DirectedNetwork {
  const next = seededRandom(seed);
  const pairs: Array<[string, string]> = [];
  for (const from of people) for (const to of people) if (from !== to && next() < p) pairs.push([from, to]);
  return directedNetwork(people, pairs);
}

function degrees(network: DirectedNetwork): string {
  const measures = networkMeasures(network);
  return JSON.stringify([measures.outDegrees, measures.inDegrees]);
}

describe('null models of a network', () => {
  test('rewiring keeps every out- and in-degree, makes no self-loop or repeated edge, and changes the edges', () => {
    const original = random(0.1, 3);
    const rewired = rewiredNetwork(original, 7);
    expect(degrees(rewired)).toBe(degrees(original));
    expect(rewired.edges.every(([from, to]) => from !== to)).toBe(true);
    expect(new Set(rewired.edges.map((edge) => edge.join(' '))).size).toBe(rewired.edges.length);
    const before = new Set(original.edges.map((edge) => edge.join(' ')));
    expect(rewired.edges.filter((edge) => before.has(edge.join(' '))).length).toBeLessThan(original.edges.length / 2);
    expect(rewiredNetwork(original, 7)).toEqual(rewired);
  });

  test('the configuration model keeps each degree but for the self-loops and repeats it drops', () => {
    const original = random(0.1, 3);
    const drawn = configurationNetwork(original, 5);
    const [wantOut, wantIn] = JSON.parse(degrees(original)) as [number[], number[]];
    const [gotOut, gotIn] = JSON.parse(degrees(drawn)) as [number[], number[]];
    gotOut.forEach((degree, index) => expect(degree).toBeLessThanOrEqual(wantOut[index] as number));
    gotIn.forEach((degree, index) => expect(degree).toBeLessThanOrEqual(wantIn[index] as number));
    expect(drawn.edges.length).toBeGreaterThan(0.9 * original.edges.length);
  });

  test('a subgraph is the network among the people drawn, no more and no fewer', () => {
    const original = random(0.2, 4);
    const piece = subgraphNetwork(original, 25, 9);
    expect(piece.people).toHaveLength(25);
    const kept = new Set(piece.people);
    const expected = original.edges.filter(([from, to]) => kept.has(from) && kept.has(to));
    expect(piece.edges).toEqual(expected);
    expect(subgraphNetwork(original, 100, 9)).toBe(original);
  });

  test("planted structure stands out of its nulls; chance's does not", () => {
    // The ring's clustering (0.6) and reciprocity (1) are structure: its rewirings keep the degrees and lose both.
    const planted = ring();
    const [row] = compareWithReference({ source: 'ring', network: planted }, [{ source: 'run', network: planted }]).rows.filter((each) => each.measure === 'clustering');
    expect(row?.mean).toBeCloseTo(0.6, 6);
    expect(row?.rewired[1]).toBeLessThan(0.3);
    expect(row?.configuration[1]).toBeLessThan(0.3);
    // A random network's clustering (about 0.1, its density) lies within its nulls' range.
    const chance = random(0.1, 11);
    const rows = compareWithReference({ source: 'ring', network: planted }, [{ source: 'run', network: chance }]).rows;
    const clustering = rows.find((each) => each.measure === 'clustering');
    expect(clustering?.mean).toBeGreaterThanOrEqual((clustering?.rewired[0] ?? 1) - 0.02);
    expect(clustering?.mean).toBeLessThanOrEqual((clustering?.rewired[1] ?? 0) + 0.02);
  });
});
