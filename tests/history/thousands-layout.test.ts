import { appendFileSync, cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadState } from '../../src/engine/record/state-store.js';
import { lemming } from '../helpers/cli.js';
import { busyOrg } from '../helpers/busy-org.js';
import { setKeepHistory } from '../helpers/org-files.js';
import { scratchDir } from '../faults/scratch.js';
import { gitOnHistory } from './history-org.js';
import { hundredsLayout } from '../helpers/hundreds-layout.js';
import { earlierEntry } from '../helpers/earlier-entry.js';
import { expectHeldOnce, expectMovedOnce, forkedAt, recordedFiles, runQuietly, storedIn } from './layout-org.js';

const AGENTS = 3;

/** An entry as the lemming before the folder of a thousand wrote it: two folders down for every number, and its known files of shape 2. */
function hundredsEntry(root: string, turn: number): void {
  earlierEntry(root, turn, hundredsLayout, 2);
}

const run = runQuietly;

describe('a history written before the folder of a thousand', () => {
  test('is carried over by the next entry, once: each file held once where it is kept now, and every earlier turn shows, forks and diffs as it was', async () => {
    // Each agent has sent a message in every turn to 1,001: the outboxes hold numbers from 001000 on.
    // In memory (busyOrg's), with its copies and forks: some 3,000 files each, and a history of as many loose objects.
    const root = busyOrg(AGENTS, AGENTS * 1001);
    setKeepHistory(root, false);
    // A person's files named like messages, past 001000: one appended to and one removed after the change.
    mkdirSync(join(root, 'workspace'), { recursive: true });
    writeFileSync(join(root, 'workspace/001001-notes.md'), 'first notes\n');
    writeFileSync(join(root, 'workspace/001002-old.md'), 'to go\n');
    const snapshots = new Map<number, string>();
    for (const turns of [2, 2]) {
      await run(root, turns);
      const turn = loadState(join(root, 'org/state/engine.json')).turn;
      hundredsEntry(root, turn);
      const copy = scratchDir('lemming-thousands-at-');
      cpSync(root, copy, { recursive: true });
      snapshots.set(turn, copy);
    }
    const [first, last] = [...snapshots.keys()] as [number, number];
    expect(first).toBeGreaterThan(1000);
    const before = gitOnHistory(root, ['rev-parse', 'main']).trim();
    expect(storedIn(root, before)).toContain('agents/agent_0000/outbox/0010xx/00100x/001000-001-agent_0001.md');

    // This lemming, with the history kept.
    appendFileSync(join(root, 'workspace/001001-notes.md'), 'more notes\n');
    rmSync(join(root, 'workspace/001002-old.md'));
    setKeepHistory(root, true);
    await run(root, 2);

    // Its last entry holds each file of the org once, where storedPath puts it, and nothing else.
    expectHeldOnce(root);
    // The folder of numbers' tree: the ten folders of a hundred below 001000, and the thousand's; no outbox holds a tree of its own.
    const numbers = gitOnHistory(root, ['ls-tree', '--name-only', 'main', '~n/']).trim().split('\n');
    expect(numbers).toEqual([...Array.from({ length: 10 }, (_, hundred) => `~n/000${hundred}xx`), '~n/001xxx']);
    expect(gitOnHistory(root, ['ls-tree', '--name-only', 'main', 'agents/agent_0000/outbox/']).trim()).toBe('');
    expect(lemming(root, ['show', '--at', String(last + 2), 'workspace/001001-notes.md']).stdout).toBe('first notes\nmore notes\n');

    // Moved once: by the first entry of this lemming (blobs by id), and no later entry moves anything.
    expectMovedOnce(root, before, 'agents/agent_0000/outbox/0010xx/00100x/001000-001-agent_0001.md');

    // Every earlier turn's files read back as they were: shown, forked, compared.
    for (const [turn, copy] of snapshots) {
      const files = recordedFiles(copy);
      for (const path of ['agents/agent_0000/outbox/001000-001-agent_0001.md', 'agents/agent_0002/outbox/001001-001-agent_0000.md', 'workspace/001001-notes.md', 'workspace/001002-old.md']) {
        expect(lemming(root, ['show', '--at', String(turn), path]).stdout, `${path} at ${turn}`).toBe(files.get(path));
      }
      const { fork, files: forkFiles } = forkedAt(root, turn);
      // A fork keeps its history (fork-org.ts): org.yaml says so; the rest as the turn left it.
      const keeping = (text: string | undefined): string | undefined => text?.replace(/^history: \{ keep: \w+ \}$/m, 'history: { keep: true }');
      // A fork goes on from the org as the next turn found it: with the hand edits made before it (read-history.ts, entryOfTurn).
      const expected = new Map(files);
      if (turn === last) {
        expected.set('workspace/001001-notes.md', 'first notes\nmore notes\n');
        expected.delete('workspace/001002-old.md');
        expect(forkFiles.has('workspace/001002-old.md')).toBe(false);
      }
      for (const [path, bytes] of expected) expect(keeping(forkFiles.get(path)), path).toBe(keeping(bytes));
      // No folder of the history's left in the fork.
      expect(readdirSync(join(fork, 'agents/agent_0000/outbox')).filter((name) => !name.endsWith('.md'))).toEqual([]);
      expect(existsSync(join(fork, '~n'))).toBe(false);
    }
    const [one, two] = [...snapshots.values()] as [string, string];
    // The two turns compared from the history are the two orgs as they were: but for where each side is, the same differences.
    // (The offline agents here are charged each turn and write no message: the messages past 001000 are those of turns 1,000 to 1,002.)
    const compared = (args: string[]): Record<string, unknown> => {
      const { a, b, ...rest } = JSON.parse(lemming(root, ['diff', ...args, '--json']).stdout) as { a: unknown; b: unknown; ledger: { difference: { calls: number } } };
      // Each agent charged in each turn between: the ledger of each side read back whole.
      expect(rest.ledger.difference.calls).toBe(AGENTS * (last - first));
      return rest;
    };
    expect(compared(['--turns', `${first}..${last}`])).toEqual(compared([one, two]));
  });
});
