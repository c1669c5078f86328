import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadState } from '../../src/engine/record/state-store.js';
import { entryMessage } from '../../src/history/history-entry.js';
import { lemming, lemmingAsync } from '../helpers/cli.js';
import { busyOrg } from '../helpers/busy-org.js';
import { setKeepHistory } from '../helpers/org-files.js';
import { charges } from '../helpers/org-snapshot.js';
import { scratchDir } from '../faults/scratch.js';
import { gitOnHistory } from './history-org.js';

/** Pieces larger than any record here: the ledger and taken.jsonl stay one file each, as the previous lemming wrote them. */
const WHOLE = { LEMMING_RECORD_PIECE_BYTES: String(1e12) };

/**
 * Put the org's state as the previous lemming wrote it: `engine.json` whole (version 2, every letter
 * and total in it), no `org/state/engine/`; the ledger and taken.jsonl are one file each already.
 */
function asPreviousLayout(root: string): void {
  const state = loadState(join(root, 'org/state/engine.json'));
  rmSync(join(root, 'org/state/engine'), { recursive: true, force: true });
  writeFileSync(join(root, 'org/state/engine.json'), `${JSON.stringify(state)}\n`);
}

/**
 * An entry as an earlier lemming wrote it: every file of the org at its own path (`git add` of the org's
 * folders, the machine-local state left out by org/state/.gitignore), the entry's message as lemming writes it.
 */
function previousEntry(root: string, turn: number): void {
  const gitDir = join(root, 'org/state/history.git');
  const env = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_DIR: gitDir, GIT_WORK_TREE: root, GIT_INDEX_FILE: join(scratchDir(), 'index') };
  const git = (args: string[], input?: string): string => execFileSync('git', args, { env, encoding: 'utf8', ...(input === undefined ? {} : { input }) }).trim();
  if (!existsSync(gitDir)) execFileSync('git', ['init', '--quiet', '--bare', '--initial-branch=main', gitDir]);
  git(['add', '--all', '--force', '--', 'agents', 'org/org.yaml', 'org/chart.yaml', 'org/state/engine.json', 'org/state/ledger.jsonl', 'org/state/taken.jsonl']);
  const tree = git(['write-tree']);
  const parent = existsSync(join(gitDir, 'refs/heads/main'));
  const message = entryMessage({ kind: 'turn', turn, messages: {}, credits: 0, changed: 0, edited: [], proposals: [] });
  const commit = git(['-c', 'user.name=lemming', '-c', 'user.email=lemming@localhost', 'commit-tree', tree, ...(parent ? ['-p', 'refs/heads/main'] : []), '-F', '-'], message);
  git(['update-ref', 'refs/heads/main', commit]);
}

async function run(root: string, turns: number, env: Record<string, string> = {}): Promise<void> {
  const result = await lemmingAsync(root, ['run', '--keep-going', '--turns', String(turns)], env);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
}

/** The turns the history lists, oldest first. */
function historyTurns(root: string): number[] {
  const listed = JSON.parse(lemming(root, ['history', '--json']).stdout) as { entries: Array<{ turn: number; kind: string }> };
  return listed.entries.filter((entry) => entry.kind === 'turn').map((entry) => entry.turn).sort((left, right) => left - right);
}

