import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { openBase } from '../../src/sandbox/beneath/open-beneath.js';
import { UNBOUNDED, walkBeneath, WalkBeneath, type WalkBounds, type WalkedEntry } from '../../src/sandbox/beneath/walk-beneath.js';
import { tempDir } from '../helpers/temp-dirs.js';

/** Walk `folder` with `bounds`; the paths visited (passed-over ones marked) and the report. */
function walk(folder: string, bounds: Partial<WalkBounds> = {}, options: { enterGit?: boolean; lastFirst?: boolean } = {}): { seen: string[]; report: ReturnType<typeof walkBeneath> } {
  const base = openBase(folder);
  if ('code' in base) throw new Error(base.code);
  const seen: string[] = [];
  try {
    const report = walkBeneath(base.fd, { ...UNBOUNDED, ...bounds }, (entry: WalkedEntry) => {
      seen.push(entry.passed ? `${entry.path} [${entry.passed}]` : entry.path);
      return undefined;
    }, options);
    return { seen, report };
  } finally {
    closeSync(base.fd);
  }
}

describe('the one walker of what agents wrote', () => {
  test('regular files and folders are taken breadth-first in name order; a link, a pipe and a nested .git are named and passed over, never entered', () => {
    const root = tempDir();
    mkdirSync(join(root, 'b/inner'), { recursive: true });
    writeFileSync(join(root, 'b/inner/deep.txt'), 'deep');
    writeFileSync(join(root, 'a.txt'), 'a');
    mkdirSync(join(root, 'repo/.git/objects'), { recursive: true });
    writeFileSync(join(root, 'repo/.git/config'), '[core]');
    symlinkSync('/etc', join(root, 'etc-link'));
    symlinkSync('/etc/passwd', join(root, 'b/passwd'));
    execFileSync('mkfifo', [join(root, 'pipe')]);
    const { seen, report } = walk(root);
    expect(seen).toEqual(['a.txt', 'b', 'etc-link [link]', 'pipe [pipe]', 'repo', 'b/inner', 'b/passwd [link]', 'repo/.git [git]', 'b/inner/deep.txt']);
    expect(report.passed.map((passed) => `${passed.path}:${passed.reason}`)).toEqual(['etc-link:link', 'pipe:pipe', 'b/passwd:link', 'repo/.git:git']);
    expect(report.fileBytes).toBe(5);
    // The quota measures what .git holds like any other folder.
    expect(walk(root, {}, { enterGit: true }).seen).toContain('repo/.git/config');
  });

  test('depth and path length are bounded: a chain of folders past them is passed over where it passes, and nothing below it is read', () => {
    const root = tempDir();
    const chain = Array.from({ length: 10 }, (_, index) => `d${index}`);
    mkdirSync(join(root, ...chain), { recursive: true });
    writeFileSync(join(root, ...chain, 'bottom.txt'), 'x');
    const deep = walk(root, { depth: 3 });
    expect(deep.seen).toEqual(['d0', 'd0/d1', 'd0/d1/d2', 'd0/d1/d2/d3 [depth]']);
    const long = walk(root, { pathBytes: 8 });
    expect(long.seen).toEqual(['d0', 'd0/d1', 'd0/d1/d2', 'd0/d1/d2/d3 [path]']);
  });

  test('the entries are bounded: the walk stops at the bound and says where, however many more there are', () => {
    const root = tempDir();
    for (let index = 0; index < 50; index += 1) writeFileSync(join(root, `f${String(index).padStart(2, '0')}`), '');
    const { seen, report } = walk(root, { entries: 10 });
    expect(seen).toHaveLength(10);
    expect(report).toMatchObject({ entries: 10, stopped: 'entries', passedCount: 1, passed: [{ path: 'f10', reason: 'entries' }] });
    // Last names first (a memory stream's newest): the bound keeps the last ten, and names the first it leaves out.
    const last = walk(root, { entries: 10 }, { lastFirst: true });
    expect(last.seen).toEqual(['f49', 'f48', 'f47', 'f46', 'f45', 'f44', 'f43', 'f42', 'f41', 'f40']);
    expect(last.report).toMatchObject({ entries: 10, stopped: 'entries', passed: [{ path: 'f39', reason: 'entries' }] });
  });

  test("a file's apparent size counts its holes: a sparse file past the bound of one file, or past what all may hold together, is passed over", () => {
    const root = tempDir();
    writeFileSync(join(root, 'a-small.txt'), 'x'.repeat(100));
    writeFileSync(join(root, 'b-sparse.img'), '');
    truncateSync(join(root, 'b-sparse.img'), 1024 * 1024 * 1024);
    writeFileSync(join(root, 'c-medium.txt'), 'y'.repeat(600));
    writeFileSync(join(root, 'd-last.txt'), 'z'.repeat(301));
    const { seen, report } = walk(root, { fileBytes: 4096, totalBytes: 1000 });
    expect(seen).toEqual(['a-small.txt', 'b-sparse.img [file-bytes]', 'c-medium.txt', 'd-last.txt [total-bytes]']);
    expect(report.passed[0]).toEqual({ path: 'b-sparse.img', reason: 'file-bytes', size: 1024 * 1024 * 1024 });
    expect(report.fileBytes).toBe(700);
  });

  test('a walk in steps meets what a walk at once meets, a few entries at a time', () => {
    const root = tempDir();
    for (const folder of ['x', 'y/z']) mkdirSync(join(root, folder), { recursive: true });
    for (let index = 0; index < 7; index += 1) writeFileSync(join(root, index % 2 ? 'x' : 'y/z', `f${index}`), 'data');
    const whole = walk(root).seen;
    const base = openBase(root);
    if ('code' in base) throw new Error(base.code);
    const seen: string[] = [];
    const stepped = new WalkBeneath(base.fd, UNBOUNDED, (entry) => {
      seen.push(entry.path);
      return undefined;
    });
    let steps = 0;
    while (!stepped.step(2)) steps += 1;
    closeSync(base.fd);
    expect(seen).toEqual(whole);
    expect(steps).toBeGreaterThanOrEqual(5);
  });

  test('a folder swapped for a link before it is entered is passed over as a link, and what it points at is not read', () => {
    const root = tempDir();
    const outside = tempDir();
    writeFileSync(join(outside, 'secret.txt'), 'secret');
    mkdirSync(join(root, 'work'));
    const base = openBase(root);
    if ('code' in base) throw new Error(base.code);
    const seen: string[] = [];
    const walker = new WalkBeneath(base.fd, UNBOUNDED, (entry) => {
      seen.push(entry.passed ? `${entry.path} [${entry.passed}]` : entry.path);
      if (entry.path === 'work') {
        // A command swaps the folder for a link between the listing and the walk's entering it.
        execFileSync('sh', ['-c', `rmdir '${join(root, 'work')}' && ln -s '${outside}' '${join(root, 'work')}'`]);
      }
      return undefined;
    });
    walker.run();
    closeSync(base.fd);
    expect(seen).toEqual(['work']);
    expect(walker.report.passed).toEqual([{ path: 'work', reason: 'link' }]);
  });

  test('a file that cannot be opened does not stop a walk; a folder that cannot be read is named as unreadable', () => {
    const root = tempDir();
    mkdirSync(join(root, 'closed'));
    writeFileSync(join(root, 'closed/inside.txt'), 'x');
    const fd = openSync(join(root, 'closed'), 'r');
    closeSync(fd);
    execFileSync('chmod', ['000', join(root, 'closed')]);
    const { report } = walk(root);
    execFileSync('chmod', ['755', join(root, 'closed')]);
    // Root reads a folder of mode 000 all the same; another user meets EACCES.
    if (process.getuid?.() !== 0) expect(report.passed).toEqual([{ path: 'closed', reason: 'unreadable', code: 'EACCES' }]);
    else expect(report.passed).toEqual([]);
  });
});
