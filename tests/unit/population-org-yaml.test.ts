import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { populationOrgYaml } from '../../src/population/population-files.js';

/**
 * An org of generated people (populate, import-network) keeps no history unless asked, whichever way
 * its template's org.yaml turned one on: the built-in templates' flow line, or a block mapping a
 * `--template` folder may hold.
 */
describe("a population's org.yaml", () => {
  const keeps = (text: string): unknown => (parse(text) as { history?: { keep?: unknown } }).history?.keep;

  test("the built-in templates' line is replaced, with the reason above it", () => {
    const out = populationOrgYaml('name: demo\n# keep every turn\nhistory: { keep: true }\nengine:\n  concurrency: 8\n');
    expect(keeps(out)).toBe(false);
    expect(out).toContain("# An org of generated people keeps no history unless asked: each run's first entry would walk every");
    expect(out).toContain('engine:\n  concurrency: 8\n');
  });

  test('a block mapping that keeps one is turned off too, its other settings and comments kept', () => {
    const out = populationOrgYaml('name: demo # the name\nhistory:\n  keep: true\nengine:\n  concurrency: 8\n');
    expect(keeps(out)).toBe(false);
    expect((parse(out) as { engine: { concurrency: number } }).engine.concurrency).toBe(8);
    expect(out).toContain('# the name');
    expect(out).toContain('# An org of generated people keeps no history unless asked');
  });

  test('an org.yaml that keeps none, or says nothing of it, is left as it is', () => {
    for (const text of ['name: demo\nhistory: { keep: false }\n', 'name: demo\n', 'name: demo\nhistory:\n  keep: false\n']) expect(populationOrgYaml(text)).toBe(text);
  });
});
