import childProcess, { execFileSync } from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';
import { appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { NextAgentProvider } from '../../bench/bench-providers.js';
import { agentName, buildOrg } from '../../bench/build-org.js';
import { Engine } from '../../src/engine/engine.js';
import { workspaceLimitsOf } from '../../src/org/workspace-limits.js';
import { orgPath } from '../../src/history/stored-path.js';
import { walkRecordedFiles } from '../../src/history/recorded-files.js';
import { RecordedWatch } from '../../src/history/recorded-watch.js';
import { callsTo, countFsWork } from '../helpers/fs-work.js';
import { tempDir } from '../helpers/org-files.js';
import { historyEntries } from './history-org.js';
import { KNOWN_FILES_FILE } from '../../src/history/known-files-file.js';

const AGENTS = 60;

/** A file as the history's entry of `commit` holds it, or undefined when it holds none there. */
function fileAt(root: string, commit: string, path: string): string | undefined {
  try {
    return execFileSync('git', ['--git-dir', join(root, 'org/state/history.git'), 'show', `${commit}:${path}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
}

/** What a person does by hand after the run's k-th turn, while the run goes on: each kind of change a watch must see. */
const HAND_EDITS: Record<number, (root: string) => void> = {
  // A new file, and a new folder two deep with a file in it.
  2: (root) => {
    writeFileSync(join(root, 'agents/agent_0040/workspace-notes.md'), 'first\n');
    mkdirSync(join(root, 'agents/agent_0041/drafts/deep'), { recursive: true });
    writeFileSync(join(root, 'agents/agent_0041/drafts/deep/plan.md'), 'plan\n');
  },
  // A file written in place (no new name, no rename: the folder's own times do not move).
  3: (root) => appendFileSync(join(root, 'agents/agent_0040/workspace-notes.md'), 'second\n'),
  // A folder removed with all it held.
  4: (root) => rmSync(join(root, 'agents/agent_0041/drafts'), { recursive: true }),
};

test('within a run, each entry reads only what changed since the last (a watch), and still holds every hand edit made between turns', { timeout: 120_000 }, async () => {
  const root = tempDir('lemming-history-watch-');
  buildOrg(root, { agents: AGENTS, history: 0, withMail: AGENTS, keepHistory: true });
  const provider = new NextAgentProvider(Array.from({ length: AGENTS }, (_, index) => agentName(index)));
  const engine = Engine.open({ root, providerFactory: () => provider });
  let steadyLstats = 0;
  // The run's turns, by number.
  const ran: number[] = [];
  try {
    const work = await countFsWork(async () => {
      for await (const event of engine.run({ maxTurns: 6, stopWhenIdle: false })) {
        if (event.type === 'turn-finished') ran.push(event.turn);
        // As the next turn starts, the last turn's entry has read its files: an edit now is the next entry's.
        if (event.type === 'turn-started') HAND_EDITS[ran.length]?.(root);
      }
    });
    steadyLstats = callsTo(work, 'lstatSync');
  } finally {
    engine.close();
  }
  const entries = historyEntries(root);
  const turns = new Map(entries.filter((entry) => entry.kind === 'turn').map((entry) => [entry.turn, entry.commit]));
  expect(ran).toHaveLength(6);
  // The entry of the run's k-th turn.
  const after = (k: number): string => turns.get(ran[k - 1] ?? -1) ?? '';
  // Edits made after the run's turn k are in the entry of turn k + 1, as they stood then.
  expect(fileAt(root, after(2), 'agents/agent_0040/workspace-notes.md')).toBeUndefined();
  expect(fileAt(root, after(3), 'agents/agent_0040/workspace-notes.md')).toBe('first\n');
  expect(fileAt(root, after(3), 'agents/agent_0041/drafts/deep/plan.md')).toBe('plan\n');
  expect(fileAt(root, after(4), 'agents/agent_0040/workspace-notes.md')).toBe('first\nsecond\n');
  expect(fileAt(root, after(4), 'agents/agent_0041/drafts/deep/plan.md')).toBe('plan\n');
  expect(fileAt(root, after(5), 'agents/agent_0041/drafts/deep/plan.md')).toBeUndefined();
  // And each entry holds exactly the org's files as a whole walk finds them at the end.
  const walked = walkRecordedFiles(root, workspaceLimitsOf(undefined));
  const last = entries.at(-1)?.commit ?? '';
  const listed = execFileSync('git', ['--git-dir', join(root, 'org/state/history.git'), 'ls-tree', '-r', '--name-only', last], { encoding: 'utf8' }).trim().split('\n');
  // Where the org has them (a file named for a turn is kept in a folder of a hundred: history/stored-path.ts).
  expect([...new Set(listed.map(orgPath))].sort()).toEqual([...walked.files.keys()].sort());
  // Only the run's first entry walks every file (about 5 per agent by now); the five after it, what changed: some 3 per busy agent.
  const files = walked.files.size;
  expect(files).toBeGreaterThan(5 * AGENTS);
  expect(steadyLstats).toBeLessThan(files + 5 * 4 * AGENTS);
});

/** The git commands (their first word after the options) started while `work` runs. */
async function gitCommands(work: () => Promise<void>): Promise<string[]> {
  const started: string[] = [];
  const module = childProcess as unknown as Record<string, (...args: unknown[]) => unknown>;
  const original = module.spawn as (...args: unknown[]) => unknown;
  module.spawn = function counting(this: unknown, ...args: unknown[]) {
    if (args[0] === 'git') started.push((args[1] as string[]).find((arg, index, all) => !arg.startsWith('-') && all[index - 1] !== '-c') ?? '');
    return original.apply(this, args);
  };
  syncBuiltinESMExports();
  try {
    await work();
  } finally {
    module.spawn = original;
    syncBuiltinESMExports();
  }
  return started;
}

test("a run's first entry takes the files the last run knew: git add is not run over the org, and an edit made between the runs is its entry", { timeout: 120_000 }, async () => {
  const root = tempDir('lemming-history-known-');
  buildOrg(root, { agents: 20, history: 0, withMail: 20, keepHistory: true });
  const provider = new NextAgentProvider(Array.from({ length: 20 }, (_, index) => agentName(index)));
  const run = async (): Promise<void> => {
    const engine = Engine.open({ root, providerFactory: () => provider });
    try {
      for await (const _event of engine.run({ maxTurns: 2, stopWhenIdle: false })) {
        // Only the files matter here.
      }
    } finally {
      engine.close();
    }
  };
  const first = await gitCommands(run);
  // The history's first entry ever reads every file and gives git the bytes (fast-import): no git command looks at the org's tree.
  expect(first).toContain('fast-import');
  expect(first).not.toContain('add');
  // The engine's close keeps the files once git has written the last entry.
  await expect.poll(() => readFileSync(join(root, 'org/state/history.git', KNOWN_FILES_FILE)).length, { timeout: 30_000 }).toBeGreaterThan(0);
  writeFileSync(join(root, 'agents/agent_0010/by-hand.md'), 'written between the runs\n');
  const second = await gitCommands(run);
  expect(second).not.toContain('add');
  expect(second).not.toContain('commit');
  const edits = historyEntries(root).filter((entry) => entry.kind === 'edits');
  expect(edits.at(-1)?.edited).toEqual(['agents/agent_0010/by-hand.md']);
});

test('a watch that may have missed events says so, and the entry walks the whole org instead', async () => {
  const root = tempDir('lemming-history-watch-burst-');
  mkdirSync(join(root, 'agents/a/outbox'), { recursive: true });
  const watch = RecordedWatch.start(root, { burst: 50 });
  if (!watch) return expect(process.platform).not.toBe('linux');
  try {
    // Nothing is watched before a whole walk: the first look says so, and the walk watches each folder.
    expect(await watch.take()).toBeUndefined();
    walkRecordedFiles(root, workspaceLimitsOf(undefined), Date.now(), { beforeFolder: watch.beforeFolder });
    writeFileSync(join(root, 'agents/a/outbox/one.md'), 'one');
    expect(await watch.take()).toEqual({ trees: new Set(['agents/a/outbox/one.md']) });
    // More events at once than the kernel may queue (as set here): the marks cannot be trusted.
    for (let index = 0; index < 60; index += 1) writeFileSync(join(root, `agents/a/outbox/${index}.md`), readFileSync(join(root, 'agents/a/outbox/one.md')));
    expect(await watch.take()).toBeUndefined();
    // A whole walk watches again; the next change is marked as before.
    walkRecordedFiles(root, workspaceLimitsOf(undefined), Date.now(), { beforeFolder: watch.beforeFolder });
    writeFileSync(join(root, 'agents/a/outbox/two.md'), 'two');
    expect(await watch.take()).toEqual({ trees: new Set(['agents/a/outbox/two.md']) });
  } finally {
    watch.close();
  }
});
