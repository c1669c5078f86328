import { renderProvenance } from '../provenance/report-provenance.js';
import { formatCount } from '../format/format.js';
import { NULL_DRAWS, type ReferenceComparison } from './compare-reference.js';
import { alikeWords } from '../statistics/runs-interval.js';

/** A measure's value as a report shows it: three decimals, the figures a reader compares. */
function figure(value: number): string {
  return Number.isFinite(value) ? value.toFixed(3) : '–';
}

/** A measure's verdict against the chart's null, with its adjusted p. */
function againstChart(row: ReferenceComparison['rows'][number]): string {
  if (row.againstChart === undefined) return '–';
  if (row.againstChart === 'kept') return 'kept by it';
  const q = row.chartQ === undefined ? '' : row.chartQ < 0.001 ? ' (q < 0.001)' : ` (q = ${row.chartQ.toFixed(3)})`;
  return `${row.againstChart}${q}`;
}

/**
 * The department mixing matrix, a row a department: the share of all edges its people send, and the
 * share of those that stay inside it, real beside the runs' mean (the whole matrix is in --json).
 */
function mixingLines(mixing: NonNullable<ReferenceComparison['mixing']>): string[] {
  const lines = [
    '## Department mixing',
    '',
    'Each department\'s row of the mixing matrix (the share of all edges from department i to department j), summed: the share of all edges its people send, and how much of that stays inside it. The distance in the table above is half the summed gap between the two whole matrices (`--json` holds them).',
    '',
    '| department | real: share of edges sent | real: of them inside | simulated: share of edges sent | simulated: of them inside |',
    '|---|---:|---:|---:|---:|',
  ];
  const percent = (value: number): string => (Number.isFinite(value) ? `${(100 * value).toFixed(1)}%` : '–');
  mixing.real.departments.forEach((department, row) => {
    const real = mixing.real.shares[row] ?? [];
    const simulated = mixing.simulated.shares[row] ?? [];
    const sent = (cells: number[]): number => cells.reduce((sum, share) => sum + share, 0);
    const inside = (cells: number[]): number => (sent(cells) === 0 ? NaN : (cells[row] ?? 0) / sent(cells));
    lines.push(`| ${department} | ${percent(sent(real))} | ${percent(inside(real))} | ${percent(sent(simulated))} | ${percent(inside(simulated))} |`);
  });
  return lines;
}

/** The real pieces column's heading: the pieces' size, or none where a piece that large is the whole real network. */
function piecesHeading(comparison: ReferenceComparison): string {
  return comparison.piecesAreWhole ? 'real, pieces' : `real, ${formatCount(comparison.subgraphSize)}-person pieces`;
}

/** What the real pieces column is, for the reading under the table. */
function piecesWords(comparison: ReferenceComparison): string {
  if (comparison.piecesAreWhole) {
    return `**real pieces** would be random subgraphs of the real network as large as the runs, the institution's own variability at the simulation's size, but the real network has ${formatCount(comparison.reference.people)} people, no more than the runs' ${formatCount(comparison.subgraphSize)}: a piece of it that large is all of it, whose figures are the real column, so the pieces give no range (compare a run of a smaller piece, \`lemming import-network --people N\`, against pieces of its size)`;
  }
  return `**real pieces** are random ${formatCount(comparison.subgraphSize)}-person subgraphs of the real network, the institution's own variability at the simulation's size (a simulated figure inside that range is as close as a piece of the real institution comes)`;
}

/**
 * The comparison as markdown (`lemming analyze --reference`): what was compared, then a row per
 * measure with the real value, the runs' mean and its 95% interval, then each run's values. Pure.
 */
