import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { lemmingAsync } from '../helpers/cli.js';
import { readCsvFolder, readTablesFolder } from '../helpers/read-csv.js';
import { defaultOrg } from '../helpers/temp-org.js';

/**
 * dictionary.csv is what a pandas or R user filters by: the values it names for runs.ended must be
 * the values the column holds. It named `max-turns`, which no run ever ends with (a run stopped by
 * its turns ends `turn-cap`), so `runs[runs.ended == "max-turns"]` found nothing.
 */

const STUDY = `name: capped
turns: 4
seed: 11
messages:
  - to: manager
    subject: Release notes
    body: Please get the release notes for version 2 written and checked.
variants:
  - name: baseline
  - name: no-planner
    chart:
      manager: { send_to: [human, hr, janitor] }
`;

describe("runs.csv's dictionary", () => {
  test('names every value runs.ended holds, says what the seed is, and wall_ms is the integer it says', { timeout: 300_000 }, async () => {
    const root = defaultOrg();
    writeFileSync(join(root, 'capped.yaml'), STUDY);
    const tables = join(root, 'tables');
    const result = await lemmingAsync(root, ['experiment', join(root, 'capped.yaml'), '--csv', tables]);
    expect(result.status, result.stderr).toBe(0);
    const runs = readTablesFolder(tables).runs ?? [];
    // The baseline needs 5 turns and is stopped at 4; without the planner the answer comes at 3.
    expect(runs.map((row) => [row.run, row.ended, row.seed])).toEqual([['baseline', 'turn-cap', '11'], ['no-planner', 'idle', '11']]);
    const meaning = (column: string): string => readCsvFolder(tables)['dictionary.csv']?.find((row) => row[0] === 'runs' && row[1] === column)?.[4] ?? '';
    const named = meaning('ended').match(/[a-z][a-z-]+/g) ?? [];
    for (const value of ['idle', 'turn-cap', 'stopped', 'models-failing', 'failed']) expect(named, meaning('ended')).toContain(value);
    expect(meaning('ended')).not.toContain('max-turns');
    expect(meaning('seed')).toContain("the experiment's seed");
    // wall_ms is an integer, as the dictionary types it: a reader that takes it at its word can parse it.
    const typeOf = (column: string): string => readCsvFolder(tables)['dictionary.csv']?.find((row) => row[0] === 'runs' && row[1] === column)?.[2] ?? '';
    expect(typeOf('wall_ms')).toBe('integer');
    for (const row of runs) expect(row.wall_ms).toMatch(/^[0-9]+$/);
  });
});
