import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { lemming } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dirs.js';
import { gitOnHistory, historyEntries, originalRun } from './history-org.js';

/**
 * Rewrite the branch so that the entry of `turn` carries `trailer` as its Lemming-Entry line, as a
 * person with git can (an amend of an old entry is a rewrite of the entries after it): the same trees,
 * parents rewritten.
 */
function editEntry(root: string, turn: number, trailer: string): void {
  let parent = '';
  for (const commit of gitOnHistory(root, ['rev-list', '--reverse', 'main']).trim().split('\n')) {
    const message = gitOnHistory(root, ['log', '-1', '--format=%B', commit]);
    const ours = message.includes(`Lemming-Entry: {"kind":"turn","turn":${turn},`);
    const text = ours ? `turn ${turn}: edited by hand\n\nLemming-Entry: ${trailer}\n` : message;
    const tree = gitOnHistory(root, ['rev-parse', `${commit}^{tree}`]).trim();
    parent = gitOnHistory(root, ['-c', 'user.name=A person', '-c', 'user.email=person@example.com', 'commit-tree', tree, ...(parent === '' ? [] : ['-p', parent]), '-m', text]).trim();
  }
  gitOnHistory(root, ['update-ref', 'refs/heads/main', parent]);
}

describe('a history entry edited by hand', () => {
  test('an entry whose Lemming-Entry line lost its figures is listed, saying so, and the history still reads', async () => {
    const { root } = await originalRun();
    editEntry(root, 1, '{"kind":"turn","turn":1,"messages":"lots","credits":"free"}');
    // Before: `lemming: unexpected error: Cannot read properties of undefined (reading 'length')`, exit 1, after the first line.
    const listed = lemming(root, ['history']);
    expect(listed.stderr).toBe('');
    expect(listed.status).toBe(0);
    const line = listed.stdout.split('\n').find((text) => text.includes('turn 1:'));
    expect(line).toContain('turn 1: 0 message(s), 0.0000 credits, 0 file(s) changed');
    expect(line).toContain('its Lemming-Entry line was edited: messages, credits, changed, edited, proposals missing or unreadable, shown as none');
    const entry = historyEntries(root).find((each) => each.kind === 'turn' && each.turn === 1);
    expect(entry).toMatchObject({ messages: {}, credits: 0, edited: [] });
    // The entry's files are the org's as they were: read as ever.
    expect(lemming(root, ['show', '--at', '1', 'org/chart.yaml']).status).toBe(0);
  }, 180_000);

  test("an entry edited to claim another turn is not forked as that turn: the fork is refused, naming the entry and the record's turn", async () => {
    const { root, last } = await originalRun();
    expect(last).toBeGreaterThan(1);
    editEntry(root, 1, '{"kind":"turn","turn":70,"messages":{"manager":2},"credits":0.004,"changed":13,"edited":[],"proposals":[]}');
    const destination = join(tempDir(), 'fork');
    const forked = lemming(destination, ['fork', '--from', root, '--at', '70']);
    // Before: `forked … as it was after turn 70 …; its next run is turn 71`, exit 0, and the fork stood at turn 1.
    expect(forked.stdout).toBe('');
    expect(forked.stderr).toMatch(/history entry [0-9a-f]{7} of .* says it is turn 70, but the record it holds \(org\/state\/engine\.json\) stands at turn 1: its Lemming-Entry line was edited/);
    expect(forked.status).toBe(2);
    expect(existsSync(join(destination, 'org'))).toBe(false);
    // An entry as lemming wrote it forks as ever.
    const faithful = lemming(join(tempDir(), 'faithful'), ['fork', '--from', root, '--at', String(last)]);
    expect(faithful.stdout).toContain(`its next run is turn ${last + 1}`);
  }, 180_000);
});
