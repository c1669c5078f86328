import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { mkdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { decodeEditedText, editedReadAhead, readEditedFileAndStat } from '../../src/editable/edited-file.js';
import { LEADS_OUTSIDE } from '../../src/storage/inside-root.js';
import { FolderReads } from '../../src/storage/folder-reads.js';
import { FOLDER, growableBytes, LOOK_AHEAD_FROM, READ_FLAGS, READ_NUMBERS, SharedList, STAT_NUMBERS, THREADS, type LookedStat, type PathList, type ReadAheadFile } from '../../src/storage/look-ahead.js';
import { listedFolders, lookAheadThread } from '../../src/storage/look-ahead-thread.js';
import { realRootPrefix } from '../../src/storage/inside-root.js';
import { LstatAhead, StatAhead, type EntryStat } from '../../src/storage/stat-ahead.js';
import { ReadAhead } from '../../src/storage/read-ahead.js';
import { tempDir } from '../helpers/org-files.js';

/** What a loop needs of a stat, from `statSync` or from the thread alike. */
function seen(stat: LookedStat | undefined): unknown {
  return stat && { mtimeMs: stat.mtimeMs, size: stat.size, file: stat.isFile(), folder: stat.isDirectory() };
}

function errorOf(take: () => unknown): string | undefined {
  try {
    take();
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code;
  }
}

/**
 * A long list of paths of every kind a loop meets, as a prefix, names and a suffix: text files of
 * different sizes, one that is not UTF-8, one past the read's limit, a folder, a pipe, nothing
 * there, a path through a file, a name too long to open.
 */
function mixedPaths(count = LOOK_AHEAD_FROM + 500): PathList & { paths: string[] } {
  const root = tempDir('lemming-look-ahead-');
  const kinds: string[] = [];
  for (let index = 0; index < 50; index += 1) {
    writeFileSync(join(root, `file-${index}.md`), `---\ntitle: ${'é'.repeat(index)}\n---\n${'x'.repeat(index * 7)}`);
    kinds.push(`file-${index}.md`);
  }
  writeFileSync(join(root, 'latin1.md'), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
  writeFileSync(join(root, 'large.md'), 'y'.repeat(5_000));
  mkdirSync(join(root, 'folder'));
  execFileSync('mkfifo', [join(root, 'pipe')]);
  kinds.push('latin1.md', 'large.md', 'folder', 'pipe', 'missing.md', 'file-1.md/under-a-file', `${'n'.repeat(300)}.md`);
  const names = Array.from({ length: count }, (_, index) => kinds[(index * 13) % kinds.length] as string);
  return { prefix: `${root}/`, names, suffix: '', paths: names.map((name) => `${root}/${name}`) };
}

/** Run `look` on fresh lists until the thread took part (it starts at the first long list; a loop that finds it has done nothing yet does every path itself). */
async function untilTheThreadTakesPart(look: (wait: number) => Promise<number>): Promise<number> {
  let fromThread = 0;
  for (let attempt = 1; attempt <= 20 && fromThread === 0; attempt += 1) fromThread = await look(100 * attempt);
  return fromThread;
}

/**
 * What the thread read of `path` is what the one gate of editable files reads there now: nothing
 * there, or (only regular files within the limit) the same stamp, and the text or problem the gate
 * makes of the same bytes.
 */
function expectTheGatesRead(path: string, name: string, got: ReadAheadFile | 'missing', maxBytes: number): void {
  const own = readEditedFileAndStat(path, name, maxBytes);
  if (got === 'missing') expect({ path, read: own.read }).toEqual({ path, read: { missing: true } });
  else expect({ path, stamp: [got.mtimeMs, got.size], read: editedReadAhead(got, name)?.read }).toEqual({ path, stamp: [own.stat?.mtimeMs, own.stat?.size], read: own.read });
  // Handed over as text only when the gate takes the bytes as they are.
  if (got !== 'missing' && 'text' in got) expect(decodeEditedText(Buffer.from(got.text), name)).toEqual({ text: got.text });
}

/** A regular file of at most `maxBytes`: one the thread reads when it claims it. */
function smallFile(path: string, maxBytes: number): boolean {
  try {
    const stat = statSync(path, { throwIfNoEntry: false });
    return stat !== undefined && stat.isFile() && stat.size <= maxBytes;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('work taken ahead on a second core (storage/look-ahead.ts)', () => {
  test('stats: every answer is the one statSync gives, wherever it was taken: size, time, kind, nothing there, and the same error', async () => {
    const list = mixedPaths();
    // A list of stats this short does not start the thread (STAT_THREAD_FROM), but has its help once it runs, as after a process's first long list.
    lookAheadThread();
    const fromThread = await untilTheThreadTakesPart(async (wait) => {
      const ahead = StatAhead.of(list);
      await sleep(wait);
      let taken = 0;
      list.paths.forEach((path, index) => {
        const own = errorOf(() => statSync(path, { throwIfNoEntry: false }));
        if (own !== undefined) {
          expect({ path, code: errorOf(() => ahead.get(index)) }).toEqual({ path, code: own });
          return;
        }
        const stat = ahead.get(index);
        if (stat !== undefined && !(stat instanceof Object.getPrototypeOf(statSync(path)).constructor)) taken += 1;
        expect({ path, stat: seen(stat) }).toEqual({ path, stat: seen(statSync(path, { throwIfNoEntry: false })) });
      });
      ahead.done();
      return taken;
    });
    // The thread answered for some of them, not the loop alone.
    expect(fromThread).toBeGreaterThan(0);
  });

  test('lstats of a folder\'s entries (a walk of the org): the thread\'s say of each what lstatSync says, following no link; an error is the loop\'s to throw', async () => {
    const list = mixedPaths();
    const folder = list.prefix.slice(0, -1);
    symlinkSync(join(folder, 'file-1.md'), join(folder, 'link.md'));
    const names = list.names.map((name, index) => (index % 97 === 5 ? 'link.md' : name));
    const fields = (stat: EntryStat | undefined): unknown =>
      stat && {
        numbers: [stat.dev, stat.ino, stat.mode, stat.nlink, stat.uid, stat.gid, stat.size, stat.blocks, stat.mtimeMs, stat.ctimeMs],
        kinds: [stat.isFile(), stat.isDirectory(), stat.isSymbolicLink(), stat.isFIFO(), stat.isSocket()],
      };
    const fromThread = await untilTheThreadTakesPart(async (wait) => {
      const ahead = LstatAhead.of(folder, names);
      await sleep(wait);
      names.forEach((name, index) => {
        const path = `${folder}/${name}`;
        const own = errorOf(() => fs.lstatSync(path, { throwIfNoEntry: false }));
        if (own !== undefined) expect({ path, code: errorOf(() => ahead.get(index)) }).toEqual({ path, code: own });
        else expect({ path, stat: fields(ahead.get(index)) }).toEqual({ path, stat: fields(fs.lstatSync(path, { throwIfNoEntry: false })) });
      });
      ahead.done();
      return ahead.ahead;
    });
    expect(fromThread).toBeGreaterThan(0);
  });

  test('a slot the thread claims between the loop\'s look at it and its claim is the thread\'s: its answer is taken, never the slot as empty', () => {
    const kinds = new SharedArrayBuffer(4 * 2);
    const list = SharedList.adopt({ prefix: '/', names: ['x'], suffix: '' }, { kinds, numbers: new SharedArrayBuffer(8 * STAT_NUMBERS) });
    const view = new Int32Array(kinds);
    const original = Atomics.compareExchange;
    // The thread, just between the loop's load of the slot and its compareExchange: it claims the slot, then answers (a folder).
    const threadMeanwhile = (answer: number) =>
      ((array: Int32Array, index: number, expected: number, value: number) => {
        Atomics.compareExchange = original;
        Atomics.store(view, 1, answer);
        return original(array, index, expected, value);
      }) as typeof Atomics.compareExchange;
    try {
      Atomics.compareExchange = threadMeanwhile(FOLDER);
      expect(list.claim(0)).toBe(FOLDER);
      Atomics.store(view, 1, 0);
      Atomics.compareExchange = threadMeanwhile(THREADS);
      // Still on it: the loop that does not wait is told so, to look itself.
      expect(list.claimOrSee(0)).toBe(THREADS);
    } finally {
      Atomics.compareExchange = original;
    }
  });

  test('reads: the thread answers only for a whole file it read (the same bytes and stamp) or nothing there; the rest is left to the one gate of editable files', async () => {
    const list = mixedPaths();
    const maxBytes = 4_096;
    const fromThread = await untilTheThreadTakesPart(async (wait) => {
      const ahead = ReadAhead.of(list, maxBytes);
      await sleep(wait);
      let taken = 0;
      list.paths.forEach((path, index) => {
        const got = ahead.get(index);
        if (got === undefined) return;
        taken += 1;
        expectTheGatesRead(path, list.names[index] as string, got, maxBytes);
      });
      ahead.done();
      return taken;
    });
    expect(fromThread).toBeGreaterThan(0);
  });

  test('reads taken while the loop takes its own from the same end: each answer is its own path\'s, whichever side claimed the paths before it', async () => {
    const list = mixedPaths();
    const maxBytes = 4_096;
    let mixed = false;
    // No wait: the loop claims the first paths before the thread has the list, and the thread, going the same way, passes over them.
    for (let attempt = 1; attempt <= 20 && !mixed; attempt += 1) {
      const ahead = ReadAhead.of(list, maxBytes);
      let answered = 0;
      list.paths.forEach((path, index) => {
        const got = ahead.get(index);
        if (got === undefined) return;
        answered += 1;
        expectTheGatesRead(path, list.names[index] as string, got, maxBytes);
      });
      ahead.done();
      // The files the loop claimed first, read by the thread's rule (each checked above as the thread's are); the rest the thread's.
      const fromLoop = ahead.readBeforeTheThreadCount;
      const fromThread = answered - fromLoop - ahead.readFromTheEndCount;
      mixed = fromThread > 0 && fromLoop > 0;
      await sleep(10);
    }
    expect(mixed).toBe(true);
  });

  test("with an org's root, a file that is a link out of it is never read by the thread: the loop reads it, and the gate refuses it", async () => {
    const root = tempDir('lemming-look-ahead-org-');
    const outside = tempDir('lemming-look-ahead-outside-');
    writeFileSync(join(outside, 'secret.md'), 'the secret outside\n');
    writeFileSync(join(root, 'inside.md'), 'inside\n');
    symlinkSync(join(outside, 'secret.md'), join(root, 'out.md'));
    symlinkSync(join(root, 'inside.md'), join(root, 'in.md'));
    const names = Array.from({ length: LOOK_AHEAD_FROM + 100 }, (_, index) => ['inside.md', 'out.md', 'in.md'][index % 3] as string);
    const fromThread = await untilTheThreadTakesPart(async (wait) => {
      const ahead = ReadAhead.of({ prefix: `${root}/`, names, suffix: '' }, 4_096, root);
      await sleep(wait);
      let taken = 0;
      names.forEach((name, index) => {
        const got = ahead.get(index);
        if (got === undefined) return;
        taken += 1;
        // Only the file inside, or the link to it, is read ahead.
        expect(name === 'out.md' ? 'read' : 'ok', name).toBe('ok');
        expect(got !== 'missing' && editedReadAhead(got, name)?.read).toEqual({ text: 'inside\n' });
      });
      ahead.done();
      return taken;
    });
    expect(fromThread).toBeGreaterThan(0);
    expect(readEditedFileAndStat(join(root, 'out.md'), 'out.md', 4_096, root).read).toEqual({ problem: { file: 'out.md', message: LEADS_OUTSIDE, severity: 'error' } });
    expect(readEditedFileAndStat(join(root, 'in.md'), 'in.md', 4_096, root).read).toEqual({ text: 'inside\n' });
  });

  test('files the loop reads from the end while the thread reads the one it waits on: each the gate\'s answer, a link out of the org never read, and its answers checked after', async () => {
    const list = mixedPaths(LOOK_AHEAD_FROM * 4);
    const root = list.prefix.slice(0, -1);
    const outside = tempDir('lemming-look-ahead-outside-');
    writeFileSync(join(outside, 'secret.md'), 'the secret outside\n');
    symlinkSync(join(outside, 'secret.md'), join(root, 'out.md'));
    symlinkSync(join(root, 'file-3.md'), join(root, 'in.md'));
    const names = list.names.map((name, index) => (index % 7 === 0 ? 'out.md' : index % 11 === 0 ? 'in.md' : name));
    const maxBytes = 4_096;
    let fromTheEnd = 0;
    for (let attempt = 1; attempt <= 20 && fromTheEnd === 0; attempt += 1) {
      const ahead = ReadAhead.of({ prefix: list.prefix, names, suffix: '' }, maxBytes, root);
      await sleep(attempt - 1);
      // Answers taken as fast as they come (a loop that parses nothing catches the thread up, and would wait on it), then checked.
      const answers = names.map((_, index) => ahead.get(index));
      ahead.done();
      fromTheEnd = ahead.readFromTheEndCount;
      answers.forEach((got, index) => {
        const name = names[index] as string;
        if (got === undefined) return;
        expect(name === 'out.md' ? 'read' : 'ok', name).toBe('ok');
        expectTheGatesRead(`${list.prefix}${name}`, name, got, maxBytes);
      });
    }
    expect(fromTheEnd).toBeGreaterThan(0);
  });

  test('a short list is done by the loop, with no thread and nothing shared', () => {
    const list = mixedPaths(60);
    const stats = StatAhead.of(list);
    const reads = ReadAhead.of(list, 4_096);
    list.paths.forEach((path, index) => {
      expect(reads.get(index)).toBeUndefined();
      if (errorOf(() => statSync(path, { throwIfNoEntry: false })) !== undefined) return;
      const stat = stats.get(index);
      expect(stat === undefined || stat instanceof Object.getPrototypeOf(statSync(list.paths[0] as string)).constructor).toBe(true);
    });
    stats.done();
    reads.done();
  });
});

/**
 * An org's `agents/` of more folders than the thread's threshold, each with a resume of its own kind
 * (text, not UTF-8, a NUL, a byte order mark, too large, a pipe, none, a link in the org and one out
 * of it), and entries listedFolders passes over (a hidden folder, a file, a link to a folder).
 */
function agentsFolder(): { root: string; folder: string; outside: string } {
  const root = tempDir('lemming-folder-reads-');
  const outside = tempDir('lemming-folder-reads-outside-');
  writeFileSync(join(outside, 'resume.md'), 'the secret outside\n');
  const folder = join(root, 'agents');
  mkdirSync(folder);
  const kinds = ['text', 'latin1', 'nul', 'bom', 'large', 'pipe', 'none', 'link-in', 'link-out'];
  for (let index = 0; index < LOOK_AHEAD_FROM + 200; index += 1) {
    const name = `agent_${String(index).padStart(5, '0')}`;
    const at = join(folder, name);
    mkdirSync(at);
    const kind = kinds[index % kinds.length];
    const file = join(at, 'resume.md');
    if (kind === 'text') writeFileSync(file, `---\ntitle: ${'é'.repeat(index % 7)}\n---\n`);
    else if (kind === 'latin1') writeFileSync(file, Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
    else if (kind === 'nul') writeFileSync(file, 'a\0b');
    else if (kind === 'bom') writeFileSync(file, '\ufefftitle: x\n');
    else if (kind === 'large') writeFileSync(file, 'y'.repeat(5_000));
    else if (kind === 'pipe' && index < 50) execFileSync('mkfifo', [file]);
    else if (kind === 'link-in') symlinkSync(join(folder, 'agent_00000', 'resume.md'), file);
    else if (kind === 'link-out') symlinkSync(join(outside, 'resume.md'), file);
  }
  mkdirSync(join(folder, '.hidden'));
  writeFileSync(join(folder, '.hidden', 'resume.md'), 'hidden\n');
  writeFileSync(join(folder, 'a-file'), 'not a folder\n');
  symlinkSync(join(folder, 'agent_00000'), join(folder, 'a-link'));
  return { root, folder, outside };
}

describe('a folder listed and read on a second core from the start (FolderReads)', () => {
  test('the thread lists what listedFolders lists (folders, not hidden, not links, sorted) and reads what the gate reads; a link, in the org or out of it, is left to the gate', async () => {
    const { root, folder } = agentsFolder();
    const expected = listedFolders(fs, folder);
    expect(expected).not.toContain('.hidden');
    expect(expected).not.toContain('a-file');
    expect(expected).not.toContain('a-link');
    const fromThread = await untilTheThreadTakesPart(async (wait) => {
      const reads = FolderReads.of(folder, '/resume.md', 4_096, root);
      await sleep(wait);
      expect(reads.names()).toEqual(expected);
      let taken = 0;
      expected.forEach((name, index) => {
        const got = reads.get(index);
        if (got === undefined) return;
        taken += 1;
        const path = join(folder, name, 'resume.md');
        // A link is never read by the thread: opened without following it, it is the gate's to follow and judge.
        expect({ name, link: fs.lstatSync(path, { throwIfNoEntry: false })?.isSymbolicLink() ?? false }).toEqual({ name, link: false });
        expectTheGatesRead(path, name, got, 4_096);
      });
      // Nothing moved while the listing was trusted.
      expect(reads.done()).toBe(true);
      return taken;
    });
    expect(fromThread).toBeGreaterThan(0);
    expect(readEditedFileAndStat(join(folder, 'agent_00008', 'resume.md'), 'x', 4_096, root).read).toEqual({ problem: { file: 'x', message: LEADS_OUTSIDE, severity: 'error' } });
    expect(readEditedFileAndStat(join(folder, 'agent_00007', 'resume.md'), 'x', 4_096, root).read).toEqual(readEditedFileAndStat(join(folder, 'agent_00000', 'resume.md'), 'x', 4_096, root).read);
  });

  test('a folder reached through a link: each file the thread reads is judged by its descriptor, and one out of the org is never read', async () => {
    const { root, folder } = agentsFolder();
    // The org's `agents/` is a link to a folder elsewhere in the org: the names stay the same, the real paths do not.
    fs.renameSync(folder, join(root, 'people'));
    symlinkSync(join(root, 'people'), folder);
    const fromThread = await untilTheThreadTakesPart(async (wait) => {
      const reads = FolderReads.of(folder, '/resume.md', 4_096, root);
      await sleep(wait);
      const names = reads.names() ?? [];
      let taken = 0;
      names.forEach((name, index) => {
        const got = reads.get(index);
        if (got === undefined) return;
        taken += 1;
        expect({ name, read: got !== 'missing' && editedReadAhead(got, name)?.read }).not.toEqual({ name, read: { text: 'the secret outside\n' } });
        expectTheGatesRead(join(folder, name, 'resume.md'), name, got, 4_096);
      });
      reads.done();
      return taken;
    });
    expect(fromThread).toBeGreaterThan(0);
  });

  test('a folder swapped for a link out of the org after the listing: done says the listing did not hold, and a read with trust off asks each descriptor', async () => {
    const { root, folder, outside } = agentsFolder();
    const reads = FolderReads.of(folder, '/resume.md', 4_096, root);
    const names = reads.names() ?? [];
    expect(names).toContain('agent_00009');
    // An adversary swaps a listed agent's folder for a link to a folder outside the org, whose resume.md is a secret.
    fs.renameSync(join(folder, 'agent_00009'), join(root, 'moved-away'));
    symlinkSync(outside, join(folder, 'agent_00009'));
    names.forEach((_, index) => reads.get(index));
    expect(reads.done()).toBe(false);
    // Swapped back as it was: the folder's change time still moved.
    const again = FolderReads.of(folder, '/resume.md', 4_096, root);
    fs.unlinkSync(join(folder, 'agent_00009'));
    fs.renameSync(join(root, 'moved-away'), join(folder, 'agent_00009'));
    (again.names() ?? []).forEach((_, index) => again.get(index));
    expect(again.done()).toBe(false);
    // With trust off, the thread asks each descriptor: the secret is never read, whatever is swapped when (the last listed, read last).
    const checked = FolderReads.of(folder, '/resume.md', 4_096, root, false);
    const listed = checked.names() ?? [];
    const last = listed.at(-1) as string;
    fs.renameSync(join(folder, last), join(root, 'moved-last'));
    symlinkSync(outside, join(folder, last));
    listed.forEach((name, index) => {
      const got = checked.get(index);
      expect({ name, read: got !== undefined && got !== 'missing' && editedReadAhead(got, name)?.read }).not.toEqual({ name, read: { text: 'the secret outside\n' } });
    });
    expect(checked.done()).toBe(true);
  });

  test('given up before its listing is taken, the thread stops: the next list has its help', async () => {
    const { root, folder } = agentsFolder();
    FolderReads.of(folder, '/resume.md', 4_096, root).done();
    const list = mixedPaths();
    const fromThread = await untilTheThreadTakesPart(async (wait) => {
      const ahead = ReadAhead.of(list, 4_096);
      await sleep(wait);
      let taken = 0;
      list.paths.forEach((_, index) => {
        if (ahead.get(index) !== undefined) taken += 1;
      });
      ahead.done();
      return taken;
    });
    expect(fromThread).toBeGreaterThan(0);
  });

  test('a folder that cannot be listed has no names, as listedFolders throws for it', () => {
    const root = tempDir('lemming-folder-reads-none-');
    const reads = FolderReads.of(join(root, 'agents'), '/resume.md', 4_096, root);
    expect(reads.names()).toBeUndefined();
    reads.done();
  });
});

describe('files the loop comes to before the thread does', () => {
  // The thread not yet at them (a machine that did not run it for a while): the loop claims each slot itself.
  test("are read by the thread's rule, as the gate reads them, with no look at where each lies when none is asked; a link out of the org is left to the gate", () => {
    const { root, folder } = agentsFolder();
    const names = listedFolders(fs, folder);
    const paths: PathList = { prefix: `${folder}/`, names, suffix: '/resume.md' };
    const readsOf = (within: string | undefined): ReadAhead => {
      const list = SharedList.adopt(paths, { kinds: new SharedArrayBuffer(4 * (names.length + 1)), numbers: new SharedArrayBuffer(8 * READ_NUMBERS * names.length) });
      return ReadAhead.adopt(list, growableBytes(), { maxBytes: 4_096, flags: READ_FLAGS, ...(within === undefined ? {} : { within }) }, names.length);
    };
    const within = realRootPrefix(root);
    expect(within).toBeDefined();
    const reads = readsOf(within);
    let taken = 0;
    names.forEach((name, index) => {
      const got = reads.get(index);
      const path = join(folder, name, 'resume.md');
      if (got === undefined) {
        // Left to the gate: not a small regular file, or one whose descriptor lies out of the org.
        expect({ name, small: smallFile(path, 4_096) && !('problem' in readEditedFileAndStat(path, name, 4_096, root).read) }).toEqual({ name, small: false });
        return;
      }
      taken += 1;
      expect({ name, read: got !== 'missing' && editedReadAhead(got, name)?.read }).not.toEqual({ name, read: { text: 'the secret outside\n' } });
      expectTheGatesRead(path, name, got, 4_096);
    });
    reads.done();
    // Every small file in the org, and every missing one: before, none (each read again through the gate).
    expect(taken).toBeGreaterThan(names.length / 2);
  });
});
