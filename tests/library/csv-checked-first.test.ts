import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ask, runExperiment } from '../../src/library/index.js';
import { orgWithStudy } from '../helpers/short-study.js';
import { defaultOrg, tempDir } from '../helpers/temp-org.js';

/*
 * The library's `csv: DIR` (docs/api.md, "Tables as CSV") is the CLI's `--csv DIR`: its folder must
 * exist. The CLI checks it as the command is parsed; the library checked it only when the tables were
 * written, after an experiment's runs had all run, or a survey's calls had been made and charged. Now
 * each call checks it as it starts, by the one rule.
 */

/** The org's ledger as it stands (its research charges included), or nothing. */
function ledger(root: string): string {
  const path = join(root, 'org/state/ledger.jsonl');
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}

describe('a csv folder in a folder that does not exist', () => {
  test('runExperiment refuses it before any run: nothing is run, no experiments/ folder made', async () => {
    const { root, file } = orgWithStudy('quick', 2);
    const away = tempDir();
    const typo = join(away, 'tabels', 'quick');
    await expect(runExperiment({ file, root, csv: typo })).rejects.toThrow(`the folder ${join(away, 'tabels')} does not exist`);
    expect(existsSync(join(root, 'experiments'))).toBe(false);
    expect(readdirSync(away)).toEqual([]);
  }, 120_000);

  test('ask refuses it before any agent is asked: nothing charged', async () => {
    const root = defaultOrg();
    const before = ledger(root);
    const away = tempDir();
    await expect(ask(root, { to: { agent: 'manager' }, text: 'How busy are you, from 1 to 5?', number: true, csv: join(away, 'tabels', 'ask') })).rejects.toThrow(`the folder ${join(away, 'tabels')} does not exist`);
    expect(ledger(root)).toBe(before);
  });
});
