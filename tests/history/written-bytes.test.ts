import { execFileSync } from 'node:child_process';
import fs, { appendFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { NextAgentProvider } from '../../bench/bench-providers.js';
import { agentName, buildOrg } from '../../bench/build-org.js';
import { Engine } from '../../src/engine/engine.js';
import { HistoryWriter } from '../../src/history/history-writer.js';
import { storedPath } from '../../src/history/stored-path.js';
import { workspaceLimitsOf } from '../../src/org/workspace-limits.js';
import { writeFileAtomic } from '../../src/storage/atomic-write.js';
import { appendText } from '../../src/storage/write-bytes.js';
import { registerSecret } from '../../src/secrets/secrets.js';
import { callsTo, countFsWork } from '../helpers/fs-work.js';
import { tempDir } from '../helpers/org-files.js';

/*
 * An entry of the history takes the bytes lemming itself wrote since the last (the write layer tells
 * the history's writer, storage/written-files.ts) instead of opening and reading each file again;
 * a file changed by anyone else since has another stamp, and is read. Counted, not timed.
 */

const SECRET = 'sk-written-bytes-0123456789abcdef';

/** The history's newest commit, and a file as it holds it there. */
function newest(root: string): { commit: string; file: (path: string) => string | undefined } {
  const gitDir = join(root, 'org/state/history.git');
  const commit = execFileSync('git', ['--git-dir', gitDir, 'rev-parse', 'refs/heads/main'], { encoding: 'utf8' }).trim();
  const file = (path: string): string | undefined => {
    try {
      return execFileSync('git', ['--git-dir', gitDir, 'show', `${commit}:${storedPath(path)}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      return undefined;
    }
  };
  return { commit, file };
}

test('an entry holds what lemming wrote without reading it again, and reads a file changed by hand between the write and the entry', { timeout: 60_000 }, async () => {
  const root = tempDir('lemming-written-bytes-');
  for (const folder of ['agents/ann/logs', 'agents/ann/outbox', 'org/state/engine']) mkdirSync(join(root, folder), { recursive: true });
  const at = (path: string): string => join(root, path);
  const writer = HistoryWriter.open(root, true, () => workspaceLimitsOf(undefined));
  if (!(writer instanceof HistoryWriter)) throw new Error(`no history writer: ${JSON.stringify(writer)}`);
  const log = 'agents/ann/logs/activity.jsonl';
  const ledger = 'org/state/ledger.jsonl';
  const message = 'agents/ann/outbox/000002-001-bob.md';
  const part = 'org/state/engine/1.json';
  const state = 'org/state/engine.json';
  try {
    await writer.beforeTurn(0);
    // Turn 1, as the engine writes: appends to records that grow, and files written whole.
    appendText(at(log), '{"turn":1}\n');
    appendText(at(ledger), '{"charge":1}\n');
    writeFileAtomic(at(state), '{"turn":1}\n');
    writer.afterCommit(1, 0);
    await writer.settle();
    // Turn 2: the engine writes again, then a person (or a tool) writes some of the same files before the entry looks.
    appendText(at(log), '{"turn":2}\n');
    appendFileSync(at(log), '{"by":"hand"}\n');
    appendText(at(ledger), '{"charge":2}\n');
    appendText(at(ledger), '{"charge":3}\n');
    writeFileAtomic(at(message), 'from the engine\n');
    writeFileSync(at(message), 'edited by hand, in place and longer\n');
    writeFileAtomic(at(part), '{"a":1}\n');
    writeFileAtomic(at(state), '{"turn":2}\n');
    // The same size, another file put in its place (a new inode): an editor's save.
    writeFileSync(at('org/state/engine.json.saved'), '{"turn":9}\n');
    renameSync(at('org/state/engine.json.saved'), at(state));
    const work = await countFsWork(async () => {
      writer.afterCommit(2, 0);
      await writer.settle();
    });
    const entry = newest(root);
    for (const path of [log, ledger, message, part, state]) expect(entry.file(path), path).toBe(readFileSync(at(path), 'utf8'));
    expect(entry.file(log)).toBe('{"turn":1}\n{"turn":2}\n{"by":"hand"}\n');
    expect(entry.file(state)).toBe('{"turn":9}\n');
    // Read: the three files written by hand; the ledger (two appends to what the last entry held) and the state's part are lemming's bytes.
    expect(callsTo(work, 'readSync')).toBe(3);
    // Turn 3: only lemming writes, and the entry reads nothing, the log grown from what the last entry read of it.
    appendText(at(log), '{"turn":3}\n');
    appendText(at(ledger), '{"charge":4}\n');
    writeFileAtomic(at(state), '{"turn":3}\n');
    const quiet = await countFsWork(async () => {
      writer.afterCommit(3, 0);
      await writer.settle();
    });
    const third = newest(root);
    expect(third.commit).not.toBe(entry.commit);
    for (const path of [log, ledger, message, part, state]) expect(third.file(path), path).toBe(readFileSync(at(path), 'utf8'));
    expect(callsTo(quiet, 'readSync')).toBe(0);
    // What the history takes is what went to the file: the org's secrets cut from it, as from every byte lemming writes.
    registerSecret('WRITTEN_BYTES_KEY', SECRET);
    appendText(at(log), `{"said":"${SECRET}"}\n`);
    writeFileAtomic(at(message), `the key is ${SECRET}\n`);
    writer.afterCommit(4, 0);
    await writer.settle();
    const fourth = newest(root);
    for (const path of [log, message]) {
      expect(fourth.file(path), path).toBe(readFileSync(at(path), 'utf8'));
      expect(fourth.file(path), path).not.toContain(SECRET);
    }
  } finally {
    await writer.close();
  }
});

/** Runs `work` with `fs.readSync` counted while `counting()` says so: the calls counted. */
async function readsWhile(counting: () => boolean, work: () => Promise<void>): Promise<number> {
  let reads = 0;
  const module = fs as unknown as Record<string, (...args: unknown[]) => unknown>;
  const original = module.readSync as (...args: unknown[]) => unknown;
  module.readSync = function counted(this: unknown, ...args: unknown[]) {
    if (counting()) reads += 1;
    return original.apply(this, args);
  };
  syncBuiltinESMExports();
  try {
    await work();
  } finally {
    module.readSync = original;
    syncBuiltinESMExports();
  }
  return reads;
}

test("a steady turn's entry reads no file the engine wrote", { timeout: 180_000 }, async () => {
  const AGENTS = 40;
  /** The files read from the second turn of a run of 4 on (its entries and the last's), of an org built with or without a history. */
  const steadyReads = async (keepHistory: boolean): Promise<number> => {
    const root = tempDir('lemming-written-reads-');
    buildOrg(root, { agents: AGENTS, history: 0, withMail: AGENTS, keepHistory });
    const provider = new NextAgentProvider(Array.from({ length: AGENTS }, (_, index) => agentName(index)));
    const engine = Engine.open({ root, providerFactory: () => provider });
    let started = 0;
    try {
      return await readsWhile(
        () => started >= 2,
        async () => {
          for await (const event of engine.run({ maxTurns: 4, stopWhenIdle: false })) if (event.type === 'turn-started') started += 1;
        },
      );
    } finally {
      await engine.close();
    }
  };
  const none = await steadyReads(false);
  const kept = await steadyReads(true);
  // Before the write layer told the history, each of the three entries read every file its turn wrote, an activity log
  // and a message an agent: 2 × AGENTS × 3 = 240 reads more than without a history (252 seen). Now none (0 seen).
  expect(kept - none).toBeLessThan(AGENTS / 2);
});
