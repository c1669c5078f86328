import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { lemmingAsync } from '../helpers/cli.js';
import { readCsvFolder } from '../helpers/read-csv.js';
import { defaultOrg } from '../helpers/temp-org.js';

/**
 * A `--csv` folder holds one report's tables and the dictionary that describes them. Writing a
 * second report into a folder that held a first used to leave the first's tables its new
 * dictionary.csv does not describe (a survey.csv of another study, read as this one's), and wrote
 * over a file of the person's that had a table's name. Now lemming's own earlier tables go, the
 * person's other files stay, and a person's file in a table's place is refused before anything is
 * written, naming it.
 */

const study = (name: string, survey: boolean): string => `name: ${name}
turns: 8
repeats: 2
messages:
  - to: manager
    subject: Release notes
    body: Please get the release notes for version 2 written and checked.
${survey ? `survey:
  - question: How busy are you, from 1 to 5?
    number: true
` : ''}variants:
  - name: baseline
`;

describe('a --csv folder that is not empty', () => {
  test("a second study's tables replace the first's: no table of the first is left that the dictionary does not describe; other files stay", { timeout: 300_000 }, async () => {
    const root = defaultOrg();
    writeFileSync(join(root, 'asked.yaml'), study('asked', true));
    writeFileSync(join(root, 'plain.yaml'), study('plain', false));
    const tables = join(root, 'tables');
    mkdirSync(tables);
    writeFileSync(join(tables, 'notes.txt'), 'my notes\n');
    writeFileSync(join(tables, 'mine.csv'), 'a,b\r\n1,2\r\n');

    const first = await lemmingAsync(root, ['experiment', join(root, 'asked.yaml'), '--csv', tables]);
    expect(first.status, first.stderr).toBe(0);
    expect(existsSync(join(tables, 'survey.csv'))).toBe(true);

    const second = await lemmingAsync(root, ['experiment', join(root, 'plain.yaml'), '--csv', tables]);
    expect(second.status, second.stderr).toBe(0);
    expect(readdirSync(tables).sort()).toEqual(['activation.csv', 'dictionary.csv', 'metrics.csv', 'mine.csv', 'notes.txt', 'provenance.csv', 'reach.csv', 'runs.csv', 'variants.csv']);
    expect(readFileSync(join(tables, 'notes.txt'), 'utf8')).toBe('my notes\n');
    expect(readFileSync(join(tables, 'mine.csv'), 'utf8')).toBe('a,b\r\n1,2\r\n');
    // Every table lemming left is the second study's and described by its dictionary.
    const files = readCsvFolder(tables);
    expect([...new Set(files['dictionary.csv']?.slice(1).map((row) => row[0]))].sort()).toEqual(['activation', 'metrics', 'provenance', 'reach', 'runs', 'variants']);
    expect(files['runs.csv']?.slice(1).map((row) => row[0])).toEqual(['baseline-r1', 'baseline-r2']);
  });

  test("a file of the person's with a table's name is refused before any table is written, named, and kept", { timeout: 300_000 }, async () => {
    const root = defaultOrg();
    writeFileSync(join(root, 'plain.yaml'), study('plain', false));
    const tables = join(root, 'tables');
    mkdirSync(tables);
    writeFileSync(join(tables, 'runs.csv'), 'my,own\r\n1,2\r\n');

    const result = await lemmingAsync(root, ['experiment', join(root, 'plain.yaml'), '--csv', tables]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`${join(tables, 'runs.csv')}: not a table lemming wrote (no dictionary.csv of lemming's beside it lists it)`);
    expect(result.stderr).toContain('pass --csv a new or empty folder');
    expect(readFileSync(join(tables, 'runs.csv'), 'utf8')).toBe('my,own\r\n1,2\r\n');
    expect(readdirSync(tables)).toEqual(['runs.csv']);
    // The runs and the report are done; only the tables wait for a folder.
    expect(existsSync(join(root, 'experiments/plain/report.md'))).toBe(true);
  });

  test('a --csv that names a file is refused in one line naming it, and the file is kept', { timeout: 300_000 }, async () => {
    const root = defaultOrg();
    const file = join(root, 'tables.csv');
    writeFileSync(file, 'mine\r\n');
    const result = await lemmingAsync(root, ['analyze', '--csv', file]);
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toBe(`lemming: ${file}: is a file, not a folder; --csv writes a folder of tables: pass --csv a new or empty folder`);
    expect(readFileSync(file, 'utf8')).toBe('mine\r\n');
  });
});
