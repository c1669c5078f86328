import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { lemmingAsync } from '../helpers/cli.js';
import { busyOrg } from '../helpers/busy-org.js';
import { setKeepHistory } from '../helpers/org-files.js';
import { charges } from '../helpers/org-snapshot.js';
import { gitOnHistory } from './history-org.js';

/** A piece of 8 KB, so a run of 30 turns at 20 agents (the offline model: each charged every turn) crosses many of the ledger's. */
const PIECE = 8192;
const ENV = { LEMMING_RECORD_PIECE_BYTES: String(PIECE) };

/** The files each entry of the history changed under `org/state/`, with their sizes, oldest entry first. */
function stateChangesByEntry(root: string): Array<Map<string, number>> {
  const commits = gitOnHistory(root, ['rev-list', '--reverse', 'main']).trim().split('\n');
  return commits.slice(1).map((commit) => {
    const changed = new Map<string, number>();
    for (const row of gitOnHistory(root, ['diff-tree', '-r', '--no-commit-id', commit, '--', 'org/state']).trim().split('\n')) {
      const [meta, path] = row.split('\t');
      const oid = meta?.split(' ')[3];
      if (!path || !oid || /^0+$/.test(oid)) continue;
      changed.set(path, Number(gitOnHistory(root, ['cat-file', '-s', oid]).trim()));
    }
    return changed;
  });
}

describe('a long run keeps its ledger in pieces', () => {
  test('the file a turn appends to stays small, every charge is still counted, and each history entry adds what the turn wrote, never the whole record again', async () => {
    const root = busyOrg(20);
    setKeepHistory(root, true);
    const run = await lemmingAsync(root, ['run', '--keep-going', '--turns', '30'], ENV);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const state = join(root, 'org', 'state');
    expect(readdirSync(join(state, 'ledger')).length).toBeGreaterThanOrEqual(5);
    // Each turn charges its 20 calls: the file holds at most a piece and a turn's lines.
    expect(charges(root)).toHaveLength(20 * 30);
    expect(statSync(join(state, 'ledger.jsonl')).size).toBeLessThan(PIECE + 20 * 400);
    // lemming counts every charge across the pieces.
    const status = JSON.parse((await lemmingAsync(root, ['status', '--json'], ENV)).stdout) as { agents: Array<{ spent: number }> };
    expect(status.agents.filter((agent) => agent.spent > 0)).toHaveLength(20);
    // An outbox's messages are kept under the folder of numbers, in folders of their turns' hundred and ten (history/stored-path.ts): no outbox tree of its own.
    expect(gitOnHistory(root, ['ls-tree', '--name-only', 'main', 'agents/agent_0000/outbox/']).trim()).toBe('');
    expect(gitOnHistory(root, ['ls-tree', '--name-only', 'main', '~n/']).trim().split('\n')).toEqual(['~n/0000xx']);
    const entries = stateChangesByEntry(root);
    expect(entries.length).toBeGreaterThanOrEqual(30);
    for (const [index, changed] of entries.entries()) {
      const records = [...changed].filter(([path]) => /^org\/state\/(ledger|taken)(\.jsonl|\/)/.test(path));
      // The turn's lines, and a piece when the file was moved to one: never the record so far.
      const bytes = records.reduce((sum, [, size]) => sum + size, 0);
      expect(bytes, `entry ${index + 1}: ${records.map(([path, size]) => `${path} ${size}`).join(', ')}`).toBeLessThan(2 * 2 * (PIECE + 20 * 400));
    }
  });
});
