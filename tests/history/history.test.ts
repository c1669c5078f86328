import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { lemming } from '../helpers/cli.js';
import { charges, messageFiles } from '../helpers/org-snapshot.js';
import { copyOf, gitOnHistory, historyEntries, runToIdle, seededOrg } from './history-org.js';

let original: string;
beforeAll(async () => {
  original = seededOrg();
  await runToIdle(original);
});

function lastTurn(root: string): number {
  return (JSON.parse(readFileSync(join(root, 'org/state/engine.json'), 'utf8')) as { turn: number }).turn;
}

describe('every committed turn is kept', () => {
  test('lemming history lists turn 0 (before the first turn) to the last, each with its messages by sender and its credits', () => {
    const entries = historyEntries(original);
    const turns = entries.filter((entry) => entry.kind === 'turn').map((entry) => entry.turn);
    const last = lastTurn(original);
    expect(last).toBeGreaterThanOrEqual(4);
    expect(turns).toEqual(Array.from({ length: last + 1 }, (_, turn) => turn));
    // Messages by sender, as the outboxes hold them: the files named for each turn.
    const files = Object.keys(messageFiles(original));
    for (const entry of entries.filter((item) => item.kind === 'turn' && item.turn > 0)) {
      const written: Record<string, number> = {};
      for (const file of files) {
        const match = /^agents\/([^/]+)\/outbox\/(\d{6})-/.exec(file);
        if (match && Number(match[2]) === entry.turn) written[match[1] as string] = (written[match[1] as string] ?? 0) + 1;
      }
      expect(entry.messages, `turn ${entry.turn}`).toEqual(written);
      const spent = charges(original)
        .filter((line) => line.startsWith(`${entry.turn}:`))
        .reduce((sum, line) => sum + Number(line.split(':')[2]), 0);
      expect(entry.credits).toBeCloseTo(spent, 12);
    }
    const plain = lemming(original, ['history']);
    expect(plain.status).toBe(0);
    expect(plain.stdout).toMatch(/turn 1: 2 message\(s\) \(manager 2\), \d\.\d{4} credits/);
  });

  test("git's own tools read it: git log shows each turn, git diff and git show a turn's files", () => {
    const log = gitOnHistory(original, ['log', '--format=%s', 'main']).trim().split('\n');
    expect(log.at(-1)).toMatch(/^turn 0:/);
    expect(log[0]).toMatch(new RegExp(`^turn ${lastTurn(original)}:`));
    const [turnTwo] = historyEntries(original).filter((entry) => entry.kind === 'turn' && entry.turn === 2);
    const changed = gitOnHistory(original, ['diff', '--name-only', `${turnTwo?.commit}~1`, turnTwo?.commit ?? '']);
    expect(changed).toContain('org/state/engine.json');
    // A message is kept under the folder of numbers, in those of its turn's hundred and ten (history/stored-path.ts): git's own tools name it there.
    expect(changed).toMatch(/~n\/0000xx\/00000x\/agents\/[a-z_0-9]+\/outbox\/000002-/);
    expect(gitOnHistory(original, ['show', `${turnTwo?.commit}:org/state/engine.json`])).toMatch(/"turn": ?2/);
    // Nothing machine-local or secret is recorded.
    const files = gitOnHistory(original, ['ls-tree', '-r', '--name-only', 'main']).split('\n');
    expect(files.filter((file) => /org\/state\/(lock|journal|cache|history\.git)|\.env/.test(file))).toEqual([]);
  });

  test('show --at N PATH prints a file as it was after turn N; an unknown turn names the range, a missing file its path', () => {
    const shown = lemming(original, ['show', '--at', '2', 'org/state/engine.json']);
    expect(shown.status).toBe(0);
    expect(JSON.parse(shown.stdout).turn).toBe(2);
    const unknown = lemming(original, ['show', '--at', '99', 'org/state/engine.json']);
    // A turn the history does not hold names nothing: a mistake in what was typed (exit 2).
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain(`turn 99 is not in the history of ${original}: it holds turns 0 to ${lastTurn(original)}`);
    const absent = lemming(original, ['show', '--at', '0', 'agents/manager/outbox/000001-001-planner.md']);
    expect(absent.status).toBe(1);
    expect(absent.stderr).toContain('agents/manager/outbox/000001-001-planner.md was not in the org after turn 0');
    const none = lemming(copyOf(original), ['show', '--at', '1', '../elsewhere']);
    expect(none.status).toBe(2);
  });

  test('hand edits between turns are an entry of their own, before the turn they take effect in', async () => {
    const root = seededOrg();
    expect(lemming(root, ['run', '--turns', '1']).status).toBe(0);
    const resume = join(root, 'agents/planner/resume.md');
    writeFileSync(resume, readFileSync(resume, 'utf8').replace('credits: 0.5', 'credits: 0.75'));
    lemming(root, ['send', 'manager', 'Also write a changelog.']);
    await runToIdle(root);
    const entries = historyEntries(root);
    expect(entries.slice(0, 3).map((entry) => `${entry.kind} ${entry.turn}`)).toEqual(['turn 0', 'turn 1', 'edits 1']);
    expect(entries[2]?.edited).toEqual(expect.arrayContaining(['agents/planner/resume.md', expect.stringMatching(/^agents\/human\/outbox\//)]));
    expect(lemming(root, ['history']).stdout).toMatch(/edits before turn 2: \d+ file\(s\) changed \(/);
    // After turn 1 the resume was as before the edit: the edit belongs to the turns after it.
    expect(lemming(root, ['show', '--at', '1', 'agents/planner/resume.md']).stdout).toContain('credits: 0.5');
    expect(lemming(root, ['show', '--at', '2', 'agents/planner/resume.md']).stdout).toContain('credits: 0.75');
  });

  test("an org that is a git repository of its own: the history never touches it, and its commits leave the history out", async () => {
    const root = seededOrg();
    const own = (args: string[]): string => execFileSync('git', args, { cwd: root, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });
    own(['init', '-q']);
    own(['add', '-A']);
    own(['commit', '-qm', 'the org']);
    const head = own(['rev-parse', 'HEAD']);
    await runToIdle(root);
    expect(own(['rev-parse', 'HEAD'])).toBe(head);
    expect(own(['status', '--porcelain', '--untracked-files=all'])).not.toContain('history.git');
    expect(historyEntries(root).length).toBeGreaterThan(3);
  });

  test('an org without history.keep writes none, and history says how to start one', async () => {
    const root = seededOrg();
    const settings = join(root, 'org/org.yaml');
    writeFileSync(settings, readFileSync(settings, 'utf8').replace('history: { keep: true }', 'history: { keep: false }'));
    await runToIdle(root);
    expect(existsSync(join(root, 'org/state/history.git'))).toBe(false);
    const asked = lemming(root, ['history']);
    expect(asked.status).toBe(1);
    expect(asked.stderr).toContain('this org has no history yet; with `history: { keep: true }` in org/org.yaml (new orgs have it)');
  });

  test('without a git program, the run goes on and says once that history is off', async () => {
    const root = seededOrg();
    const run = lemming(root, ['run'], { PATH: '/nonexistent' });
    expect(run.status).toBe(0);
    expect(run.stdout.match(/history is off: the `git` program was not found/g)).toHaveLength(1);
    expect(existsSync(join(root, 'org/state/history.git'))).toBe(false);
  });
});
