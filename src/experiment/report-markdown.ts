/** How the experiment report writes its markdown: numbers, intervals, tables and headings. Pure. */

/** A number as the report prints it: at most four significant digits. */
export function figure(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  return Number.isInteger(value) ? String(value) : Number(value.toPrecision(4)).toString();
}

/** An interval as the report prints it, `[low, high]`, or `–` when there is none; one cut at what its figure can be says so: `[0.4772, 1] (cut at 1)`. */
export function interval(pair: readonly [number, number] | null | undefined, cutAt?: readonly number[]): string {
  if (!pair || !pair.every(Number.isFinite)) return '–';
  return `[${figure(pair[0])}, ${figure(pair[1])}]${cutAt === undefined || cutAt.length === 0 ? '' : ` (cut at ${cutAt.join(' and ')})`}`;
}

/** A markdown table: the header, its rule, a line a row. */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string[] {
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((row) => `| ${row.join(' | ')} |`)];
}

/** A text (a survey question) as a heading or a cell: on one line, with no `|` to break a table. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/\|/g, '/');
}
