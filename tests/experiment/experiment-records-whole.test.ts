import { existsSync, lstatSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { PREPARED_FILE } from '../../src/experiment/run-bounds.js';
import { lemmingAsync } from '../helpers/cli.js';
import { orgWithStudy, runStudy } from '../helpers/short-study.js';
import { tempDir } from '../helpers/temp-org.js';

/**
 * An experiment's own records (`experiment-prepared.json`, which decides whether a resumed run is
 * made again; `experiment-survey.json`; `report.md`, `report.json` and the charts) go through the write layer,
 * as every other record does: put in place whole by rename, never through a link in their place.
 */
describe("an experiment's records", () => {
  test('report.md, report.json and the chart: a link in their place is replaced, and the files the links named are untouched', { timeout: 120_000 }, async () => {
    const { root, file } = orgWithStudy('linked', 2);
    const folder = join(root, 'experiments', 'linked');
    await runStudy(root, file, 'linked');
    const outside = join(tempDir(), 'notes.txt');
    writeFileSync(outside, 'my own notes\n');
    // Links where the reports were: the next `lemming experiment` writes the reports again.
    for (const name of ['report.md', 'report.json', 'report.svg']) {
      rmSync(join(folder, name));
      symlinkSync(outside, join(folder, name));
    }
    await runStudy(root, file, 'linked');
    expect(readFileSync(outside, 'utf8')).toBe('my own notes\n');
    for (const name of ['report.md', 'report.json', 'report.svg']) expect(lstatSync(join(folder, name)).isFile(), name).toBe(true);
    expect(readFileSync(join(folder, 'report.md'), 'utf8')).toContain('linked');
    expect(JSON.parse(readFileSync(join(folder, 'report.json'), 'utf8'))).toMatchObject({ experiment: 'linked' });
  });

  test('experiment-prepared.json: an experiment killed while writing it leaves none half-written, and the next start makes the run again and finishes', { timeout: 120_000 }, async () => {
    const { root, file } = orgWithStudy('killed', 2);
    const killed = await lemmingAsync(root, ['experiment', file], { LEMMING_STORAGE_FAULT: `${PREPARED_FILE}:1:SIGKILL` });
    expect(killed.signal).toBe('SIGKILL');
    expect(existsSync(join(root, 'experiments', 'killed', 'baseline', PREPARED_FILE))).toBe(false);
    const run = await runStudy(root, file, 'killed');
    expect(JSON.parse(readFileSync(join(run, PREPARED_FILE), 'utf8'))).toMatchObject({ variant: 'baseline' });
  });
});
