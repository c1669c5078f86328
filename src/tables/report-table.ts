/**
 * A report's table as a pandas or R user reads it: one row per unit, one column per variable, each
 * column described (its type, unit and meaning) so that the CSV needs nothing of lemming to be read.
 * The reports' own table builders make these; write-tables.ts writes them with their dictionary.
 */

/** How a column's values read: text, a whole number, any number, or true/false. */
export type ColumnType = 'string' | 'integer' | 'number' | 'boolean';

/** One column: its name (the CSV header), its type, its unit (empty when none) and what it means. */
export interface TableColumn {
  name: string;
  type: ColumnType;
  unit: string;
  meaning: string;
}

/** A cell: empty (null or undefined) where the report has no value, read as NA by R and NaN by pandas. */
export type Cell = string | number | boolean | null | undefined;

/** One table: its name (the file is `<name>.csv`), its columns, and its rows keyed by column name. */
export interface ReportTable {
  name: string;
  columns: readonly TableColumn[];
  rows: ReadonlyArray<Readonly<Record<string, Cell>>>;
}

/**
 * The unit of a column of credits. Its cells are written to billionths of a credit, the ledger's
 * unit (write-tables.ts), so a sum of charges reads 0.0504225, not 0.050422499999999995.
 */
export const CREDITS_UNIT = 'credits';

/** A column, written compactly by the tables' builders: `column('credits', 'number', 'credits', 'what the run spent')`. */
export function column(name: string, type: ColumnType, unit: string, meaning: string): TableColumn {
  return { name, type, unit, meaning };
}
