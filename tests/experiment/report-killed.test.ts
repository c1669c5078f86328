import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { lemmingAsync } from '../helpers/cli.js';
import { orgWithStudy, runStudy } from '../helpers/short-study.js';
import { tempDir } from '../helpers/temp-org.js';

/*
 * An experiment's report (`report.md`, `report.json`, `report.svg` with its Vega-Lite spec, a plot per
 * metric under `plots/`, the tables a `--csv` folder gets) is written through the write layer: a
 * temporary beside each file, renamed into place. `lemming experiment` killed half-way through one of
 * those writes left the temporary beside the report, and nothing removed it: the org's sweeps look at
 * `org/` and the human's outbox, a run's preparation at the run's own folder. The next `lemming
 * experiment`, which writes the report again, removes them.
 */

/** lemming's temporaries (`.<name>.lemming-<pid>-<thread>-<n>.tmp`) in `folder` and the folders below it, as paths under it. */
function temporaries(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { recursive: true, encoding: 'utf8' }).filter((path) => /(^|\/)\.[^/]+\.lemming-\d+-\d+-\d+\.tmp$/.test(path));
}

/** The files written as the report is, killed half-way through each (LEMMING_STORAGE_FAULT, storage/write-bytes.ts). */
const FILES = ['report.md', 'report.json', 'report.vl.json', 'report.svg', 'plots/'];

describe('lemming experiment killed while it writes its report', () => {
  for (const file of FILES) {
    test(`half-way through ${file}: the temporary it left is removed by the next experiment, which writes the report whole`, { timeout: 120_000 }, async () => {
      const name = `killed-${file.replace(/[^a-z]/g, '')}`;
      const { root, file: study } = orgWithStudy(name, 2);
      const folder = join(root, 'experiments', name);
      const killed = await lemmingAsync(root, ['experiment', study], { LEMMING_STORAGE_FAULT: `${name}/${file}:1:SIGKILL` });
      expect(killed.signal).toBe('SIGKILL');
      expect(temporaries(folder).length).toBeGreaterThan(0);

      await runStudy(root, study, name);
      expect(temporaries(folder)).toEqual([]);
      expect(JSON.parse(readFileSync(join(folder, 'report.json'), 'utf8'))).toMatchObject({ experiment: name });
    });
  }

  test('half-way through a table of --csv: the temporary it left in that folder is removed by the next experiment that writes there', { timeout: 120_000 }, async () => {
    const { root, file: study } = orgWithStudy('killedcsv', 2);
    const csv = join(tempDir(), 'tables');
    const killed = await lemmingAsync(root, ['experiment', study, '--csv', csv], { LEMMING_STORAGE_FAULT: 'tables/runs.csv:1:SIGKILL' });
    expect(killed.signal).toBe('SIGKILL');
    expect(temporaries(csv).length).toBeGreaterThan(0);
    const again = await lemmingAsync(root, ['experiment', study, '--csv', csv]);
    expect(again.status, again.stderr).toBe(0);
    expect(temporaries(csv)).toEqual([]);
    expect(readFileSync(join(csv, 'runs.csv'), 'utf8')).toContain('baseline');
  });
});
