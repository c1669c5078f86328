import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { csvRecords, csvText } from '../../src/tables/csv-text.js';
import { column, type ReportTable } from '../../src/tables/report-table.js';
import { writeTables } from '../../src/tables/write-tables.js';
import { readCsvFolder, readTablesFolder } from '../helpers/read-csv.js';
import { tempDir } from '../helpers/temp-dirs.js';

const ANSWERS: ReportTable = {
  name: 'answers',
  columns: [column('agent', 'string', '', 'the agent asked'), column('answer', 'string', '', 'what it said'), column('number', 'number', 'points', 'the number read'), column('read', 'boolean', '', 'an answer was read')],
  rows: [
    { agent: 'ana', answer: 'yes, "mostly"\non track', number: 7.5, read: true },
    { agent: 'bo', answer: ' leading space, trailing comma,', number: null, read: false },
    { agent: 'cy', answer: 'naïve – ünïcode\r\nand CRLF', number: Number.NaN },
    { agent: 'di', answer: '', number: -0.001 },
  ],
};

describe('CSV as RFC 4180 writes it', () => {
  test('a field with a comma, a quote, a CR or a LF is quoted, quotes doubled; records end in CRLF; no value is an empty field', () => {
    expect(csvText([['a', 'b,c', 'say "hi"', 'two\nlines', null, undefined, Number.POSITIVE_INFINITY, 3, false]])).toBe('a,"b,c","say ""hi""","two\nlines",,,,3,false\r\n');
  });

  test('csvRecords reads back what csvText wrote, field for field', () => {
    const records = [['a', 'b,c', 'say "hi"', 'two\nlines', '', 'CR\r\nLF'], ['x', '', '', '', '', '']];
    expect(csvRecords(csvText(records))).toEqual(records);
    expect(csvRecords('h1,h2\nv1,v2')).toEqual([['h1', 'h2'], ['v1', 'v2']]);
  });

  test("what writeTables writes, Python's csv module reads back cell for cell, and dictionary.csv describes every column", () => {
    const folder = tempDir();
    const written = writeTables(folder, [ANSWERS, { name: 'tally', columns: [column('choice', 'string', '', 'a choice'), column('count', 'integer', 'agents', 'who chose it')], rows: [{ choice: 'yes', count: 2 }] }]);
    expect(written.map((path) => path.slice(folder.length + 1))).toEqual(['answers.csv', 'tally.csv', 'dictionary.csv']);
    const tables = readTablesFolder(folder);
    expect(tables.answers).toEqual([
      { agent: 'ana', answer: 'yes, "mostly"\non track', number: '7.5', read: 'true' },
      { agent: 'bo', answer: ' leading space, trailing comma,', number: '', read: 'false' },
      { agent: 'cy', answer: 'naïve – ünïcode\r\nand CRLF', number: '', read: '' },
      { agent: 'di', answer: '', number: '-0.001', read: '' },
    ]);
    expect(readCsvFolder(folder)['dictionary.csv']).toEqual([
      ['table', 'column', 'type', 'unit', 'meaning'],
      ['answers', 'agent', 'string', '', 'the agent asked'],
      ['answers', 'answer', 'string', '', 'what it said'],
      ['answers', 'number', 'number', 'points', 'the number read'],
      ['answers', 'read', 'boolean', '', 'an answer was read'],
      ['tally', 'choice', 'string', '', 'a choice'],
      ['tally', 'count', 'integer', 'agents', 'who chose it'],
    ]);
    expect(readFileSync(join(folder, 'tally.csv'), 'utf8')).toBe('choice,count\r\nyes,2\r\n');
  });

  test('a value that is not of its column\'s type is refused, naming the table, the column and the value', () => {
    const fraction: ReportTable = { name: 'runs', columns: [column('wall_ms', 'integer', 'milliseconds', 'wall time')], rows: [{ wall_ms: 654.82 }] };
    expect(() => writeTables(tempDir(), [fraction])).toThrow('table runs: column wall_ms is typed integer, and a row holds 654.82');
  });

  test("a credits cell is written to its billionths, the ledger's unit, whatever the sum that made it: 0.0504225, not 0.050422499999999995", () => {
    const folder = tempDir();
    const spent: ReportTable = {
      name: 'spent',
      columns: [column('agent', 'string', '', 'the agent'), column('credits', 'number', 'credits', 'what it spent'), column('share', 'number', 'proportion (0 to 1)', 'its share')],
      rows: [
        { agent: 'ana', credits: 0.0168075 + 0.0168075 + 0.0168075, share: 0.1 + 0.2 },
        { agent: 'bo', credits: 1 / 3, share: null },
        { agent: 'cy', credits: null },
      ],
    };
    writeTables(folder, [spent]);
    // Only a credits column is rounded: another number keeps every digit it has.
    expect(readFileSync(join(folder, 'spent.csv'), 'utf8')).toBe('agent,credits,share\r\nana,0.0504225,0.30000000000000004\r\nbo,0.333333333,\r\ncy,,\r\n');
  });

  test('a row with a column its table does not describe is refused, naming the table and the column', () => {
    const stray: ReportTable = { name: 'runs', columns: [column('run', 'string', '', 'the run')], rows: [{ run: 'a', credits: 1 }] };
    expect(() => writeTables(tempDir(), [stray])).toThrow('table runs: a row has column "credits", which its dictionary does not describe');
  });
});
