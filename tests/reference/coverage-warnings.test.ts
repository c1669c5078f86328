import { describe, expect, test } from 'vitest';
import { compareWithReference, runsInterval } from '../../src/reference/compare-reference.js';
import type { DirectedNetwork } from '../../src/reference/directed-network.js';
import { networkMeasures } from '../../src/reference/network-measures.js';
import { coverageWarnings } from '../../src/reference/coverage-warnings.js';
import { expectedOverRuns, randomDirectedNetwork, runChance } from '../../src/reference/random-networks.js';
import { renderReference } from '../../src/reference/render-reference.js';
import { seededRandom } from '../../src/random/seeded-random.js';

describe('analyze --reference says where its interval over runs covers short', () => {
  test('one run, runs that repeat each other, and a share near 0 skewed over runs each have their warning; spread runs away from a bound have none', () => {
    expect(coverageWarnings([{ measure: 'reciprocity', runs: [0.4] }], 1)).toEqual(['Warning: one run gives no interval: how far another repeat would fall is unknown; compare repeats (--runs) to have one.']);
    expect(coverageWarnings([{ measure: 'reciprocity', runs: [0.4, 0.4, 0.4] }], 3)[0]).toContain('the runs repeat each other exactly on reciprocity');
    // The share who never write as simulation draws it: near 0 in most runs, a fifth in one.
    const [skewed] = coverageWarnings([{ measure: 'neverWrite', runs: [0, 0.01, 0, 0.2, 0.02] }], 5);
    expect(skewed).toContain('neverWrite: the runs lie near what the measure can be');
    expect(skewed).toContain('78 % at 5');
    // Spread runs away from a bound, none apart: only what 5 runs cannot show; 30 runs like them, nothing.
    const spread = [0.41, 0.38, 0.45, 0.4, 0.43];
    expect(coverageWarnings([{ measure: 'reciprocity', runs: spread }, { measure: 'edgesPerPerson', runs: [5.2, 6.1, 5.8, 4.9, 5] }], 5)).toEqual([
      'Warning: 5 runs cannot show a kind of run none of them happens to be: where one run in five collapses (an agent never acts), 5 runs hold none in 33 % of studies, and in simulation the interval over 5 runs held the truth in 80 % (clustering) and 81 % (edges per person), over 10 in 89 %, over 20 in 93 %. Where runs can fail in kind, repeat more (--runs of 30 or more) and read each run\'s value below.',
    ]);
    expect(coverageWarnings([{ measure: 'reciprocity', runs: [...spread, ...spread, ...spread, ...spread, ...spread, ...spread] }], 30)).toEqual([]);
    // A run that collapsed among runs alike: said by its place.
    const [apart] = coverageWarnings([{ measure: 'edgesPerPerson', runs: [5.2, 6.1, 5.8, 0.4, 5] }], 5);
    expect(apart).toContain('run 4 on edgesPerPerson lies apart from the other runs');
  });

  test('where one run in five collapses, a study of 5 runs misses the truth more often than it says, and every miss prints a warning', () => {
    // Runs of G(30, p), each run's p = 0.2 moved by up to 25 % of itself; one run in five collapses: an agent everyone's
    // work passes through never acts, and the run writes nothing. The truth is the expectation over such runs.
    const expected = expectedOverRuns(30, 0.2, 0.25);
    const truth = { clustering: 0.8 * expected.clustering, edgesPerPerson: 0.8 * expected.edgesPerPerson };
    const next = seededRandom(7);
    const run = (): { collapsed: boolean; network: DirectedNetwork } => {
      const collapsed = next() < 0.2;
      const network = randomDirectedNetwork(30, runChance(0.2, 0.25, next()), next);
      return { collapsed, network: collapsed ? { ...network, edges: [] } : network };
    };
    // 300 studies: at 95 % coverage, 90 % or less (30 misses) would come up in under 1 % of such sets.
    const studies = 300;
    let missed = 0;
    let warned = 0;
    let apartWhereCollapsed = 0;
    let withCollapse = 0;
    let apartWhereNone = 0;
    let withNone = 0;
    for (let study = 0; study < studies; study += 1) {
      const runs = Array.from({ length: 5 }, run);
      const values = runs.map(({ network }) => networkMeasures(network));
      const rows = [
        { measure: 'clustering' as const, runs: values.map((measures) => measures.clustering) },
        { measure: 'edgesPerPerson' as const, runs: values.map((measures) => measures.edges / measures.people) },
      ];
      const warnings = coverageWarnings(rows, 5);
      const miss = rows.some((row) => {
        const [low, high] = runsInterval(row.measure, row.runs);
        return !(low <= truth[row.measure] && truth[row.measure] <= high);
      });
      if (miss) {
        missed += 1;
        if (warnings.length > 0) warned += 1;
      }
      const apart = warnings.some((line) => / lies? apart from the other runs/.test(line));
      const collapsed = runs.filter((each) => each.collapsed).length;
      if (collapsed === 1) {
        withCollapse += 1;
        if (apart) apartWhereCollapsed += 1;
      }
      if (collapsed === 0) {
        withNone += 1;
        if (apart) apartWhereNone += 1;
      }
    }
    expect(missed / studies).toBeGreaterThan(0.1);
    expect(warned).toBe(missed);
    // One collapsed run among four that did not: the warning names it in most such studies (71 % here: its clustering
    // stands apart, its edges per person less so against runs this spread), and runs alike in kind seldom trip it.
    expect(apartWhereCollapsed / withCollapse).toBeGreaterThan(0.65);
    expect(apartWhereNone / withNone).toBeLessThan(0.1);
  });

  test('the report and its JSON carry the warning lines', () => {
    const next = seededRandom(3);
    const real = randomDirectedNetwork(20, 0.2, next);
    const runs = [0.3, 0.06].map((chance, index) => ({ source: `run${index}`, network: randomDirectedNetwork(20, chance, next) }));
    const comparison = compareWithReference({ source: 'real.txt', network: real }, runs);
    expect(comparison.warnings.some((line) => line.includes('neverWrite'))).toBe(true);
    for (const line of comparison.warnings) expect(renderReference(comparison)).toContain(line);
  });
});
