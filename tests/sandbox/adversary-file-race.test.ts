import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, test } from 'vitest';
import { sweepUnfinishedTurn } from '../../src/engine/record/leftover-temporaries.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import { runBuiltinTool, type BuiltinToolContext } from '../../src/tools/builtin-tools.js';
import { runCommandTool } from '../../src/tools/commands/run-command-tool.js';
import { SANDBOX_PROBLEM } from '../helpers/sandbox-ready.js';
import { defaultOrg, read, REPO_ROOT, tempDir, write } from '../helpers/temp-org.js';

/**
 * The race of issue 35: a command swaps a folder of the shared workspace with a symbolic link to a
 * folder outside the org (renameat2 RENAME_EXCHANGE, in a loop) while another agent's file tools
 * use paths through that folder. Whatever instant a tool meets, it must never read, list, search or
 * write the folder outside.
 */

const SWAPPER = join(REPO_ROOT, 'tests/fixtures/sandbox/swap-folder.py');
const SECRET = 'OUTSIDE-SECRET-0f3c9a';
/** Calls of each tool per test: counted, not timed. */
const TRIES = 3000;

interface Stage {
  root: string;
  outside: string;
  context: BuiltinToolContext;
}

/** A default org whose coder writes the shared workspace; shared/d is a folder, shared/link a link to a folder outside holding a secret. */
function stage(): Stage {
  const root = defaultOrg();
  write(root, 'agents/coder_01/resume.md', read(root, 'agents/coder_01/resume.md').replace('tools:', 'shared_workspace: write\ntools:'));
  write(root, 'workspace/d/shadow', 'the inside file\n');
  write(root, 'workspace/d/inside-only.txt', 'inside\n');
  const outside = tempDir('lemming-outside-');
  write(outside, 'shadow', `${SECRET}\n`);
  write(outside, 'outside-only.txt', `${SECRET}\n`);
  symlinkSync(outside, join(root, 'workspace/link'));
  const { org } = loadOrg(root);
  const agent = org.agents.get('coder_01');
  if (!agent) throw new Error('coder_01');
  return { root, outside, context: { root, org, agent, turn: 1, sequence: 1, at: '2026-11-24T00:00:00.000Z', balance: 0.5, delivered: () => true } };
}

/** Wait (by counting short sleeps) until a file appears: the swapper's sign that it runs. */
async function appears(path: string): Promise<void> {
  for (let tries = 0; tries < 3000 && !existsSync(path); tries += 1) await sleep(10);
  if (!existsSync(path)) throw new Error(`${path} never appeared`);
}

/** Every tool through the swapped folder, TRIES times each, interleaved; what each returned, counted. */
function hammer({ context }: Stage): { leaks: string[]; inside: number; refused: number; written: number } {
  const leaks: string[] = [];
  let inside = 0;
  let refused = 0;
  let written = 0;
  for (let attempt = 0; attempt < TRIES; attempt += 1) {
    const results = [
      runBuiltinTool('read_file', { path: 'shared/d/shadow' }, context).result,
      runBuiltinTool('list_files', { path: 'shared/d' }, context).result,
      runBuiltinTool('list_files', { path: 'shared' }, context).result,
      runBuiltinTool('search_files', { query: 'secret', path: 'shared' }, context).result,
      runBuiltinTool('search_files', { query: 'secret', path: 'shared/d' }, context).result,
    ];
    const wrote = runBuiltinTool('write_file', { path: 'shared/d/X', content: `attempt ${attempt}\n` }, context).result;
    if (!wrote.isError) written += 1;
    for (const result of results) {
      if (result.content.includes(SECRET) || result.content.includes('outside-only')) leaks.push(result.content);
    }
    const first = results[0];
    if (first && !first.isError && first.content === 'the inside file\n') inside += 1;
    if (first?.isError) refused += 1;
  }
  return { leaks, inside, refused, written };
}

/** What the folder outside holds: its two files, never a file or temporary a tool wrote. */
function outsideUntouched(outside: string): void {
  expect(readdirSync(outside).sort()).toEqual(['outside-only.txt', 'shadow']);
  expect(readFileSync(join(outside, 'shadow'), 'utf8')).toBe(`${SECRET}\n`);
}

