import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';

/**
 * Every CSV file of `folder`, read by Python's csv module (an RFC 4180 reader lemming does not
 * share): file name to rows, the header first. What a pandas or R user's reader would see.
 */
export function readCsvFolder(folder: string): Record<string, string[][]> {
  const files = readdirSync(folder).filter((name) => name.endsWith('.csv')).sort();
  const script = 'import csv, json, sys\nprint(json.dumps({f: list(csv.reader(open(sys.argv[1] + "/" + f, newline="", encoding="utf-8"), strict=True)) for f in sys.argv[2:]}))';
  const read = spawnSync('python3', ['-c', script, folder, ...files], { encoding: 'utf8' });
  expect(read.stderr, `python3 csv reading ${join(folder, '*.csv')}`).toBe('');
  return JSON.parse(read.stdout) as Record<string, string[][]>;
}

/** The CSVs of a `--csv` folder read back, checked: dictionary.csv describes exactly the columns of every table, in order. */
export function readTablesFolder(folder: string): Record<string, Array<Record<string, string>>> {
  const files = readCsvFolder(folder);
  const dictionary = files['dictionary.csv'];
  expect(dictionary?.[0]).toEqual(['table', 'column', 'type', 'unit', 'meaning']);
  const tables: Record<string, Array<Record<string, string>>> = {};
  for (const [file, rows] of Object.entries(files)) {
    if (file === 'dictionary.csv') continue;
    const name = file.replace(/\.csv$/, '');
    const header = rows[0] ?? [];
    const described = (dictionary ?? []).slice(1).filter((row) => row[0] === name);
    expect(described.map((row) => row[1]), `${file}: the dictionary's columns`).toEqual(header);
    for (const row of described) expect(row[4], `${file} ${row[1]}: its meaning`).not.toBe('');
    for (const row of rows.slice(1)) expect(row.length, `${file}: a row's fields`).toBe(header.length);
    tables[name] = rows.slice(1).map((row) => Object.fromEntries(header.map((column, index) => [column, row[index] ?? ''])));
  }
  const tableNames = new Set((dictionary ?? []).slice(1).map((row) => row[0]));
  expect([...tableNames].sort(), 'the tables the dictionary names').toEqual(Object.keys(tables).sort());
  return tables;
}
