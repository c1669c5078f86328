import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { list } from 'tar';
import { beforeAll, describe, expect, test } from 'vitest';
import { lemming } from '../helpers/cli.js';
import { scratchDir } from '../faults/scratch.js';
import { gitOnHistory, historyEntries, originalRun, runToIdle, seededOrg } from './history-org.js';
import { besidesProgress } from '../helpers/progress-lines.js';

let original = '';
let last = 0;
beforeAll(async () => {
  ({ root: original, last } = await originalRun());
}, 120_000);

/** Each entry's tree id, oldest first: its files, whatever store holds them. */
function entryTrees(root: string): string[] {
  return gitOnHistory(root, ['log', '--reverse', '--format=%T', 'main']).trim().split('\n');
}

async function entriesOf(file: string): Promise<string[]> {
  const paths: string[] = [];
  await list({ file, onReadEntry: (entry) => paths.push(entry.path) });
  return paths;
}

/** Export the original (with `extra` options) and import the archive into a new folder; both must succeed. */
function exportAndImport(extra: string[]): { archive: string; imported: string; exportOut: string; importOut: string } {
  const archive = join(scratchDir('lemming-travel-'), 'org.tar.gz');
  const exported = lemming(original, ['export', ...extra, archive]);
  expect(besidesProgress(exported.stderr)).toBe('');
  expect(exported.status).toBe(0);
  const imported = join(scratchDir('lemming-travel-'), 'moved');
  const made = lemming(imported, ['import', archive]);
  expect(besidesProgress(made.stderr)).toBe('');
  expect(made.status).toBe(0);
  return { archive, imported, exportOut: exported.stdout, importOut: made.stdout };
}

describe('the history travels with export --history', () => {
  test('import restores it: the same entries, the same files at every turn, fork --at works there, and a run there goes on adding to it', async () => {
    expect(last).toBeGreaterThanOrEqual(4);
    const { archive, imported, exportOut, importOut } = exportAndImport(['--history']);
    const count = historyEntries(original).length;
    expect(exportOut).toContain(`with its history: ${count} entries, turns 0 to ${last}`);
    expect(importOut).toContain(`with its history: ${count} entries, turns 0 to ${last}`);
    // The archive carries a bundle, never the store's folder.
    const paths = await entriesOf(archive);
    expect(paths).toContain('lemming-history.bundle');
    expect(paths.filter((path) => path.includes('history.git'))).toEqual([]);

    expect(historyEntries(imported)).toEqual(historyEntries(original));
    // Every entry's files are the same (its tree, by id); `show --at` reads them the same at the first, a middle and the last turn.
    expect(entryTrees(imported)).toEqual(entryTrees(original));
    for (const turn of [0, 2, last]) {
      for (const file of ['org/state/ledger.jsonl', 'agents/manager/resume.md']) {
        const there = lemming(imported, ['show', '--at', String(turn), file]);
        const here = lemming(original, ['show', '--at', String(turn), file]);
        expect(there.status, `${file} at ${turn}`).toBe(here.status);
        expect(there.stdout, `${file} at ${turn}`).toBe(here.stdout);
      }
    }
    const fork = join(scratchDir('lemming-travel-fork-'), 'fork');
    const forked = lemming(fork, ['fork', '--from', imported, '--at', '2']);
    expect(forked.stderr).toBe('');
    expect(forked.status).toBe(0);
    expect((JSON.parse(readFileSync(join(fork, 'org/state/engine.json'), 'utf8')) as { turn: number }).turn).toBe(2);

    // A run in the imported org adds its turns after the restored ones; the first says only what that turn did.
    lemming(imported, ['send', 'manager', 'One more task: write the changelog.', '--subject', 'Changelog']);
    await runToIdle(imported);
    const after = historyEntries(imported);
    expect(after.slice(0, count)).toEqual(historyEntries(original));
    const next = after.slice(count);
    expect(next.map((entry) => `${entry.kind} ${entry.turn}`)[0]).toBe(`edits ${last}`);
    expect(next[0]?.edited.every((path) => path.startsWith('agents/human/outbox/'))).toBe(true);
    const turn = next.find((entry) => entry.kind === 'turn');
    expect(turn?.turn).toBe(last + 1);
    expect(turn?.messages).toEqual({ manager: expect.any(Number) });
  }, 400_000);

  test('an export without --history has none, and the import has none; it says how to carry it', async () => {
    const { archive, imported, exportOut } = exportAndImport([]);
    expect(exportOut).toContain('the history stays here: `lemming export --history` carries it');
    expect((await entriesOf(archive)).filter((path) => path.includes('history'))).toEqual([]);
    expect(existsSync(join(imported, 'org/state/history.git'))).toBe(false);
    const asked = lemming(imported, ['history']);
    expect(asked.status).toBe(1);
    expect(asked.stderr).toContain('this org has no history yet');
  });

  test('export --history of an org without a history is refused, saying to export without it', () => {
    const root = seededOrg();
    const refused = lemming(root, ['export', '--history', join(scratchDir('lemming-travel-'), 'org.tar.gz')]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('this org has no history yet');
    expect(refused.stderr).toContain('or export without --history');
  });

  test('a history holding the value of a secret the org names is not exported', () => {
    const root = seededOrg();
    const key = 'sk-test-0123456789abcdefSECRET';
    // A note an agent wrote with the key in it: an export cuts it from the file, a history cannot be cut.
    const note = join(root, 'agents/planner/memory/keys.md');
    mkdirSync(join(root, 'agents/planner/memory'), { recursive: true });
    writeFileSync(note, `the key is ${key}\n`);
    expect(lemming(root, ['run', '--turns', '1'], { OPENAI_API_KEY: key }).status).toBe(0);
    const archive = join(scratchDir('lemming-travel-'), 'org.tar.gz');
    const refused = lemming(root, ['export', '--history', archive], { OPENAI_API_KEY: key });
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('holds the value of a secret the org names, in agents/planner/memory/keys.md');
    expect(refused.stderr).not.toContain(key);
    expect(existsSync(archive)).toBe(false);
    // Without --history the file travels, cut.
    expect(lemming(root, ['export', archive], { OPENAI_API_KEY: key }).status).toBe(0);
  });
});
