import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, isAbsolute, join, relative } from 'node:path';
import { workingFolder } from '../invocation.js';
import { EXIT, LemmingError } from '../errors.js';
import { writeFileAtomic } from '../storage/atomic-write.js';
import { sweepTemporaries } from '../storage/temporary-files.js';
import { requireWritableFolder, unwritableFolder } from '../storage/named-destination.js';
import { csvRecords, csvText } from './csv-text.js';
import { column, CREDITS_UNIT, type Cell, type ReportTable, type TableColumn } from './report-table.js';

/** The data dictionary's own file, beside the tables. */
export const DICTIONARY = 'dictionary';

const DICTIONARY_COLUMNS = [
  column('table', 'string', '', 'the table, the file <table>.csv beside this one'),
  column('column', 'string', '', "the column's name, as in that file's header"),
  column('type', 'string', '', 'string, integer, number or boolean (true/false); an empty field is no value (NA)'),
  column('unit', 'string', '', 'the unit of its values; empty when they have none'),
  column('meaning', 'string', '', 'what its values are'),
];

/**
 * A cell as it is written. Credits are written to their billionths, the ledger's unit: a sum or a
 * mean of charges carries float noise below that (0.050422499999999995) which no charge had.
 */
function written(each: TableColumn, cell: Cell): Cell {
  if (each.unit === CREDITS_UNIT && typeof cell === 'number' && Number.isFinite(cell)) return Math.round(cell * 1e9) / 1e9;
  return cell;
}

/** A table's records, the header first: each row's cells in the columns' order, credits to the billionth. A row naming a column the table does not describe, or a fraction in an integer column, is a bug in its builder. */
function records(table: ReportTable): Cell[][] {
  const names = new Set(table.columns.map((each) => each.name));
  return [
    table.columns.map((each) => each.name),
    ...table.rows.map((row) => {
      const stray = Object.keys(row).find((key) => !names.has(key));
      if (stray !== undefined) throw new Error(`table ${table.name}: a row has column ${JSON.stringify(stray)}, which its dictionary does not describe`);
      // The dictionary's type is a promise to the reader (pandas' dtype, R's colClasses): an integer column holds integers.
      const fraction = table.columns.find((each) => each.type === 'integer' && typeof row[each.name] === 'number' && Number.isFinite(row[each.name]) && !Number.isInteger(row[each.name]));
      if (fraction !== undefined) throw new Error(`table ${table.name}: column ${fraction.name} is typed integer, and a row holds ${String(row[fraction.name])}`);
      return table.columns.map((each) => written(each, row[each.name]));
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
 * The tables an earlier write left in `folder`, as its dictionary.csv lists them. A file in the place
 * of one of `tables` (or of the dictionary) that no dictionary of lemming's lists is the person's:
 * refused, before anything is written, so it is never written over.
 */
function earlierTables(folder: string, tables: readonly ReportTable[]): string[] {
  const dictionaryPath = join(folder, `${DICTIONARY}.csv`);
  const refuse = (path: string, why: string): never => {
    throw new LemmingError('csv-folder', `${path}: ${why}; the tables would write over it: pass --csv a new or empty folder, or move the file`, { exitCode: EXIT.usage });
  };
  let listed: string[] = [];
  if (existsSync(dictionaryPath)) {
    const [header, ...rows] = csvRecords(readFileSync(dictionaryPath, 'utf8'));
    if (header?.join(',') !== DICTIONARY_COLUMNS.map((each) => each.name).join(',')) refuse(dictionaryPath, `not a dictionary lemming wrote (its header is not ${DICTIONARY_COLUMNS.map((each) => each.name).join(',')})`);
    listed = [...new Set(rows.map((row) => row[0] ?? ''))].filter((name) => /^[a-z0-9_]+$/.test(name));
  }
  for (const table of tables) {
    const path = join(folder, `${table.name}.csv`);
    if (existsSync(path) && !listed.includes(table.name)) refuse(path, "not a table lemming wrote (no dictionary.csv of lemming's beside it lists it)");
  }
  return listed;
}

/**
 * Write each table as `<folder>/<name>.csv` (RFC 4180, a header row, UTF-8) and `dictionary.csv`
 * describing every column of every table: what `--csv DIR` and the library's `csv` option write.
 * The tables an earlier write left there and this one has not are removed; the folder's other files
 * are left alone. Returns the files written, the dictionary last, and tells `log` (each command's
 * standard error) in one line where they went: the same line for every command with `--csv`.
 */
export function writeTables(folder: string, tables: readonly ReportTable[], log?: (line: string) => void): string[] {
  requireWritableFolder('--csv', folder, 'tables');
  const earlier = earlierTables(folder, tables);
  const written: string[] = [];
  try {
    // Only the last name is made: requireWritableFolder saw the folder above it. (A recursive mkdir spins forever where the folder above refuses new names with ENOENT, as /proc/self does.)
    if (!existsSync(folder)) mkdirSync(folder);
    // The temporaries of a command killed while it wrote tables here (never a person's file: storage/temporary-files.ts).
    sweepTemporaries(folder);
    // The folder holds one report's tables: an earlier report's that this one has not would be read as this one's.
    const names = new Set(tables.map((table) => table.name));
    for (const name of earlier) if (!names.has(name)) rmSync(join(folder, `${name}.csv`), { force: true });
    for (const table of [...tables, dictionaryTable(tables)]) {
      const path = join(folder, `${table.name}.csv`);
      writeFileAtomic(path, csvText(records(table)));
      written.push(path);
    }
  } catch (error) {
    throw unwritableFolder('--csv', folder, 'tables', error);
  }
  log?.(writtenLine(folder, written));
  return written;
}

/** `wrote 3 table file(s) to tables/: answers.csv, tally.csv, dictionary.csv`: the folder as given from the working folder, else in full. */
function writtenLine(folder: string, written: readonly string[]): string {
  const fromHere = relative(workingFolder(), folder);
  const shown = fromHere === '' ? '.' : fromHere.startsWith('..') || isAbsolute(fromHere) ? folder : fromHere;
  return `wrote ${written.length} table file(s) to ${shown}/: ${written.map((path) => basename(path)).join(', ')}`;
}
