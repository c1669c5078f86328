import { closeSync, mkdirSync, openSync, readFileSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { formatMemory, type Memory } from '../../src/memory/memory-file.js';
import { StreamIndex } from '../../src/memory/memory-index.js';
import { recallFor } from '../../src/memory/memory-layer.js';
import { memoryCacheFile, streamFolder } from '../../src/memory/memory-paths.js';
import { writeMemories } from '../../src/memory/memory-stream.js';
import { searchMemories } from '../../src/memory/search-memories.js';
import { lemmingProcess } from '../helpers/cli.js';
import { humanSendsAll, memoryOrg } from '../helpers/memory-org.js';
import { tempDir } from '../helpers/temp-dirs.js';

/*
 * An agent's memory stream and its index, attacked: the index under org/state/cache/memory/ planted
 * huge, not JSON, of the wrong shape or nested deep; the stream made of 20,000 small files, or of
 * files far larger than a memory. Measured by what this thread read (Linux's /proc/thread-self/io:
 * the bytes and read calls of the synchronous reads the index makes here), not by time.
 */

const SETTINGS = { budgetTokens: 400, reflect: { every: 0, importance: 0 }, weights: { recency: 0.5, relevance: 3, importance: 2 } };

const memory = (id: string, turn: number, text: string): Memory => ({ id, turn, kind: 'observation', importance: 5, sources: [], text });

/** Bytes and read calls of this thread so far. */
function readSoFar(): { bytes: number; calls: number } {
  const io = readFileSync('/proc/thread-self/io', 'utf8');
  const field = (name: string): number => Number(new RegExp(`^${name}: (\\d+)$`, 'm').exec(io)?.[1] ?? Number.NaN);
  return { bytes: field('rchar'), calls: field('syscr') };
}

/** What `work` read, counted. */
function counted<T>(work: () => T): { result: T; bytes: number; calls: number } {
  const before = readSoFar();
  const result = work();
  const after = readSoFar();
  return { result, bytes: after.bytes - before.bytes, calls: after.calls - before.calls };
}

/** A stream of `count` memories about the vault and the ferry, its index saved (as a first look of a large stream saves it). */
function streamOf(count: number): { root: string; agent: string } {
  const root = tempDir('lemming-memory-bounds-');
  const agent = `keeper_${Math.random().toString(36).slice(2, 8)}`;
  writeMemories(root, agent, Array.from({ length: count }, (_, index) => memory(`000001-${String(index + 1).padStart(3, '0')}`, 1, `Filed note ${index} about the ${index % 2 ? 'ferry' : 'vault'}.`)));
  return { root, agent };
}

/** The folder's time as it is, so a planted index dated to it is taken without listing the folder. */
function folderTimeOf(root: string, agent: string): number {
  return statSync(streamFolder(root, agent)).mtimeMs;
}

function plant(root: string, agent: string, text: string | ((file: string) => void)): void {
  const file = memoryCacheFile(root, agent);
  mkdirSync(dirname(file), { recursive: true });
  if (typeof text === 'string') writeFileSync(file, text);
  else text(file);
}

const recalledIds = (root: string, agent: string): string[] =>
  recallFor(root, agent, SETTINGS, 5, ['the vault'])
    .memories.map((held) => held.id)
    .sort();

describe('the stream index under org/state/cache/memory/ is a cache: planted, it is rebuilt from the files', () => {
  test('a 200 MB index is not read: the stream is read from its files', () => {
    const { root, agent } = streamOf(30);
    plant(root, agent, (file) => {
      closeSync(openSync(file, 'w'));
      truncateSync(file, 200 * 1024 * 1024);
    });
    const read = counted(() => recalledIds(root, agent));
    expect(read.result).toHaveLength(30);
    // Thirty small files and their folder: some kilobytes. Reading the planted index whole was 200 MB.
    expect(read.bytes).toBeLessThan(1024 * 1024);
  });

  test('an index that is not JSON, or nested 100,000 deep, is rebuilt; the turn goes on', () => {
    for (const planted of ['not json {', `${'['.repeat(100_000)}${']'.repeat(100_000)}`, `{"version":2,"folderTime":0,"entries":${'['.repeat(100_000)}${']'.repeat(100_000)}}`]) {
      const { root, agent } = streamOf(30);
      plant(root, agent, planted);
      expect(recalledIds(root, agent)).toHaveLength(30);
    }
  });

  test('an index of the wrong shape, dated to the folder so that it would be taken as it is, is rebuilt from the files', () => {
    const shapes: Array<(folderTime: number) => unknown> = [
      // A memory whose text is not text: the full-text index threw on it, and the turn with it.
      (folderTime) => ({ version: 2, folderTime, entries: [['000001-001-observation.md', '1:1', { id: 'x', turn: 1, kind: 'observation', importance: 5, sources: [], text: 5 }]] }),
      (folderTime) => ({ version: 2, folderTime, entries: [['../../../etc/passwd', '1:1', memory('x', 1, 'the vault code is forged')]] }),
      (folderTime) => ({ version: 2, folderTime, entries: [['000001-001-observation.md', '1:1', { ...memory('x', 1, 'the vault'), kind: 'dream', importance: 99 }]] }),
      (folderTime) => ({ version: 2, folderTime, entries: 'all of them' }),
      (folderTime) => ({ version: 2, folderTime, entries: [[1, 2, 3]] }),
    ];
    for (const shape of shapes) {
      const { root, agent } = streamOf(30);
      plant(root, agent, JSON.stringify(shape(folderTimeOf(root, agent))));
      const ids = recalledIds(root, agent);
      expect(ids).toHaveLength(30);
      expect(ids).not.toContain('x');
    }
  });

  test('in a run: a planted index of the wrong shape does not crash the turn, and the prompt recalls what the files hold', () => {
    const root = memoryOrg({ memory: '{ keep: true }' });
    // Call traces kept, to read the prompt with `lemming trace`.
    const orgYaml = join(root, 'org', 'org.yaml');
    writeFileSync(orgYaml, readFileSync(orgYaml, 'utf8').replace('engine:\n', 'engine:\n  traces: { keep: 10 }\n'));
    humanSendsAll(root, [{ subject: 'For the record: vault', body: 'For the record, the vault code is cobalt-417.' }]);
    expect(lemmingProcess(root, ['run', '--plain']).status).toBe(0);
    const folder = streamFolder(root, 'keeper');
    // Dated to the folder, so that it would be taken as it is; of the wrong shape (a text that is a number).
    plant(root, 'keeper', JSON.stringify({ version: 2, folderTime: statSync(folder).mtimeMs, entries: [['planted.md', '1:1', { id: 'x', turn: 1, kind: 'observation', importance: 5, sources: [], text: 5 }]] }));
    humanSendsAll(root, [{ subject: 'Question about the vault', body: 'What is the vault code?' }]);
    // A process of its own, as a person's next run: nothing of the index held but what the cache says.
    const run = lemmingProcess(root, ['run', '--plain']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('0 error(s)');
    const trace = lemmingProcess(root, ['trace', 'keeper']);
    expect(trace.stdout).toMatch(/<recalled id="000001-001"[^>]*>\nhuman wrote to me, subject "For the record: vault": For the record, the vault code is cobalt-417\./);
    expect(trace.stdout).not.toContain('<recalled id="x"');
  }, 60_000);
});

describe('a stream too large to read whole: each turn reads a bounded part of it, the newest, and says what it left out', () => {
  test('20,000 small memory files: the newest 5,000 are read, the older are left out and said so', () => {
    const root = memoryOrg({ memory: '{ keep: true }' });
    const agent = 'keeper';
    const folder = streamFolder(root, agent);
    mkdirSync(folder, { recursive: true });
    for (let index = 1; index <= 20_000; index += 1) {
      const turn = Math.ceil(index / 4);
      const id = `${String(turn).padStart(6, '0')}-${String(((index - 1) % 4) + 1).padStart(3, '0')}`;
      writeFileSync(join(folder, `${id}-observation.md`), formatMemory(memory(id, turn, `Filed note ${index} about the ${index % 2 ? 'ferry' : 'vault'}.`)));
    }
    utimesSync(folder, new Date(), new Date(Date.now() - 60_000));
    const read = counted(() => StreamIndex.of(root, agent).refresh().memories());
    // Read: the 5,000 newest files (some 150 bytes each, a few calls a file) and the folder's listing; before, all 20,000.
    expect(read.result).toHaveLength(5_000);
    expect(read.result[0]?.turn).toBe(3_751);
    expect(read.result.at(-1)?.turn).toBe(5_000);
    expect(read.calls).toBeLessThan(5_000 * 3);
    expect(searchMemories(root, agent, { turn: 5_001, limit: 1 }).left_out).toBe(`agents/${agent}/memory/stream holds more than the 5,000 memory files a turn reads: the newest are read, and 003750-004-observation.md and those before it are left out`);
  });

  test('1,000 memory files of 1 MB each: each is read cut at 64 KB, and no more than 16 MB in all; the older are left out and said so', () => {
    const root = memoryOrg({ memory: '{ keep: true }' });
    const agent = 'keeper';
    const folder = streamFolder(root, agent);
    mkdirSync(folder, { recursive: true });
    for (let index = 1; index <= 1_000; index += 1) {
      const file = join(folder, `${String(index).padStart(6, '0')}-001-observation.md`);
      writeFileSync(file, `The vault note ${index}.\n`);
      truncateSync(file, 1024 * 1024);
    }
    utimesSync(folder, new Date(), new Date(Date.now() - 60_000));
    const read = counted(() => StreamIndex.of(root, agent).refresh().memories());
    // Before: 64 KB of each of the 1,000 files, 64 MB.
    expect(read.bytes).toBeLessThan(17 * 1024 * 1024);
    expect(read.result).toHaveLength(256);
    expect(read.result.at(-1)?.turn).toBe(1_000);
    expect(searchMemories(root, agent, { turn: 1_001, limit: 1 }).left_out).toBe(`agents/${agent}/memory/stream holds more than the 16 MB of memories a turn reads: the newest are read, and 000744-001-observation.md and those before it are left out`);
  });

  test('in a run: a stream larger than a turn reads is said once, as a warning of the turn that met it', () => {
    // A message a turn: two turns recall from the stream.
    const root = memoryOrg({ memory: '{ keep: true }', maxMessages: 1 });
    const folder = streamFolder(root, 'keeper');
    mkdirSync(folder, { recursive: true });
    for (let index = 1; index <= 5_001; index += 1) {
      const id = `000000-${String(index).padStart(5, '0')}`;
      writeFileSync(join(folder, `${id}-observation.md`), formatMemory(memory(id, 0, `Old note ${index}.`)));
    }
    humanSendsAll(root, [
      { subject: 'For the record: vault', body: 'For the record, the vault code is cobalt-417.' },
      { subject: 'Question about the vault', body: 'What is the vault code?' },
    ]);
    const run = lemmingProcess(root, ['run', '--plain']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('[turn 2] keeper thinking');
    const said = run.stdout.split('\n').filter((line) => line.includes('memory/stream holds more'));
    // Turn 1 met 5,001 files and says so; turn 2, which leaves out more (turn 1's memories are newer), says nothing again.
    expect(said).toEqual(['[turn 1] warning: agents/keeper/memory/stream holds more than the 5,000 memory files a turn reads: the newest are read, and 000000-00001-observation.md and those before it are left out']);
  }, 60_000);
});
