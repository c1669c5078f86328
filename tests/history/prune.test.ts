import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { lemming } from '../helpers/cli.js';
import { scratchDir } from '../faults/scratch.js';
import { copyOf, gitOnHistory, historyEntries, originalRun, runToIdle } from './history-org.js';

let original = '';
let last = 0;
beforeAll(async () => {
  ({ root: original, last } = await originalRun());
}, 120_000);

/** Each entry's tree, by `kind turn`: what its files are, whatever its commit id. */
function trees(root: string): Map<string, string> {
  return new Map(historyEntries(root).map((entry) => [`${entry.kind} ${entry.turn}`, gitOnHistory(root, ['rev-parse', `${entry.commit}^{tree}`]).trim()]));
}

/** Every file of the org but its history store and lock, with its bytes. */
function orgFiles(root: string): Record<string, string> {
  const listed = execFileSync('find', ['.', '-path', './org/state/history.git', '-prune', '-o', '-type', 'f', '!', '-name', 'lock*', '-print'], { cwd: root, encoding: 'utf8' });
  return Object.fromEntries(listed.trim().split('\n').sort().map((path) => [path, readFileSync(join(root, path), 'latin1')]));
}

/** The entries without their commit ids (which a prune gives anew). */
function withoutCommits(root: string): unknown[] {
  return historyEntries(root).map(({ commit: _commit, ...rest }) => rest);
}

describe('lemming history --prune-before N', () => {
  test('drops the turns before N for good and says so; the later entries keep their files, the org its files; the store is clean', async () => {
    expect(last).toBeGreaterThanOrEqual(4);
    const root = copyOf(original);
    const before = historyEntries(root);
    const keptBefore = withoutCommits(root).slice(before.findIndex((entry) => entry.kind === 'turn' && entry.turn === 3));
    const treesBefore = trees(root);
    const shownBefore = lemming(root, ['show', '--at', '3', 'org/state/ledger.jsonl']).stdout;
    const turnTwoTree = treesBefore.get('turn 2');
    const files = orgFiles(root);

    const pruned = lemming(root, ['history', '--prune-before', '3', '--yes']);
    expect(pruned.stderr).toBe('');
    expect(pruned.status).toBe(0);
    expect(pruned.stdout).toContain(
      `pruned the history before turn 3: turns 0 to 2 can no longer be shown, forked or diffed (3 entries dropped); the org's files and the ${keptBefore.length} entries from turn 3 on are unchanged`,
    );
    expect(pruned.stdout).toMatch(/history\.git: [\d.]+ (KB|MB) before, [\d.]+ (KB|MB|bytes) after/);

    // The later entries: the same summaries and times, the same trees.
    const after = historyEntries(root);
    expect(after[0]?.kind).toBe('pruned');
    expect(withoutCommits(root).slice(1)).toEqual(keptBefore);
    const treesAfter = trees(root);
    for (let turn = 3; turn <= last; turn += 1) expect(treesAfter.get(`turn ${turn}`), `turn ${turn}`).toBe(treesBefore.get(`turn ${turn}`));
    // The first commit is a root holding the org as turn 3 began: git show of turn 3 still says what turn 3 changed.
    const roots = gitOnHistory(root, ['rev-list', '--max-parents=0', 'main']).trim().split('\n');
    expect(roots).toEqual([after[0]?.commit]);
    expect(gitOnHistory(root, ['rev-parse', `${after[0]?.commit}^{tree}`]).trim()).toBe(turnTwoTree);
    expect(gitOnHistory(root, ['diff', '--name-only', `${after[1]?.commit}~1`, after[1]?.commit ?? '']).split('\n')).toEqual(
      expect.arrayContaining(['org/state/engine.json', expect.stringMatching(/^~n\/0000xx\/00000x\/agents\/[a-z_0-9]+\/outbox\/000003-/)]),
    );

    // Turns from 3 on are read as before; the earlier ones refused, saying why and what is held.
    expect(lemming(root, ['show', '--at', '3', 'org/state/ledger.jsonl']).stdout).toBe(shownBefore);
    const gone = lemming(root, ['show', '--at', '2', 'org/state/ledger.jsonl']);
    // A turn the history no longer holds names nothing, as one it never held: exit 2.
    expect(gone.status).toBe(2);
    expect(gone.stderr).toContain(`turn 2 is not in the history of ${root} (the entries before turn 3 were pruned): it holds turns 3 to ${last}`);
    const noFork = lemming(join(scratchDir('lemming-prune-fork-'), 'fork'), ['fork', '--from', root, '--at', '1']);
    expect(noFork.status).toBe(2);
    expect(noFork.stderr).toContain('the entries before turn 3 were pruned');
    const fork = join(scratchDir('lemming-prune-fork-'), 'fork');
    expect(lemming(fork, ['fork', '--from', root, '--at', '3']).status).toBe(0);

    // Nothing unreachable is left, and git finds the store sound.
    expect(gitOnHistory(root, ['fsck', '--strict', '--unreachable', '--no-dangling'])).toBe('');
    expect(gitOnHistory(root, ['count-objects', '-v'])).toMatch(/^count: 0$/m);
    // The org's own files were not touched.
    expect(orgFiles(root)).toEqual(files);

    // A run goes on adding to the pruned history, its entries saying only what they did.
    lemming(root, ['send', 'manager', 'One more task: write the changelog.', '--subject', 'Changelog']);
    await runToIdle(root);
    const next = historyEntries(root).slice(after.length);
    expect(next.map((entry) => `${entry.kind} ${entry.turn}`)[0]).toBe(`edits ${last}`);
    expect(next[0]?.edited.every((path) => path.startsWith('agents/human/outbox/'))).toBe(true);
    expect(next.find((entry) => entry.kind === 'turn')?.turn).toBe(last + 1);
  }, 400_000);

  test('an N outside the history is refused with exit 2, naming the turns that may be given; nothing changes', () => {
    const root = copyOf(original);
    const entries = historyEntries(root);
    for (const turn of ['0', String(last + 1), '99']) {
      const refused = lemming(root, ['history', '--prune-before', turn, '--yes']);
      expect(refused.status, turn).toBe(2);
      expect(refused.stderr).toContain(`--prune-before ${turn}: the history of ${root} holds turns 0 to ${last}; give a turn from 1 to ${last}`);
    }
    expect(lemming(root, ['history', '--prune-before', 'two', '--yes']).status).not.toBe(0);
    expect(historyEntries(root)).toEqual(entries);
  });

  test('without --yes and no terminal to ask in, it says what would be lost, drops nothing and exits 2 (a mistake in what was typed)', () => {
    const root = copyOf(original);
    const entries = historyEntries(root);
    const refused = lemming(root, ['history', '--prune-before', '2']);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('--prune-before 2 would drop turns 0 to 1 for good; run it in a terminal to confirm, or pass --yes');
    expect(historyEntries(root)).toEqual(entries);
  });

  test('while a run holds the org, it is refused and drops nothing', () => {
    const root = copyOf(original);
    const entries = historyEntries(root);
    // The lock a live engine holds: this test's own process stands for it.
    writeFileSync(join(root, 'org/state/lock'), JSON.stringify({ pid: process.pid, host: hostname(), token: 'held', command: 'run', started: new Date().toISOString() }));
    const refused = lemming(root, ['history', '--prune-before', '2', '--yes']);
    expect(refused.status).toBe(3);
    expect(refused.stderr).toContain('another engine is working on this org');
    expect(historyEntries(root)).toEqual(entries);
  });
});
