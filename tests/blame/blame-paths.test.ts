import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blameRun } from '../../src/blame/blame-run.js';
import { enterCommand } from '../../src/invocation.js';
import type { ProviderRequest } from '../../src/providers/provider.js';
import { tempDir } from '../helpers/temp-org.js';
import { failedRelay, RELAY_CHECK, relayModels } from './relay-org.js';

/*
 * blame's `--out` and `--csv` are paths a person names. `--out` was taken from the process's folder
 * (`resolve`), where `--root`, `calibrate --out` and every path the library is given are taken from
 * the command's working folder (invocation.ts fromWorkingFolder): a command run with a working folder
 * of its own (`main(argv, io)`, as the tests and a program that embeds lemming run it) put the report
 * elsewhere, or refused a folder that exists. The library's `csv:` was checked only when the tables
 * were written, after every fork had run and been paid for; the CLI's `--csv` is checked as it is parsed.
 */

describe("blame's folders", () => {
  it("--out is taken from the command's working folder, as --root is", async () => {
    const root = await failedRelay('seeded');
    const here = tempDir();
    mkdirSync(join(here, 'reports'));
    const leave = enterCommand({ env: process.env, cwd: here });
    try {
      const report = await blameRun(root, { check: RELAY_CHECK, k: 1, controls: 0, dryRun: true, folder: 'reports/relay' });
      expect(report.folder).toBe(join(here, 'reports', 'relay'));
    } finally {
      leave();
    }
  }, 120_000);

  it('a csv folder in a folder that does not exist is refused before any fork is run or paid for', async () => {
    const root = await failedRelay('seeded');
    const away = tempDir();
    const calls: ProviderRequest[] = [];
    const typo = join(away, 'tabels', 'blame');
    await expect(blameRun(root, { check: RELAY_CHECK, k: 1, controls: 0, csv: typo, providerFactory: () => relayModels('seeded', { calls }) })).rejects.toThrow(
      `--csv ${typo}: the folder ${join(away, 'tabels')} does not exist; make it first (mkdir -p ${join(away, 'tabels')}) or give a path in a folder that exists`,
    );
    expect(calls).toHaveLength(0);
    expect(existsSync(join(root, 'blame'))).toBe(false);
  }, 120_000);

  it('an --out folder the system refuses (/proc/self) is refused before any fork is run or paid for, naming the option, the folder and the code', async () => {
    const root = await failedRelay('seeded');
    const calls: ProviderRequest[] = [];
    await expect(blameRun(root, { check: RELAY_CHECK, k: 1, controls: 0, folder: '/proc/self', providerFactory: () => relayModels('seeded', { calls }) })).rejects.toThrow(
      '--out /proc/self: the system refuses to let lemming write its reports there (ENOENT); pass --out a folder you can write, new or one lemming wrote reports into',
    );
    expect(calls).toHaveLength(0);
  }, 120_000);
});
