import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { lemming, lemmingAsync } from '../helpers/cli.js';
import { readTablesFolder } from '../helpers/read-csv.js';
import { REPO_ROOT } from '../helpers/org-files.js';
import { defaultOrg } from '../helpers/temp-org.js';

/*
 * `--csv DIR` used to write its tables and say nothing of them: the researcher had to look in DIR to
 * learn whether anything was written, and which files. Each command now says in one line, the same
 * for every command, where the tables went and which files it wrote.
 */

const STUDY = `name: brief
turns: 2
repeats: 1
messages:
  - to: manager
    subject: Release notes
    body: Please get the release notes for version 2 written and checked.
variants:
  - name: baseline
`;

/** The lines of standard error that name the tables written. */
const tablesLines = (stderr: string): string[] => stderr.split('\n').filter((line) => line.startsWith('wrote '));

/** The models provenance.csv names in a tables folder: entry, provider and note (no CSV named the model before). */
const modelRows = (folder: string): Array<{ name?: string; provider?: string; note?: string }> =>
  (readTablesFolder(folder).provenance ?? []).filter((row) => row.kind === 'model').map(({ name, provider, note }) => ({ name, provider, note }));
const OFFLINE_ROW = { name: 'offline', provider: 'offline', note: 'offline: rules, not people' };

describe('--csv DIR says where the tables went', () => {
  test('analyze and ask name the folder and each file written, dictionary.csv last; with --json too, on standard error', () => {
    const root = defaultOrg();
    // --csv makes its own folder, not the folders above it (named-destination.ts).
    mkdirSync(join(root, 'tables'));
    const analysis = lemming(root, ['analyze', '--csv', join(root, 'tables/analysis')]);
    expect(analysis.status, analysis.stderr).toBe(0);
    expect(tablesLines(analysis.stderr)).toEqual([`wrote 9 table file(s) to ${root}/tables/analysis/: agents.csv, edges.csv, refusals.csv, reach.csv, activation.csv, requests.csv, mast.csv, provenance.csv, dictionary.csv`]);

    const asked = lemming(root, ['ask', '--all', 'On track?', '--choices', 'yes,no', '--json', '--csv', join(root, 'tables/ask')]);
    expect(asked.status, asked.stderr).toBe(0);
    expect(JSON.parse(asked.stdout)).toHaveProperty('answers');
    expect(tablesLines(asked.stderr)).toEqual([`wrote 4 table file(s) to ${root}/tables/ask/: answers.csv, tally.csv, provenance.csv, dictionary.csv`]);
    expect(modelRows(join(root, 'tables/ask'))).toEqual([OFFLINE_ROW]);
    // Nobody has answered in the org analyze read: no model made its figures, and its provenance.csv names none.
    expect(modelRows(join(root, 'tables/analysis'))).toEqual([]);
  });

  test('calibrate says it in the same words', () => {
    const root = defaultOrg();
    const result = lemming(root, ['calibrate', join(REPO_ROOT, 'data/gss-2018/reference.yaml'), '--csv', join(root, 'tables')]);
    expect(result.status, result.stderr).toBe(0);
    expect(tablesLines(result.stderr)).toEqual([`wrote 4 table file(s) to ${root}/tables/: comparisons.csv, shares.csv, provenance.csv, dictionary.csv`]);
    expect(modelRows(join(root, 'tables'))).toEqual([OFFLINE_ROW]);
  });

  test('experiment says it in the same words, once its report is written', { timeout: 300_000 }, async () => {
    const root = defaultOrg();
    writeFileSync(join(root, 'brief.yaml'), STUDY);
    const result = await lemmingAsync(root, ['experiment', join(root, 'brief.yaml'), '--plain', '--csv', join(root, 'tables')]);
    expect(result.status, result.stderr).toBe(0);
    expect(tablesLines(result.stderr)).toEqual([`wrote 7 table file(s) to ${root}/tables/: runs.csv, variants.csv, metrics.csv, reach.csv, activation.csv, provenance.csv, dictionary.csv`]);
    expect(modelRows(join(root, 'tables'))).toEqual([OFFLINE_ROW]);
  });
});
