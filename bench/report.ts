import type { Results } from './main.js';
import type { Row, SectionResult } from './row.js';
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
  for (const [index, section] of results.sections.entries()) lines.push(renderSection(section, index + 1));
  lines.push(`${WHOLE_RUN} ${results.seconds.toFixed(0)} s.`, '');
  return lines.join('\n');
}

/** The line that ends the results. */
const WHOLE_RUN = 'The whole benchmark took';

/** One section's heading, text and table, numbered. */
function renderSection(section: SectionResult, number: number): string {
  const lines = [`## ${number}. ${section.title}`, '', section.about, ''];
  if (section.ranApart) lines.push(`Run apart from the others (\`--only … --merge\`): ${section.ranApart.date}; load average ${load(section.ranApart.loadBefore)} before, ${load(section.ranApart.loadAfter)} after.`, '');
  lines.push('| what | on | measured | target | met | floor | × floor |', '| --- | --- | --- | --- | --- | --- | ---: |');
  for (const row of section.rows) lines.push(tableRow(row));
  lines.push('', `(${section.seconds.toFixed(0)} s)`, '');
  return lines.join('\n');
}

/**
 * The committed results' markdown with `section` in place of the section of the same title (its
 * heading down to its table's closing `(N s)` line), or added before the closing line when it has
 * none. The notes written under a section, after that line, stay: those of the section replaced
 * as well as those around it.
 */
export function mergeSection(markdown: string, section: SectionResult): string {
  const lines = markdown.split('\n');
  const heading = /^## (\d+)\. (.*)$/;
  const at = lines.findIndex((line) => heading.exec(line)?.[2] === section.title);
  const numbers = lines.flatMap((line) => (heading.test(line) ? [Number(heading.exec(line)?.[1])] : []));
  if (at >= 0) {
    const found = lines.findIndex((line, index) => index > at && (heading.test(line) || line.startsWith(WHOLE_RUN)));
    const next = found < 0 ? lines.length : found;
    const seconds = lines.slice(at, next).findLastIndex((line) => /^\(\d+ s\)$/.test(line));
    // The rendered section ends with the blank line after `(N s)`: the notes start after the old one's.
    const notes = seconds < 0 ? [] : lines.slice(at + seconds + 2, next);
    const number = Number(heading.exec(lines[at] as string)?.[1]);
    return [...lines.slice(0, at), renderSection(section, number), ...notes, ...lines.slice(next)].join('\n');
  }
  const closing = lines.findIndex((line) => line.startsWith(WHOLE_RUN));
  const end = closing < 0 ? lines.length : closing;
  return [...lines.slice(0, end), renderSection(section, Math.max(0, ...numbers) + 1), ...lines.slice(end)].join('\n');
}
