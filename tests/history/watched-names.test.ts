import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { NextAgentProvider } from '../../bench/bench-providers.js';
import { agentName, buildOrg } from '../../bench/build-org.js';
import { Engine } from '../../src/engine/engine.js';
import { recordEntry, writtenSoFar, type EntrySession } from '../../src/history/record-entry.js';
import { orgPath } from '../../src/history/stored-path.js';
import { walkRecordedFiles } from '../../src/history/recorded-files.js';
import { workspaceLimitsOf } from '../../src/org/workspace-limits.js';
import { callsTo, countFsWork } from '../helpers/fs-work.js';
import { tempDir } from '../helpers/org-files.js';
import { historyEntries } from './history-org.js';

/*
 * Within a run an entry looks at the names the history's watch gave by opening each (org/walk-org.ts,
 * walkOwnStart): one open and an fstat, where an lstat came before. Whatever a name now is, the entry
 * takes it as a walk of the org does: a file's bytes, a folder's files, and a link, a pipe or a socket
 * left out, never followed, read or waited on; a name gone is nothing.
 */

const AGENTS = 6;

/** A file as the history's entry of `commit` holds it (by its place in the org), or undefined when it holds none there. */
function fileAt(root: string, commit: string, path: string): string | undefined {
  const gitDir = join(root, 'org/state/history.git');
  const listed = execFileSync('git', ['--git-dir', gitDir, 'ls-tree', '-r', '--full-tree', commit], { encoding: 'utf8' }).trim().split('\n');
  const row = listed.find((line) => orgPath(line.slice(line.indexOf('\t') + 1)) === path);
  if (row === undefined) return undefined;
  return execFileSync('git', ['--git-dir', gitDir, 'cat-file', 'blob', row.split(/\s/)[2] as string], { encoding: 'utf8' });
}

/** Every file the entry of `commit` holds, by its place in the org. */
function filesAt(root: string, commit: string): string[] {
  const listed = execFileSync('git', ['--git-dir', join(root, 'org/state/history.git'), 'ls-tree', '-r', '--name-only', '--full-tree', commit], { encoding: 'utf8' });
  return [...new Set(listed.trim().split('\n').map(orgPath))].sort();
}

