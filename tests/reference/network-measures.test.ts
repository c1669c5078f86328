import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { compareWithReference } from '../../src/reference/compare-reference.js';
import { directedNetwork } from '../../src/reference/directed-network.js';
import { parseDepartmentLabels, parseEdgeList } from '../../src/reference/edge-list.js';
import { ksStatistic, networkMeasures } from '../../src/reference/network-measures.js';
import { realNetwork } from '../../src/reference/read-networks.js';
import { REPO_ROOT } from '../helpers/org-files.js';

/*
 * The measures of a network small enough to work out by hand. Four people, departments a (1, 2) and
 * b (3, 4); edges 1→2, 2→1, 1→3, 3→4, 4→3, a self-loop 2→2 and 1→2 written twice.
 */
const TINY = '# four people\n1 2\n2 1\n1 3\n3 4\n4 3\n2 2\n1 2\n';
const LABELS = '1 a\n2 a\n3 b\n4 b\n';

function tiny() {
  const { list, problems } = parseEdgeList(TINY, 'tiny.txt');
  expect(problems).toEqual([]);
  const { labels } = parseDepartmentLabels(LABELS, 'labels.txt');
  return { list, network: directedNetwork(list.nodes, list.edges, labels.departments) };
}

describe('the measures of a network', () => {
  test('a tiny network worked out by hand', () => {
    const { list, network } = tiny();
    expect(list.repeated).toBe(1);
    expect(network.selfLoops).toBe(1);
    const measures = networkMeasures(network);
    expect(measures.edges).toBe(5);
    expect(measures.outDegrees).toEqual([2, 1, 1, 1]);
    expect(measures.inDegrees).toEqual([1, 1, 2, 1]);
    // 1→3 is the one edge not returned; 1→3 the one edge across departments.
    expect(measures.reciprocity).toBeCloseTo(4 / 5, 12);
    expect(measures.insideDepartments).toBeCloseTo(4 / 5, 12);
    // Undirected 1-2, 1-3, 3-4: no triangle, so no clustering.
    expect(measures.clustering).toBe(0);
    expect(measures.triangles).toBe(0);
    expect(measures.neverWrite).toBe(0);
  });

  test('a triangle: each corner closed, the one-neighbour people counting 0 in the average', () => {
    // a→b, b→c, c→a, and d→a: undirected a{b,c,d}, b{a,c}, c{a,b}, d{a}; e alone.
    const network = directedNetwork(['a', 'b', 'c', 'd', 'e'], [['a', 'b'], ['b', 'c'], ['c', 'a'], ['d', 'a']]);
    const measures = networkMeasures(network);
    expect(measures.triangles).toBe(1);
    expect(measures.clustering).toBeCloseTo((1 / 3 + 1 + 1 + 0 + 0) / 5, 12);
    expect(measures.reciprocity).toBe(0);
    expect(measures.neverWrite).toBeCloseTo(1 / 5, 12);
    expect(measures.insideDepartments).toBeUndefined();
  });

  test('the Kolmogorov–Smirnov statistic is the largest gap between the two step functions', () => {
    // x=0: 0 against 2/5; x=1: 3/4 against 2/5; x=2: both 1.
    expect(ksStatistic([1, 1, 1, 2], [0, 0, 2, 2, 2])).toBeCloseTo(0.4, 12);
    expect(ksStatistic([1, 1, 1, 2], [0, 1, 1, 2, 2])).toBeCloseTo(0.2, 12);
    expect(ksStatistic([3, 1, 2], [2, 3, 1])).toBe(0);
    expect(ksStatistic([0, 0], [5, 6])).toBe(1);
  });

  test('runs compared with the reference: the real value, each run, the mean and its interval', () => {
    const { network } = tiny();
    const runOne = directedNetwork(['p', 'q', 'r', 's', 't'], [['p', 'q'], ['q', 'p'], ['q', 'r'], ['r', 'q'], ['p', 's'], ['r', 'p']], new Map([['p', 'x'], ['q', 'x'], ['r', 'x'], ['s', 'x'], ['t', 'x']]));
    const runTwo = directedNetwork(runOne.people, [...runOne.edges, ['s', 'p']], runOne.departments);
    const comparison = compareWithReference({ source: 'tiny.txt', labels: 'labels.txt', network }, [
      { source: 'r1', network: runOne },
      { source: 'r2', network: runTwo },
    ]);
    const row = (measure: string) => comparison.rows.find((candidate) => candidate.measure === measure);
    expect(row('reciprocity')).toMatchObject({ real: 0.8, runs: [4 / 6, 6 / 7] });
    expect(row('reciprocity')?.mean).toBeCloseTo((4 / 6 + 6 / 7) / 2, 12);
    // Two runs, the run the unit: mean ± t(0.975, 1)·|a − b|/2, with t(0.975, 1) = 12.7062.
    // (clamped to 0 to 1, what a share can be).
    expect(row('reciprocity')?.interval[0]).toBeCloseTo(Math.max(0, (4 / 6 + 6 / 7) / 2 - (12.7062 * (6 / 7 - 4 / 6)) / 2), 3);
    expect(row('reciprocity')?.interval[1]).toBeCloseTo(Math.min(1, (4 / 6 + 6 / 7) / 2 + (12.7062 * (6 / 7 - 4 / 6)) / 2), 3);
    // Beside it, the nulls: the real network's 5-person pieces are all of it; the runs rewired keep each degree.
    expect(comparison.subgraphSize).toBe(5);
    expect(row('ksOutDegree')?.rewired).toEqual([0.35, 0.4]);
    expect(row('reciprocity')?.rewired[0]).toBeLessThanOrEqual(row('reciprocity')?.rewired[1] ?? -1);
    // Run two's s→p leaves one person of five who never writes: x=1 is 3/4 against 2/5.
    expect(row('ksOutDegree')?.real).toBe(0);
    expect(row('ksOutDegree')?.runs[0]).toBeCloseTo(0.4, 12);
    expect(row('ksOutDegree')?.runs[1]).toBeCloseTo(0.35, 12);
    expect(row('insideDepartments')).toMatchObject({ real: 0.8, runs: [1, 1] });
    expect(comparison.reference).toMatchObject({ people: 4, edges: 5, selfLoops: 1, departments: 2 });
  });
});

