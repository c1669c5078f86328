import { describe, expect, test } from 'vitest';
import { seededRandom } from '../../src/random/seeded-random.js';
import { countTriangles } from '../../src/reference/triangles.js';

/** An undirected graph as each person's set of neighbours, from its edges. */
function graph(people: number, edges: ReadonlyArray<readonly [number, number]>): Array<Set<number>> {
  const neighbours = Array.from({ length: people }, () => new Set<number>());
  for (const [a, b] of edges) {
    neighbours[a]?.add(b);
    neighbours[b]?.add(a);
  }
  return neighbours;
}

function edgeCount(neighbours: ReadonlyArray<ReadonlySet<number>>): number {
  return neighbours.reduce((sum, around) => sum + around.size, 0) / 2;
}

/** The count by its definition: every three people, closed when all three pairs are neighbours. */
function bruteForce(neighbours: ReadonlyArray<ReadonlySet<number>>): { atPerson: number[]; total: number } {
  const atPerson = new Array<number>(neighbours.length).fill(0);
  let total = 0;
  for (let a = 0; a < neighbours.length; a += 1) {
    for (let b = a + 1; b < neighbours.length; b += 1) {
      if (!neighbours[a]?.has(b)) continue;
      for (let c = b + 1; c < neighbours.length; c += 1) {
        if (!neighbours[a]?.has(c) || !neighbours[b]?.has(c)) continue;
        total += 1;
        for (const corner of [a, b, c]) atPerson[corner] = (atPerson[corner] ?? 0) + 1;
      }
    }
  }
  return { atPerson, total };
}

/** A random graph: each pair a neighbour with the same chance, drawn from a seed. */
function randomGraph(seed: number): Array<Set<number>> {
  const random = seededRandom(seed);
  const people = 1 + Math.floor(random() * 40);
  const chance = random();
  const edges: Array<[number, number]> = [];
  for (let a = 0; a < people; a += 1) for (let b = a + 1; b < people; b += 1) if (random() < chance) edges.push([a, b]);
  return graph(people, edges);
}

describe('triangles', () => {
  test('a star of 30,000 people is counted in steps linear in its edges (the old count checked 449,985,000 pairs of the centre)', () => {
    const leaves = 30_000;
    const star = graph(leaves + 1, Array.from({ length: leaves }, (_, leaf): [number, number] => [0, leaf + 1]));
    const count = countTriangles(star);
    expect(count.total).toBe(0);
    expect(count.atPerson.every((corners) => corners === 0)).toBe(true);
    expect(count.steps).toBeLessThanOrEqual(2 * leaves);
  });

  test("300 random graphs: each person's count equals the count by definition, in at most 2·m·√(2m) steps", () => {
    for (let seed = 1; seed <= 300; seed += 1) {
      const neighbours = randomGraph(seed);
      const count = countTriangles(neighbours);
      const expected = bruteForce(neighbours);
      expect({ seed, atPerson: count.atPerson, total: count.total }).toEqual({ seed, ...expected });
      const edges = edgeCount(neighbours);
      expect(count.steps, `seed ${seed}`).toBeLessThanOrEqual(edges + 2 * edges * Math.sqrt(2 * edges));
    }
  });

  test('a clique of 60 and a star of 5,000 hung on one of its people: every triangle of the clique, few steps for the star', () => {
    const clique = 60;
    const leaves = 5_000;
    const edges: Array<[number, number]> = [];
    for (let a = 0; a < clique; a += 1) for (let b = a + 1; b < clique; b += 1) edges.push([a, b]);
    for (let leaf = 0; leaf < leaves; leaf += 1) edges.push([0, clique + leaf]);
    const count = countTriangles(graph(clique + leaves, edges));
    const cliqueTriangles = (clique * (clique - 1) * (clique - 2)) / 6;
    expect(count.total).toBe(cliqueTriangles);
    expect(count.atPerson[0]).toBe(((clique - 1) * (clique - 2)) / 2);
    expect(count.atPerson[clique]).toBe(0);
    // The clique's own work (each of its 1,770 edges merging two lists of at most 59) and one step a leaf.
    expect(count.steps).toBeLessThanOrEqual(edges.length + 1_770 * 2 * 59);
  });
});
