import { column, type ReportTable } from '../tables/report-table.js';
import type { ReferenceComparison } from './compare-reference.js';
import { provenanceTables } from '../provenance/provenance-table.js';

/**
 * `lemming analyze --reference`'s tables: `measures` (one row per measure: the real network's value,
 * the runs' mean and interval, the null models' ranges) and `runs` (one row per run and measure). Pure.
 */
export function referenceTables(comparison: ReferenceComparison): ReportTable[] {
  const range = (name: string, of: string) => [column(`${name}_low`, 'number', "the measure's own", `${of}, lower end (2.5th percentile)`), column(`${name}_high`, 'number', "the measure's own", `${of}, upper end (97.5th percentile)`)];
  return [
    {
      name: 'measures',
      columns: [
        column('measure', 'string', '', "the measure's key"),
        column('label', 'string', '', 'the measure, in words'),
        column('real', 'number', "the measure's own", 'its value in the real network'),
        column('runs', 'integer', 'runs', 'the runs measured (each a repeat, the unit of the interval)'),
        column('mean', 'number', "the measure's own", "the runs' mean"),
        column('ci_low', 'number', "the measure's own", "the runs' mean's 95% t interval, lower end"),
        column('ci_high', 'number', "the measure's own", "the runs' mean's 95% t interval, upper end"),
        ...range('subgraphs', "random subgraphs of the real network of the runs' mean size: the middle 95% (empty when the real network has no more people than that: a piece so large is all of it)"),
        ...range('rewired', "the runs' degree-preserving rewirings: the middle 95%"),
        ...range('configuration', "the runs' configuration models: the middle 95%"),
        column('alike', 'boolean', '', "true when every run gave the same value: the interval is then the Wilson interval of the runs as trials (a share), or empty (edges per person, which has no upper bound); empty otherwise"),
      ],
      rows: comparison.rows.map((row) => ({
        measure: row.measure,
        label: row.label,
        real: row.real,
        runs: row.runs.length,
        mean: row.mean,
        ci_low: row.interval[0],
        ci_high: row.interval[1],
        alike: row.alike,
        subgraphs_low: row.subgraphs[0],
        subgraphs_high: row.subgraphs[1],
        rewired_low: row.rewired[0],
        rewired_high: row.rewired[1],
        configuration_low: row.configuration[0],
        configuration_high: row.configuration[1],
      })),
    },
    {
      name: 'runs',
      columns: [
        column('run', 'string', '', "the run's folder"),
        column('people', 'integer', 'people', 'people in its communication network'),
        column('edges', 'integer', 'edges', 'directed edges (who wrote to whom at least once)'),
        column('measure', 'string', '', "the measure's key"),
        column('value', 'number', "the measure's own", "the run's value"),
      ],
      rows: comparison.runs.flatMap((run, index) => comparison.rows.map((row) => ({ run: run.source, people: run.people, edges: run.edges, measure: row.measure, value: row.runs[index] }))),
    },
    ...provenanceTables(comparison.provenance),
  ];
}