describe('an org written by the previous layout', () => {
  test('runs on, is carried over to pieces and parts once, and its history still shows and forks every earlier turn', async () => {
    // 40 agents charged every turn: the ledger passes a piece's size (64 KB) within the earlier turns.
    const root = busyOrg(40);
    setKeepHistory(root, false);
    // Three runs of the previous lemming, each entry recorded as it recorded them: the org's files whole, each where the org has it.
    for (const turns of [6, 6, 6]) {
      await run(root, turns, WHOLE);
      asPreviousLayout(root);
      previousEntry(root, loadState(join(root, 'org/state/engine.json')).turn);
    }
    const before = { ledger: readFileSync(join(root, 'org/state/ledger.jsonl'), 'utf8'), taken: readFileSync(join(root, 'org/state/taken.jsonl'), 'utf8'), turn: loadState(join(root, 'org/state/engine.json')).turn, charges: charges(root) };
    expect(Buffer.byteLength(before.ledger)).toBeGreaterThan(64 * 1024);
    const earlier = historyTurns(root);
    expect(earlier).toHaveLength(3);
    const status = JSON.parse(lemming(root, ['status', '--json']).stdout) as { agents: unknown[] };

    // This lemming: history kept from here on.
    setKeepHistory(root, true);
    expect(JSON.parse(lemming(root, ['status', '--json']).stdout).agents).toEqual(status.agents);
    await run(root, 3);
    const state = join(root, 'org/state');
    // Carried over once: the whole ledger moved to its first piece byte for byte, engine.json small with its parts beside it.
    expect(readdirSync(join(state, 'ledger'))).toEqual(['000000000000.jsonl']);
    expect(readFileSync(join(state, 'ledger', '000000000000.jsonl'), 'utf8')).toBe(before.ledger);
    expect(readFileSync(join(state, 'ledger.jsonl'), 'utf8').length).toBeLessThan(3 * 40 * 250);
    expect(JSON.parse(readFileSync(join(state, 'engine.json'), 'utf8'))).toMatchObject({ version: 3, turn: before.turn + 3 });
    expect(JSON.parse(readFileSync(join(state, 'engine.json'), 'utf8')).pending).toBeUndefined();
    expect(readdirSync(join(state, 'engine')).length).toBeGreaterThanOrEqual(1);
    // Every charge of before, and 40 a turn since; the mail taken in before is not delivered again.
    expect(charges(root)).toHaveLength(before.charges.length + 3 * 40);
    expect(charges(root)).toEqual(expect.arrayContaining(before.charges));
    expect(readFileSync(join(state, 'taken.jsonl'), 'utf8').startsWith(before.taken)).toBe(true);

    // The history: every earlier turn, then this run's.
    const turns = historyTurns(root);
    expect(turns.slice(0, 3)).toEqual(earlier);
    expect(turns.slice(-3)).toEqual([before.turn + 1, before.turn + 2, before.turn + 3]);
    // The first entry of this lemming moved the messages the earlier entries kept in each outbox under the folder of numbers, once.
    const outbox = (commit: string): string[] => gitOnHistory(root, ['ls-tree', '--name-only', commit, 'agents/agent_0000/outbox/']).trim().split('\n');
    expect(outbox('main')).toEqual(['']);
    expect(gitOnHistory(root, ['ls-tree', '--name-only', 'main', '~n/0000xx/00000x/agents/agent_0000/outbox/']).trim().split('\n')).toContain('~n/0000xx/00000x/agents/agent_0000/outbox/000002-001-agent_0001.md');
    const lastEarlier = gitOnHistory(root, ['rev-list', '--reverse', 'main']).trim().split('\n')[2] as string;
    expect(outbox(lastEarlier)).toEqual(['agents/agent_0000/outbox/000002-001-agent_0001.md', 'agents/agent_0000/outbox/000003-001-agent_0039.md']);
    expect(lemming(root, ['show', '--at', String(earlier[0]), 'agents/agent_0000/outbox/000002-001-agent_0001.md']).stdout).toContain('id: 000002-agent_0000-001');
    // An earlier turn shown as it was: the whole ledger and engine.json of the previous layout.
    const at = earlier[1] as number;
    const shown = lemming(root, ['show', '--at', String(at), 'org/state/engine.json']);
    expect(shown.status).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ version: 2, turn: at });
    // And forked, the fork runs on from there with this lemming, carrying its own record over.
    const fork = join(scratchDir(), 'fork');
    const forked = lemming(fork, ['fork', '--from', root, '--at', String(at)]);
    expect(forked.stderr).toBe('');
    expect(forked.status).toBe(0);
    setKeepHistory(fork, false);
    await run(fork, 1);
    expect(loadState(join(fork, 'org/state/engine.json')).turn).toBe(at + 1);
    expect(existsSync(join(fork, 'org/state/engine'))).toBe(true);
    expect(charges(fork).filter((line) => line.startsWith(`${at + 1}:`))).toHaveLength(40);
  });
});
