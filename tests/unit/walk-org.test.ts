import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { walkOrg, type WorkspaceLimitsOf } from '../../src/org/walk-org.js';
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
});
