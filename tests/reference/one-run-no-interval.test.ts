import { describe, expect, test } from 'vitest';
import { compareWithReference } from '../../src/reference/compare-reference.js';
import { randomDirectedNetwork } from '../../src/reference/random-networks.js';
import { referenceTables } from '../../src/reference/reference-tables.js';
import { renderReference } from '../../src/reference/render-reference.js';
import { seededRandom } from '../../src/random/seeded-random.js';

/**
 * `analyze --reference` of one run: one run shows nothing of how far another would fall, so its
 * interval is none, as every other report's of fewer than two runs (runs-interval.ts), never
 * [its value, its value], which reads as a figure known exactly.
 */
describe('analyze --reference of one run gives no interval of no width', () => {
  test("the report's cell, its table's ci_low and ci_high, and its JSON hold no interval, the run's value beside them", () => {
    const next = seededRandom(3);
    const real = randomDirectedNetwork(30, 0.2, next);
    const run = randomDirectedNetwork(30, 0.2, next);
    const comparison = compareWithReference({ source: 'real.txt', network: real }, [{ source: 'run-1', network: run }]);
    const reciprocity = comparison.rows.find((row) => row.measure === 'reciprocity')!;
    expect(reciprocity.runs).toHaveLength(1);
    expect(reciprocity.mean).toBeGreaterThan(0);
    const value = reciprocity.mean.toFixed(3);
    const line = renderReference(comparison).split('\n').find((each) => each.startsWith('| reciprocity (share of edges returned) |'))!;
    expect(line.split(' | ').slice(1, 4)).toEqual([reciprocity.real.toFixed(3), value, '–']);
    expect(reciprocity.interval.every(Number.isNaN)).toBe(true);
    const measures = referenceTables(comparison).find((table) => table.name === 'measures')!;
    for (const row of measures.rows) {
      expect(Number.isFinite(row.ci_low as number)).toBe(false);
      expect(Number.isFinite(row.ci_high as number)).toBe(false);
    }
    expect(JSON.parse(JSON.stringify(comparison)).rows[0].interval).toEqual([null, null]);
  });
});