export function renderReference(comparison: ReferenceComparison): string {
  const { reference, runs, rows, windows } = comparison;
  const charted = rows.some((row) => row.chart !== undefined);
  const departments = reference.departments === null ? '' : `, ${formatCount(reference.departments)} departments (${reference.labels ?? ''})`;
  const lines = [
    '# Compared with a real network',
    '',
    `Real: ${reference.source}: ${formatCount(reference.people)} people, ${formatCount(reference.edges)} directed edges between them (${formatCount(reference.selfLoops)} self-loop(s) left out)${departments}; ${formatCount(reference.triangles)} triangles.`,
    `Simulated: ${runs.length === 1 ? 'one run' : `${runs.length} runs`}, an edge for each sender and recipient with at least one message between two agents (the human left out), as the real data has an edge for each pair who wrote at least once.`,
    '',
    `| measure | real | simulated mean | 95% interval${runs.length === 1 ? ' (one run: none)' : ''} | ${piecesHeading(comparison)} |${windows === undefined ? '' : ` real, ${formatCount(windows.days)}-day windows |`} simulated, rewired | simulated, configuration model |${charted ? ' simulated, chart-constrained | against the chart |' : ''}`,
    `|---|---:|---:|---|---|${windows === undefined ? '' : '---|'}---|---|${charted ? '---|---|' : ''}`,
  ];
  const range = (pair: [number, number] | undefined): string => (pair === undefined || !pair.every(Number.isFinite) ? '–' : `[${figure(pair[0])}, ${figure(pair[1])}]`);
  for (const row of rows) lines.push(`| ${row.label} | ${figure(row.real)} | ${figure(row.mean)} | ${row.interval.every(Number.isFinite) ? range(row.interval) : row.alike ? alikeWords(row.runs.length) : '–'} | ${range(row.subgraphs)} |${windows === undefined ? '' : ` ${range(row.windows)} |`} ${range(row.rewired)} | ${range(row.configuration)} |${charted ? ` ${range(row.chart)} | ${againstChart(row)} |` : ''}`);
  lines.push(
    '',
    `Read each figure against its nulls (the middle 95% of ${NULL_DRAWS} draws each): ${piecesWords(comparison)}; **rewired** and **configuration model** are the simulated networks with every person's number of contacts kept and everything else left to chance: clustering or reciprocity above their range is structure the degrees alone do not give.${charted ? " **chart-constrained** keeps each sender's number of contacts too, but draws them only among those the run's chart lets the sender write to: what the chart alone gives. A figure above the rewired range and inside this one is the chart's doing, not the agents'; **against the chart** says whether the runs' mean stands above or below that null (its p adjusted across the measures by Benjamini–Hochberg, q < 0.05: at most 5 % of the measures so called are expected to be wrongly so), within it, or is kept by it (each sender's contacts fix it)." : ' The runs have no chart to draw a chart-constrained null from.'} The interval over runs is a t interval, the run the unit; runs that repeat each other exactly show no spread to build one from: a share's interval is then the Wilson interval of the runs as trials, and edges per person, which has no upper bound, has none (an interval of no width would say the figure is known).`,
  );
  if (comparison.warnings.length > 0) lines.push('', ...comparison.warnings);
  if (windows !== undefined) {
    lines.push(
      '',
      `**Real windows** are ${formatCount(windows.count)} stretches of ${formatCount(windows.days)} days of the institution's email (${windows.file}: ${formatCount(windows.emails)} emails among ${formatCount(windows.people)} people over ${formatCount(Math.round(windows.spanDays))} days), starting at seeded random times: what the institution's own network looks like over as long as a run stands for. A window's network has everyone of the file, and an edge for each pair with an email in the window; the KS statistics compare its degrees with the whole network's. The file names no departments, so the department rows have no window range.`,
    );
  }
  if (!rows.some((row) => row.measure === 'insideDepartments')) lines.push('', 'No department share: give the real network\'s departments with --labels.');
  lines.push('', 'A KS statistic is the largest gap between the two distributions of degrees: 0 the same, 1 no overlap.');
  if (comparison.mixing !== undefined) lines.push('', ...mixingLines(comparison.mixing));
  lines.push('', '## Each run', '');
  lines.push(`| run | people | edges | ${rows.map((row) => row.measure).join(' | ')} |`, `|---|---:|---:|${rows.map(() => '---:').join('|')}|`);
  runs.forEach((run, index) => {
    lines.push(`| ${run.source} | ${formatCount(run.people)} | ${formatCount(run.edges)} | ${rows.map((row) => figure(row.runs[index] ?? NaN)).join(' | ')} |`);
  });
  if (comparison.provenance) lines.push('', ...renderProvenance(comparison.provenance).slice(0, -1));
  return `${lines.join('\n')}\n`;
}
