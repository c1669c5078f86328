import { formatCount } from '../format/format.js';
import type { ReferenceComparison } from './compare-reference.js';

/** A measure's value as a report shows it: three decimals, the figures a reader compares. */
function figure(value: number): string {
  return Number.isFinite(value) ? value.toFixed(3) : '–';
}

/**
 * The comparison as markdown (`lemming analyze --reference`): what was compared, then a row per
 * measure with the real value, the runs' mean and its 95% interval, then each run's values. Pure.
 */
export function renderReference(comparison: ReferenceComparison): string {
  const { reference, runs, rows } = comparison;
  const departments = reference.departments === null ? '' : `, ${formatCount(reference.departments)} departments (${reference.labels ?? ''})`;
  const lines = [
    '# Compared with a real network',
    '',
    `Real: ${reference.source}: ${formatCount(reference.people)} people, ${formatCount(reference.edges)} directed edges between them (${formatCount(reference.selfLoops)} self-loop(s) left out)${departments}; ${formatCount(reference.triangles)} triangles.`,
    `Simulated: ${runs.length === 1 ? 'one run' : `${runs.length} runs`}, an edge for each sender and recipient with at least one message between two agents (the human left out), as the real data has an edge for each pair who wrote at least once.`,
    '',
    `| measure | real | simulated mean | 95% interval${runs.length === 1 ? ' (one run: none)' : ''} |`,
    '|---|---:|---:|---|',
  ];
  for (const row of rows) lines.push(`| ${row.label} | ${figure(row.real)} | ${figure(row.mean)} | [${figure(row.interval[0])}, ${figure(row.interval[1])}] |`);
  if (!rows.some((row) => row.measure === 'insideDepartments')) lines.push('', 'No department share: give the real network\'s departments with --labels.');
  lines.push('', 'A KS statistic is the largest gap between the two distributions of degrees: 0 the same, 1 no overlap.', '', '## Each run', '');
  lines.push(`| run | people | edges | ${rows.map((row) => row.measure).join(' | ')} |`, `|---|---:|---:|${rows.map(() => '---:').join('|')}|`);
  runs.forEach((run, index) => {
    lines.push(`| ${run.source} | ${formatCount(run.people)} | ${formatCount(run.edges)} | ${rows.map((row) => figure(row.runs[index] ?? NaN)).join(' | ')} |`);
  });
  return `${lines.join('\n')}\n`;
}
