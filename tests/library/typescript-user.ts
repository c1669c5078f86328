import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { REPO_ROOT } from '../helpers/org-files.js';

const TSC = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

/**
 * A project of a TypeScript user in `folder`: `files` (name to text) compiled with tsc as such a
 * user would (strict, NodeNext, no skipLibCheck, so lemming's declarations are checked too), with
 * the repository's @types/node. Fails the test with tsc's errors.
 */
export function compileAsUser(folder: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) writeFileSync(join(folder, name), text);
  writeFileSync(join(folder, 'package.json'), `${JSON.stringify({ name: 'a-user', private: true, type: 'module' })}\n`);
  const compilerOptions = {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    lib: ['ES2022'],
    strict: true,
    noUncheckedIndexedAccess: true,
    outDir: 'out',
    typeRoots: [join(REPO_ROOT, 'node_modules', '@types')],
    types: ['node'],
  };
  writeFileSync(join(folder, 'tsconfig.json'), `${JSON.stringify({ compilerOptions, files: Object.keys(files) }, null, 2)}\n`);
  const compiled = spawnSync(process.execPath, [TSC, '-p', folder], { cwd: folder, encoding: 'utf8' });
  expect(compiled.stdout + compiled.stderr, 'tsc').toBe('');
  expect(compiled.status).toBe(0);
}

/** Run a compiled file of the user's project (`out/<name>.js`) in a folder of its own; its output. */
export function runAsUser(folder: string, name: string): string {
  const cwd = join(folder, 'run', name);
  mkdirSync(cwd, { recursive: true });
  const result = spawnSync(process.execPath, [join(folder, 'out', name.replace(/\.ts$/, '.js'))], { cwd, encoding: 'utf8', timeout: 240_000, env: { ...process.env, NO_COLOR: '1' } });
  expect({ status: result.status, stderr: result.stderr.split('\n').filter((line) => !/^(study|baseline|no-planner)/.test(line) && line.trim() !== '').join('\n') }, `${name}\n${result.stdout}`).toEqual({ status: 0, stderr: '' });
  return result.stdout;
}
