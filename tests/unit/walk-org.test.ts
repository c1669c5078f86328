import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { openWalkedFile, walkOrg, type OpenedFile, type WorkspaceLimitsOf } from '../../src/org/walk-org.js';
import { tempDir } from '../helpers/temp-dirs.js';

const LIMITS: WorkspaceLimitsOf = () => ({ disk_mb: 1, max_files: 1000 });

/** Every file under `folder` (by plain recursion: the test's own view), relative to `root`. */
function allFiles(root: string, relative: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(join(root, relative))) {
    const path = `${relative}/${name}`;
    if (statSync(join(root, path)).isDirectory()) found.push(...allFiles(root, path));
    else found.push(path);
  }
  return found;
}

function taken(root: string, trees?: string[][]): Set<string> {
  const files = new Set<string>();
  walkOrg(root, LIMITS, (file) => files.add(file.path), trees ? { trees } : {});
  return files;
}

describe('the walk of the org', () => {
  test('a file named alone (what a watch saw) is taken exactly when a whole walk takes it: the same bounds of depth and path', () => {
    const root = tempDir();
    const workspace = 'agents/coder_01/workspace';
    // A chain of 70 folders, a file at each level: the bound (64 folders) falls inside it.
    let folder = workspace;
    for (let depth = 0; depth < 70; depth += 1) {
      folder = `${folder}/d${depth}`;
      mkdirSync(join(root, folder), { recursive: true });
      writeFileSync(join(root, folder, 'f.txt'), 'x');
    }
    // A path past 1,024 bytes from the workspace in few folders.
    const long = `${workspace}/${'a'.repeat(250)}/${'b'.repeat(250)}/${'c'.repeat(250)}/${'d'.repeat(250)}`;
    mkdirSync(join(root, long), { recursive: true });
    writeFileSync(join(root, long, 'short.txt'), 'x');
    writeFileSync(join(root, long, 'e'.repeat(40)), 'x');
    mkdirSync(join(root, 'org'), { recursive: true });
    writeFileSync(join(root, 'org/org.yaml'), 'name: x\n');
    const whole = taken(root);
    expect(whole.has('org/org.yaml')).toBe(true);
    const files = allFiles(root, 'agents');
    expect(files.length).toBeGreaterThan(70);
    for (const file of files) expect(taken(root, [file.split('/')]).has(file), file).toBe(whole.has(file));
    // The deepest files and the longest path are past the bounds.
    expect(whole.has(`${folder}/f.txt`)).toBe(false);
    expect(whole.has(`${long}/${'e'.repeat(40)}`)).toBe(false);
    expect(whole.has(`${workspace}/d0/f.txt`)).toBe(true);
  });

  test('a file changed between the walk meeting it and its opening is taken as the walk found it: a pipe in its place refused, a larger one read no further; opened later by its path, no link on the way is followed', () => {
    const root = tempDir();
    mkdirSync(join(root, 'workspace/d'), { recursive: true });
    writeFileSync(join(root, 'workspace/a-pipe'), 'plain\n');
    writeFileSync(join(root, 'workspace/b-grows'), 'grows\n');
    writeFileSync(join(root, 'workspace/d/shadow'), 'inside\n');
    const outside = tempDir();
    writeFileSync(join(outside, 'shadow'), 'OUTSIDE\n');
    const said = (opened: OpenedFile): string => {
      if ('code' in opened) return opened.code;
      closeSync(opened.fd);
      return `${opened.bytes} bytes`;
    };
    const opened = new Map<string, string>();
    walkOrg(root, LIMITS, (file) => {
      // Between the walk's look and the open: what a command racing it does.
      if (file.path === 'workspace/a-pipe') {
        rmSync(join(root, file.path));
        expect(spawnSync('mkfifo', [join(root, file.path)]).status).toBe(0);
      }
      if (file.path === 'workspace/b-grows') truncateSync(join(root, file.path), 64 * 1024 * 1024);
      opened.set(file.path, said(file.open()));
    });
    expect(opened.get('workspace/a-pipe')).toBe('ENOTREG');
    expect(opened.get('workspace/b-grows')).toBe('6 bytes');
    expect(opened.get('workspace/d/shadow')).toBe('7 bytes');
    // The history opens what a walk found after the walk: the folder on the way is now a link out.
    renameSync(join(root, 'workspace/d'), join(root, 'workspace/d-moved'));
    symlinkSync(outside, join(root, 'workspace/d'));
    expect(said(openWalkedFile(root, 'workspace/d/shadow', 7))).toBe('ELOOP');
    expect(said(openWalkedFile(root, 'workspace/d-moved/shadow', 7))).toBe('7 bytes');
    expect(said(openWalkedFile(root, 'workspace/b-grows', 6))).toBe('6 bytes');
    expect(said(openWalkedFile(root, 'workspace/a-pipe', 6))).toBe('ENOTREG');
  });
});

describe("the walk's look at each entry", () => {
  /*
   * Each entry a walk meets is `lstat`ed once. In lemming's own folders, where no command writes, by its path; in a
   * workspace, through the folder the walk holds (`/proc/self/fd/N/name`), so a folder a command swapped for a link
   * is never looked through. The look through procfs costs twice the one by path, and the history's first entry of a
   * run looks at every file of the org. Counted by wrapping node:fs's lstatSync (syncBuiltinESMExports).
   */
  test('is by path in lemming\'s own folders and through the held folder in a workspace', () => {
    const root = tempDir();
    for (let agent = 0; agent < 3; agent += 1) {
      mkdirSync(join(root, `agents/a${agent}/outbox/0000xx`), { recursive: true });
      for (let message = 0; message < 4; message += 1) writeFileSync(join(root, `agents/a${agent}/outbox/0000xx/00000${message}-001-b.md`), 'hi\n');
      mkdirSync(join(root, `agents/a${agent}/workspace/src`), { recursive: true });
      writeFileSync(join(root, `agents/a${agent}/workspace/src/main.py`), 'print(1)\n');
    }
    mkdirSync(join(root, 'org/state'), { recursive: true });
    writeFileSync(join(root, 'org/state/engine.json'), '{}\n');
    const fs = createRequire(import.meta.url)('node:fs') as { lstatSync: typeof import('node:fs').lstatSync };
    const original = fs.lstatSync;
    const looked: string[] = [];
    fs.lstatSync = ((path: string, options?: object) => {
      looked.push(String(path));
      return original(path, options as never);
    }) as typeof fs.lstatSync;
    syncBuiltinESMExports();
    let files: Set<string>;
    try {
      files = taken(root);
    } finally {
      fs.lstatSync = original;
      syncBuiltinESMExports();
    }
    expect(files).toEqual(new Set([...allFiles(root, 'agents'), ...allFiles(root, 'org')]));
    const throughHeld = looked.filter((path) => path.startsWith('/proc/self/fd/'));
    const byPath = looked.filter((path) => path.startsWith(root));
    // Every message, outbox and agent folder, and the state, by path; each workspace (the shared one, not there, too), its folder and file through the held folder.
    expect(byPath.filter((path) => path.endsWith('-001-b.md'))).toHaveLength(12);
    expect(byPath.some((path) => path.includes('/workspace/'))).toBe(false);
    expect(throughHeld.map((path) => path.replace(/^\/proc\/self\/fd\/\d+\//, '')).sort()).toEqual(['main.py', 'main.py', 'main.py', 'src', 'src', 'src', 'workspace', 'workspace', 'workspace', 'workspace']);
  });
});