describe('email-Eu-core measured', () => {
  test("the figures SNAP publishes for it: 1,005 people, 105,461 triangles, average clustering 0.3994", () => {
    const { network } = realNetwork(join(REPO_ROOT, 'data/email-eu-core/email-Eu-core.txt'), join(REPO_ROOT, 'data/email-eu-core/email-Eu-core-department-labels.txt'));
    // SNAP counts 25,571 edges, the 642 self-loops among them.
    expect(network.edges.length + network.selfLoops).toBe(25571);
    const measures = networkMeasures(network);
    expect(measures.people).toBe(1005);
    expect(measures.triangles).toBe(105461);
    expect(measures.clustering.toFixed(4)).toBe('0.3994');
    expect(new Set(network.departments?.values()).size).toBe(42);
  });
});

describe('reading an edge list', () => {
  test('every bad line is named with what a valid one looks like', () => {
    const { problems } = parseEdgeList('0 1\n0 1 2\n\n# fine\n0\n0 ö\n', 'edges.txt');
    expect(problems).toEqual([
      { line: 2, message: 'has 3 field(s); a line holds two, the sender and the recipient, separated by a space or a tab, like `0 17`' },
      { line: 5, message: 'has 1 field(s); a line holds two, the sender and the recipient, separated by a space or a tab, like `0 17`' },
      { line: 6, message: 'the recipient "ö" is not an id (letters, digits, "_", "-", "."; at most 64); a valid line looks like `0 17`' },
    ]);
  });

  test('a node labelled twice, and Windows line ends read as lines', () => {
    const { labels, problems } = parseDepartmentLabels('0 1\r\n1 1\r\n0 2\r\n', 'labels.txt');
    expect(labels.departments.get('1')).toBe('1');
    expect(problems).toEqual([{ line: 3, message: 'node 0 is labelled again (department 2; it was 1); each node has one department' }]);
  });
});
