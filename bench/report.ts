import type { Results } from './main.js';
import type { Row } from './row.js';
import { showMs } from './stats.js';

const load = (values: number[]) => values.map((value) => value.toFixed(2)).join(' ');

function showFigure(row: Row): string {
  if ('ms' in row.figure) return showMs(row.figure.ms);
  if ('mb' in row.figure) return `${row.figure.mb.toFixed(row.figure.mb < 10 ? 1 : 0)} MB`;
  if ('count' in row.figure) return `${row.figure.count.toLocaleString('en-US')} ${row.figure.unit}`;
  return `${row.figure.ratio.toFixed(2)}× (${row.figure.of})`;
}

/** The figure over the floor, for times with a floor. */
function overFloor(row: Row): string {
  if (!row.floor || !('ms' in row.figure) || row.floor.median <= 0) return '';
  return `${(row.figure.ms.median / row.floor.median).toFixed(1)}×`;
}

function tableRow(row: Row): string {
  const met = row.target ? (row.target.met ? (row.target.guard ? 'held' : 'yes') : row.target.guard ? '**crossed**' : '**no**') : '';
  const cells = [row.what, row.storage ?? '', showFigure(row), row.target?.text ?? '—', met, row.floor ? showMs(row.floor) : '', overFloor(row)];
  return `| ${cells.join(' | ')} |`;
}

/** The results as the markdown committed in bench/results.md. */
export function renderMarkdown(results: Results): string {
  const { machine } = results;
  const lines: string[] = [];
  lines.push(`# lemming benchmark results${results.quick ? ' (--quick)' : ''}`, '');
  lines.push(
    `Machine: ${machine.cores} cores, Node ${machine.node}, ${machine.platform}; load average ${load(machine.loadBefore)} before, ${load(machine.loadAfter)} after; ${machine.date}.`,
    'Each time: median (min–max). "RAM disk" is `/dev/shm`; "disk" is the project\'s disk (`bench/.work/`). The floor is what the same storage (or Node) takes for the same work with no engine, measured in the same run.',
    '',
  );
  for (const [index, section] of results.sections.entries()) {
    lines.push(`## ${index + 1}. ${section.title}`, '', section.about, '');
    if (section.ranApart) lines.push(`Run apart from the others (\`--only\`, merged here): ${section.ranApart.date}; load average ${load(section.ranApart.loadBefore)} before, ${load(section.ranApart.loadAfter)} after.`, '');
    lines.push('| what | on | measured | target | met | floor | × floor |', '| --- | --- | --- | --- | --- | --- | ---: |');
    for (const row of section.rows) lines.push(tableRow(row));
    lines.push('', `(${section.seconds.toFixed(0)} s)`, '');
  }
  lines.push(`The whole benchmark took ${results.seconds.toFixed(0)} s.`, '');
  return lines.join('\n');
}
