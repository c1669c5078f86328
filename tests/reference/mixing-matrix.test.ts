import { describe, expect, test } from 'vitest';
import { compareWithReference } from '../../src/reference/compare-reference.js';
import { directedNetwork, type DirectedNetwork } from '../../src/reference/directed-network.js';
import { mixingCells, mixingDistance, mixingMatrix } from '../../src/reference/mixing-matrix.js';
import { renderReference } from '../../src/reference/render-reference.js';
import { seededRandom } from '../../src/random/seeded-random.js';

/** Four people, departments A (a1, a2) and B (b1, b2); edges a1→a2, a2→a1, a1→b1, b1→b2: the matrix worked by hand. */
function handBuilt(): DirectedNetwork {
  const departments = new Map([['a1', 'A'], ['a2', 'A'], ['b1', 'B'], ['b2', 'B']]);
  return directedNetwork(['a1', 'a2', 'b1', 'b2'], [['a1', 'a2'], ['a2', 'a1'], ['a1', 'b1'], ['b1', 'b2']], departments);
}

/** `size` people (60 unless said) in 4 departments; an edge inside a department with chance `inside`, across with chance `across` (seeded). */
function departmental(inside: number, across: number, seed: number, size = 60): DirectedNetwork {
  const people = Array.from({ length: size }, (_, index) => `p${index}`);
  const departments = new Map(people.map((person, index) => [person, String(index % 4)]));
  const next = seededRandom(seed);
  const pairs: Array<[string, string]> = [];
  for (const from of people) for (const to of people) if (from !== to && next() < (departments.get(from) === departments.get(to) ? inside : across)) pairs.push([from, to]);
  return directedNetwork(people, pairs, departments);
}

describe('the department mixing matrix', () => {
  test('shares of edges from department to department, worked by hand, and the distance between two matrices', () => {
    const matrix = mixingMatrix(handBuilt());
    expect(matrix).toEqual({ departments: ['A', 'B'], shares: [[2 / 4, 1 / 4], [0, 1 / 4]] });
    const cells = mixingCells(handBuilt()) as Map<string, number>;
    // Everything inside A: the gap is B's row and A→B, half of (1/4 + 1/4 + 1/2) = 1/2.
    expect(mixingDistance(cells, new Map([['A\tA', 1]]))).toBeCloseTo(0.5, 12);
    expect(mixingDistance(cells, cells)).toBe(0);
    expect(mixingDistance(new Map([['A\tA', 1]]), new Map([['B\tB', 1]]))).toBe(1);
    expect(mixingMatrix(directedNetwork(['x'], []))).toBeUndefined();
  });

  test('a run over the real departments gets the distance, its null bands and both matrices; planted mixing stands out of its nulls', () => {
    // Twice the runs' size, so the real network has pieces of theirs that are not all of it.
    const real = departmental(0.3, 0.05, 1, 120);
    const run = departmental(0.3, 0.05, 2);
    const assortative = departmental(0.6, 0, 3);
    const comparison = compareWithReference({ source: 'real.txt', network: real }, [
      { source: 'run-1', network: run },
      { source: 'run-2', network: assortative },
    ]);
    const row = comparison.rows.find((each) => each.measure === 'mixingDistance');
    expect(row?.real).toBe(0);
    // Drawn alike, the first run's matrix is near the real one; all inside, the second's is far.
    expect(row?.runs[0]).toBeLessThan(0.1);
    expect(row?.runs[1]).toBeGreaterThan(0.3);
    // Pieces of the real network of the runs' size lie near it: the run drawn alike within their range, the assortative one above it.
    expect(row?.subgraphs[1]).toBeLessThan(0.3);
    expect(row?.runs[0]).toBeLessThanOrEqual(row?.subgraphs[1] ?? -1);
    const inside = comparison.rows.find((each) => each.measure === 'insideDepartments');
    // Every edge of the second run is inside: above what its degrees give by chance (a quarter or so).
    expect(inside?.runs[1]).toBe(1);
    expect(inside?.rewired[1]).toBeLessThan(1);
    expect(comparison.mixing?.real.departments).toEqual(['0', '1', '2', '3']);
    const diagonal = (comparison.mixing?.simulated.shares ?? []).reduce((sum, cells, index) => sum + (cells[index] ?? 0), 0);
    expect(diagonal).toBeCloseTo(((inside?.runs[0] ?? 0) + 1) / 2, 12);
    const text = renderReference(comparison);
    expect(text).toContain('## Department mixing');
    expect(text).toMatch(/\| department mixing \(distance from the real matrix\) \| 0\.000 \|/);
  });

  test('a run whose departments are not the real ones gets no distance and no matrix', () => {
    const real = departmental(0.3, 0.05, 1);
    const other = directedNetwork(['m', 'n'], [['m', 'n']], new Map([['m', 'manager'], ['n', 'manager']]));
    const comparison = compareWithReference({ source: 'real.txt', network: real }, [{ source: 'run', network: other }]);
    expect(comparison.rows.map((row) => row.measure)).not.toContain('mixingDistance');
    expect(comparison.mixing).toBeUndefined();
    expect(renderReference(comparison)).not.toContain('## Department mixing');
  });
});
