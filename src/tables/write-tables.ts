import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../storage/atomic-write.js';
import { csvText } from './csv-text.js';
import { column, type Cell, type ReportTable } from './report-table.js';

/** The data dictionary's own file, beside the tables. */
export const DICTIONARY = 'dictionary';

const DICTIONARY_COLUMNS = [
  column('table', 'string', '', 'the table, the file <table>.csv beside this one'),
  column('column', 'string', '', "the column's name, as in that file's header"),
  column('type', 'string', '', 'string, integer, number or boolean (true/false); an empty field is no value (NA)'),
  column('unit', 'string', '', 'the unit of its values; empty when they have none'),
  column('meaning', 'string', '', 'what its values are'),
];

/** A table's records, the header first: each row's cells in the columns' order. A row naming a column the table does not describe is a bug in its builder. */
function records(table: ReportTable): Cell[][] {
  const names = new Set(table.columns.map((each) => each.name));
  return [
    table.columns.map((each) => each.name),
    ...table.rows.map((row) => {
      const stray = Object.keys(row).find((key) => !names.has(key));
      if (stray !== undefined) throw new Error(`table ${table.name}: a row has column ${JSON.stringify(stray)}, which its dictionary does not describe`);
      return table.columns.map((each) => row[each.name]);
    }),
  ];
}

/** The dictionary of `tables`: a row per column of each (table, column, type, unit, meaning). Pure. */
export function dictionaryTable(tables: readonly ReportTable[]): ReportTable {
  return {
    name: DICTIONARY,
    columns: DICTIONARY_COLUMNS,
    rows: tables.flatMap((table) => table.columns.map((each) => ({ table: table.name, column: each.name, type: each.type, unit: each.unit, meaning: each.meaning }))),
  };
}

/**
 * Write each table as `<folder>/<name>.csv` (RFC 4180, a header row, UTF-8) and `dictionary.csv`
 * describing every column of every table: what `--csv DIR` and the library's `csv` option write.
 * Returns the files written, the dictionary last.
 */
export function writeTables(folder: string, tables: readonly ReportTable[]): string[] {
  mkdirSync(folder, { recursive: true });
  const written: string[] = [];
  for (const table of [...tables, dictionaryTable(tables)]) {
    const path = join(folder, `${table.name}.csv`);
    writeFileAtomic(path, csvText(records(table)));
    written.push(path);
  }
  return written;
}