test("each kind of name the watch gives is taken as the org's walk takes it: a file replaced by a folder, a folder by a file, a link, a pipe, a socket, a name gone", { timeout: 120_000 }, async () => {
  const root = tempDir('lemming-watched-names-');
  const outside = tempDir('lemming-watched-outside-');
  writeFileSync(join(outside, 'secret.md'), 'outside the org\n');
  buildOrg(root, { agents: AGENTS, history: 0, withMail: AGENTS, keepHistory: true });
  const agent = (index: number): string => join(root, 'agents', agentName(index));
  let socket: Server | undefined;
  // After the run's k-th turn, as the next starts (its entry is then written: these are the next entry's).
  const edits: Record<number, () => Promise<void> | void> = {
    2: () => {
      writeFileSync(join(agent(1), 'plan.md'), 'a plan\n');
      mkdirSync(join(agent(2), 'notes'));
      writeFileSync(join(agent(2), 'notes', 'n.md'), 'a note\n');
    },
    3: async () => {
      // A file replaced by a folder of the same name, and a folder by a file.
      unlinkSync(join(agent(1), 'plan.md'));
      mkdirSync(join(agent(1), 'plan.md'));
      writeFileSync(join(agent(1), 'plan.md', 'inside.md'), 'inside the folder\n');
      rmSync(join(agent(2), 'notes'), { recursive: true });
      writeFileSync(join(agent(2), 'notes'), 'now a file\n');
      // A link to a file outside the org, a pipe no one writes to (an open that waited would hang the run), a socket.
      symlinkSync(join(outside, 'secret.md'), join(agent(3), 'link.md'));
      execFileSync('mkfifo', [join(agent(3), 'pipe.md')]);
      socket = createServer();
      const listening = socket;
      await new Promise<void>((resolve) => listening.listen(join(agent(3), 'socket.md'), resolve));
      // A name gone before the entry looks at it.
      writeFileSync(join(agent(4), 'gone.md'), 'soon gone\n');
      unlinkSync(join(agent(4), 'gone.md'));
    },
  };
  const provider = new NextAgentProvider(Array.from({ length: AGENTS }, (_, index) => agentName(index)));
  const engine = Engine.open({ root, providerFactory: () => provider });
  const ran: number[] = [];
  const warnings: string[] = [];
  try {
    for await (const event of engine.run({ maxTurns: 5, stopWhenIdle: false })) {
      if (event.type === 'turn-finished') ran.push(event.turn);
      if (event.type === 'turn-started') await edits[ran.length]?.();
      if (event.type === 'warning') warnings.push(event.message);
    }
  } finally {
    await engine.close();
    socket?.close();
  }
  expect(ran).toHaveLength(5);
  const turns = new Map(historyEntries(root).filter((entry) => entry.kind === 'turn').map((entry) => [entry.turn, entry.commit]));
  const after = (k: number): string => turns.get(ran[k - 1] ?? -1) ?? '';
  const relative = (index: number, name: string): string => `agents/${agentName(index)}/${name}`;
  expect(fileAt(root, after(3), relative(1, 'plan.md'))).toBe('a plan\n');
  expect(fileAt(root, after(3), relative(2, 'notes/n.md'))).toBe('a note\n');
  // The folder's file is in the entry, and nothing of the file it replaced (before, the file's removal, given to git
  // after the folder's files, removed them too).
  expect(fileAt(root, after(4), relative(1, 'plan.md/inside.md'))).toBe('inside the folder\n');
  expect(fileAt(root, after(4), relative(1, 'plan.md'))).toBeUndefined();
  expect(fileAt(root, after(4), relative(2, 'notes'))).toBe('now a file\n');
  expect(fileAt(root, after(4), relative(2, 'notes/n.md'))).toBeUndefined();
  for (const name of ['link.md', 'pipe.md', 'socket.md']) expect(fileAt(root, after(4), relative(3, name))).toBeUndefined();
  expect(fileAt(root, after(4), relative(4, 'gone.md'))).toBeUndefined();
  // Left out and said so, by what each is.
  const said = warnings.join('\n');
  expect(said).toContain(`${relative(3, 'link.md')} (a symbolic link)`);
  expect(said).toContain(`${relative(3, 'pipe.md')} (a named pipe)`);
  expect(said).toContain(`${relative(3, 'socket.md')} (a socket)`);
  expect(said).not.toContain('outside the org');
  // Each entry holds the org's files as a whole walk finds them.
  const walked = [...walkRecordedFiles(root, workspaceLimitsOf(undefined)).files.keys()].sort();
  expect(filesAt(root, after(5))).toEqual(walked);
});

test("a steady entry looks at each changed file of lemming's own folders by one open, with no lstat before it and no second open after", { timeout: 120_000 }, async () => {
  const agents = 40;
  const root = tempDir('lemming-watched-opens-');
  // The history is written here by its writer's own calls (record-entry.ts), the engine's turns apart from it.
  buildOrg(root, { agents, history: 0, withMail: agents, keepHistory: false });
  const provider = new NextAgentProvider(Array.from({ length: agents }, (_, index) => agentName(index)));
  const engine = Engine.open({ root, providerFactory: () => provider });
  const session: EntrySession = {};
  const turn = async (): Promise<void> => {
    for await (const _event of engine.run({ maxTurns: 1, stopWhenIdle: false })) {
      // Only the files matter here.
    }
  };
  try {
    // The first entry walks the whole org (an lstat of each file) and watches its folders; the next looks at what the watch saw.
    await turn();
    await recordEntry(root, { kind: 'turn', turn: 1 }, session);
    await turn();
    await recordEntry(root, { kind: 'turn', turn: 2 }, session);
    await turn();
    let changed = 0;
    const work = await countFsWork(async () => {
      changed = (await recordEntry(root, { kind: 'turn', turn: 3 }, session))?.changed ?? 0;
    });
    // Each busy agent's message and activity log, and the engine's record (its state, ledger, mail taken).
    expect(changed).toBeGreaterThanOrEqual(2 * agents);
    // One open a changed file, and the entry's own file beside the store (entry-spool.ts). Before: an lstat of each
    // name the watch gave (some 2 an agent), then an open of each changed file.
    expect(callsTo(work, 'openSync')).toBeLessThanOrEqual(changed + 2);
    // Only names the org leaves out if they are files (the lock, the journal) are looked at by lstat, not opened.
    expect(callsTo(work, 'lstatSync')).toBeLessThan(10);
  } finally {
    await writtenSoFar(session);
    await session.importer?.close();
    session.watch?.close();
    engine.close();
  }
});
