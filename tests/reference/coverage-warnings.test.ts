import { describe, expect, test } from 'vitest';
import { compareWithReference } from '../../src/reference/compare-reference.js';
import { coverageWarnings } from '../../src/reference/coverage-warnings.js';
import { randomDirectedNetwork } from '../../src/reference/random-networks.js';
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
    expect(coverageWarnings([{ measure: 'reciprocity', runs: [0.41, 0.38, 0.45, 0.4, 0.43] }, { measure: 'edgesPerPerson', runs: [5.2, 6.1, 5.8, 1.1, 5] }], 5)).toEqual([]);
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
