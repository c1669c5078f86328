import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { lemming } from '../helpers/cli.js';
import { troubledOrg } from '../helpers/hand-built-org.js';
import { readTablesFolder } from '../helpers/read-csv.js';
import { tempDir } from '../helpers/temp-org.js';

/** What `lemming analyze --reference --json` prints, as far as this test reads it. */
interface ComparisonJson {
  subgraphSize: number;
  rows: Array<{ measure: string; real: number; subgraphs: [number | null, number | null] }>;
}

/** A ring of `people` people, each writing to the next two: every figure is the same in every piece of it this size or larger. */
function ringFile(people: number): string {
  const lines: string[] = [];
  for (let person = 0; person < people; person += 1) lines.push(`${person} ${(person + 1) % people}`, `${person} ${(person + 2) % people}`);
  const file = join(tempDir(), `ring-${people}.txt`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/**
 * The real pieces column of `analyze --reference` is the institution's own variability at the runs'
 * size: random pieces of the real network as large as the runs. A real network with no more people
 * than the runs has no such piece but all of itself, so the column can only repeat the real value,
 * an interval of no width, under a heading that named pieces larger than the network. The org here
 * writes among five agents; a real network of four people is smaller, one of forty larger.
 */
describe('real pieces no smaller than the real network', () => {
  test('a real network smaller than the runs gives no range of pieces, and the report says why, in the text, --json and --csv', () => {
    const org = troubledOrg();
    const small = ringFile(4);
    const json = lemming(org.root, ['analyze', '--reference', small, '--json']);
    expect(json.status, json.stderr).toBe(0);
    const comparison = JSON.parse(json.stdout) as ComparisonJson;
    expect(comparison.rows.length).toBeGreaterThan(0);
    for (const row of comparison.rows) expect(row.subgraphs, row.measure).toEqual([null, null]);

    const text = lemming(org.root, ['analyze', '--reference', small]).stdout;
    expect(text).not.toMatch(/real, 5-person pieces/);
    expect(text).toContain('| real, pieces |');
    // The real edges per person is 2; no cell of the pieces column repeats it as a range.
    expect(text).not.toContain('[2.000, 2.000]');
    expect(text).toContain('the real network has 4 people, no more than the runs\' 5: a piece of it that large is all of it');

    const tables = join(tempDir(), 'tables');
    expect(lemming(org.root, ['analyze', '--reference', small, '--csv', tables]).status).toBe(0);
    const measures = readTablesFolder(tables).measures ?? [];
    expect(measures.length).toBe(comparison.rows.length);
    for (const row of measures) expect([row.subgraphs_low, row.subgraphs_high], row.measure).toEqual(['', '']);
  });

  test('a real network larger than the runs still gives its pieces\' range, under the runs\' size', () => {
    const org = troubledOrg();
    const large = ringFile(40);
    const comparison = JSON.parse(lemming(org.root, ['analyze', '--reference', large, '--json']).stdout) as ComparisonJson;
    expect(comparison.subgraphSize).toBe(5);
    const edges = comparison.rows.find((row) => row.measure === 'edgesPerPerson');
    // Five people drawn from a ring of forty share few of its edges: the pieces' range lies below the whole's 2.
    expect(edges?.subgraphs[0]).toBeLessThan(edges?.subgraphs[1] ?? -1);
    expect(edges?.subgraphs[1]).toBeLessThan(2);
    expect(lemming(org.root, ['analyze', '--reference', large]).stdout).toContain('| real, 5-person pieces |');
  });
});
