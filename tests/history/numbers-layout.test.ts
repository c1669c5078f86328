import { cpSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadState } from '../../src/engine/record/state-store.js';
import { readKnownFiles } from '../../src/history/known-files-file.js';
import { besidePath } from '../../src/history/stored-path.js';
import { lemming } from '../helpers/cli.js';
import { besideLayout } from '../helpers/beside-layout.js';
import { busyOrg } from '../helpers/busy-org.js';
import { earlierEntry } from '../helpers/earlier-entry.js';
import { setKeepHistory } from '../helpers/org-files.js';
import { scratchDir } from '../faults/scratch.js';
import { gitOnHistory } from './history-org.js';
import { expectHeldOnce, expectMovedOnce, forkedAt, recordedFiles, runQuietly, storedIn } from './layout-org.js';

/*
 * The folder of numbers (src/history/stored-path.ts): a history written by the lemming before it,
 * which kept each numbered file in folders of its number beside it, goes on under this one.
 */
const AGENTS = 3;

const run = runQuietly;

describe('a history written before the folder of numbers', () => {
  test('is carried over by the next entry, once: each file held once where it is kept now, and every earlier turn shows and forks as it was', async () => {
    // Each agent has sent a message in each of the first 30 turns: the outboxes hold numbered files.
    const root = busyOrg(AGENTS, AGENTS * 30);
    setKeepHistory(root, false);
    const snapshots = new Map<number, string>();
    for (const last of [false, true]) {
      await run(root, 2);
      // The earlier lemming's last entry holds the org as this one finds it: no hand edit between.
      if (last) setKeepHistory(root, true);
      const turn = loadState(join(root, 'org/state/engine.json')).turn;
      earlierEntry(root, turn, besideLayout, 4);
      const copy = scratchDir('lemming-numbers-at-');
      cpSync(root, copy, { recursive: true });
      snapshots.set(turn, copy);
    }
    const before = gitOnHistory(root, ['rev-parse', 'main']).trim();
    const message = 'agents/agent_0000/outbox/000012-001-agent_0001.md';
    expect(storedIn(root, before)).toContain(besidePath(message));

    // This lemming, with the history kept.
    await run(root, 2);
    // What it knew of its last entry's files is kept for the next run in today's form, in place of the earlier lemming's JSON.
    const gitDir = join(root, 'org/state/history.git');
    expect(existsSync(join(gitDir, 'lemming-known-files.json'))).toBe(false);
    expect(readKnownFiles(gitDir, gitOnHistory(root, ['rev-parse', 'main']).trim())?.packed().paths).toContain(message);

    // Its last entry holds each file of the org once, where storedPath puts it, and nothing else.
    const stored = expectHeldOnce(root);
    expect(stored).toContain(`~n/0000xx/00001x/${message}`);

    // Moved once: by the first entry of this lemming (blobs by id), and no later entry moves anything.
    expectMovedOnce(root, before, besidePath(message));

    // Every earlier turn's files read back as they were: shown and forked.
    for (const [turn, copy] of snapshots) {
      const files = recordedFiles(copy);
      expect(lemming(root, ['show', '--at', String(turn), message]).stdout, `${message} at ${turn}`).toBe(files.get(message));
      const { fork, files: forkFiles } = forkedAt(root, turn);
      const keeping = (text: string | undefined): string | undefined => text?.replace(/^history: \{ keep: \w+ \}$/m, 'history: { keep: true }');
      for (const [path, bytes] of files) expect(keeping(forkFiles.get(path)), path).toBe(keeping(bytes));
      expect(existsSync(join(fork, '~n'))).toBe(false);
    }
  });
});