describe('the file tools cannot be raced by a command swapping a folder with a link', () => {
  test('a swapper on the host: read_file, write_file, list_files and search_files never reach the folder outside', async () => {
    const scene = stage();
    const stop = join(scene.root, 'stop-swapping');
    const started = join(scene.root, 'swapping');
    const swapper: ChildProcess = spawn('python3', [SWAPPER, join(scene.root, 'workspace/d'), join(scene.root, 'workspace/link'), stop, started], { stdio: ['ignore', 'pipe', 'pipe'] });
    let said = '';
    swapper.stdout?.on('data', (chunk: Buffer) => (said += chunk.toString()));
    swapper.stderr?.on('data', (chunk: Buffer) => (said += chunk.toString()));
    const ended = new Promise((resolve) => swapper.on('close', resolve));
    try {
      await appears(started);
      const seen = hammer(scene);
      expect(seen.leaks.slice(0, 3)).toEqual([]);
      // The race was real: some tries met the link (and were refused), some the folder.
      expect(seen.refused).toBeGreaterThan(0);
      expect(seen.inside).toBeGreaterThan(0);
      expect(seen.written).toBeGreaterThan(0);
    } finally {
      write(scene.root, 'stop-swapping', 'stop\n');
      await ended;
    }
    expect(said).toMatch(/swapped \d+ times/);
    outsideUntouched(scene.outside);
    // What write_file wrote went into the shared workspace, and left no temporary there either.
    expect(readdirSync(join(scene.root, 'workspace/d')).sort()).toEqual(['X', 'inside-only.txt', 'shadow']);
  });

  test('the sweep of a crashed turn\'s temporaries, raced by a swapper, removes none outside the workspace', async () => {
    const scene = stage();
    // A temporary of a process that is gone, in the folder outside and in the shared workspace: the
    // sweep removes the inside one and must not reach the outside one through the swapped folder.
    const gone = spawnSync('true').pid;
    const leftover = `.notes.md.lemming-${gone}-0-1.tmp`;
    write(scene.outside, leftover, 'outside: not for the sweep\n');
    const stop = join(scene.root, 'stop-swapping');
    const started = join(scene.root, 'swapping');
    const swapper = spawn('python3', [SWAPPER, join(scene.root, 'workspace/d'), join(scene.root, 'workspace/link'), stop, started], { stdio: 'ignore' });
    const ended = new Promise((resolve) => swapper.on('close', resolve));
    let insideRemoved = 0;
    try {
      await appears(started);
      // Counted, not timed: each sweep walks the shared workspace while the names are exchanged.
      for (let attempt = 0; attempt < TRIES && existsSync(join(scene.outside, leftover)); attempt += 1) {
        write(scene.root, `workspace/${leftover}`, 'inside\n');
        sweepUnfinishedTurn(scene.root, []);
        if (!existsSync(join(scene.root, `workspace/${leftover}`))) insideRemoved += 1;
      }
    } finally {
      write(scene.root, 'stop-swapping', 'stop\n');
      await ended;
    }
    expect(readdirSync(scene.outside).sort()).toEqual([leftover, 'outside-only.txt', 'shadow']);
    expect(insideRemoved).toBe(TRIES);
  });

  test.skipIf(SANDBOX_PROBLEM !== undefined)('a swapper run by run_command under bwrap, in the same moments as the tools', async () => {
    const scene = stage();
    const { org } = loadOrg(scene.root);
    const coder = org.agents.get('coder_01');
    if (!coder) throw new Error('coder_01');
    // The link is the host's: the command only exchanges the two names of /shared.
    const command = runCommandTool(org, coder, {
      command: 'python3 - /shared/d /shared/link /shared/stop-swapping /shared/swapping',
      stdin: readFileSync(SWAPPER, 'utf8'),
    });
    try {
      await appears(join(scene.root, 'workspace/swapping'));
      const seen = hammer(scene);
      expect(seen.leaks.slice(0, 3)).toEqual([]);
      expect(seen.refused).toBeGreaterThan(0);
      expect(seen.inside).toBeGreaterThan(0);
    } finally {
      write(scene.root, 'workspace/stop-swapping', 'stop\n');
    }
    const ran = await command;
    expect(ran.result.content).toMatch(/swapped \d+ times/);
    outsideUntouched(scene.outside);
    mkdirSync(join(scene.root, 'workspace/d'), { recursive: true });
    expect(readdirSync(join(scene.root, 'workspace/d')).sort()).toEqual(['X', 'inside-only.txt', 'shadow']);
  });
});
