import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { REPO_ROOT, tempDir, write } from '../helpers/org-files.js';

// The real build script on a package of three small sources, so each build takes the
// compiler's start-up time, not lemming's whole compile. Their lib is ES2022 alone: tsc's default
// for the target adds the DOM's declarations, whose reading was most of each build's CPU (1.9 s
// to 0.7 s a build, eight builds).
function smallPackage(): string {
  const root = tempDir('lemming-build-');
  mkdirSync(join(root, 'scripts'));
  copyFileSync(join(REPO_ROOT, 'scripts', 'build.mjs'), join(root, 'scripts', 'build.mjs'));
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'));
  write(root, 'package.json', JSON.stringify({ name: 'small', type: 'module' }));
  write(root, 'tsconfig.json', JSON.stringify({ compilerOptions: { target: 'ES2022', lib: ['ES2022'], module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, types: [], sourceMap: true } }));
  write(root, 'tsconfig.build.json', JSON.stringify({ extends: './tsconfig.json', compilerOptions: { rootDir: 'src', outDir: 'dist' }, include: ['src'] }));
  // Without the DOM's declarations (or Node's), console is declared here.
  write(root, 'src/main.ts', "import { turn } from './engine/turn.js';\ndeclare const console: { log(text: string): void };\nconsole.log(turn());\n");
  write(root, 'src/engine/turn.ts', "export function turn(): string { return 'turn 1'; }\n");
  write(root, 'src/engine/ledger.ts', 'export const ledger = 1;\n');
  return root;
}

// Each build starts the compiler (a few seconds each on a busy machine).
const slow = { timeout: 240_000 };

function build(root: string): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, encoding: 'utf8' });
  return { status: result.status, output: result.stdout + result.stderr };
}

function runMain(root: string): string {
  return spawnSync(process.execPath, ['dist/main.js'], { cwd: root, encoding: 'utf8' }).stdout.trim();
}

/** Moves a file's mtime back, as a checkout made long before the build would leave it. */
function age(path: string): void {
  const past = new Date(Date.now() - 3_600_000);
  utimesSync(path, past, past);
}

test('builds only when something changed, never leaves a stale or missing output, and fails on a compile error', slow, () => {
  const root = smallPackage();
  expect(build(root)).toEqual({ status: 0, output: expect.stringContaining('building dist/ (no previous build)') });
  expect(runMain(root)).toBe('turn 1');

  // A repeated build with nothing changed does not start the compiler.
  expect(build(root)).toEqual({ status: 0, output: expect.stringContaining('dist/ is up to date with src/ (3 files); nothing to build') });

  write(root, 'src/engine/turn.ts', "export function turn(): string { return 'turn 2'; }\n");
  expect(build(root).output).toContain('building dist/ (sources changed)');
  expect(runMain(root)).toBe('turn 2');

  // The engine was regrouped: engine/ledger.ts moved to engine/record/ledger.ts, keeping its old mtime.
  write(root, 'src/engine/record/ledger.ts', readFileSync(join(root, 'src/engine/ledger.ts'), 'utf8'));
  age(join(root, 'src/engine/record/ledger.ts'));
  rmSync(join(root, 'src/engine/ledger.ts'));
  const moved = build(root);
  expect(moved.output).toContain('source files were added, moved or removed');
  expect(moved.output).toContain('removed 2 stale file(s) from dist/: engine/ledger.js, engine/ledger.js.map');
  expect(existsSync(join(root, 'dist/engine/ledger.js'))).toBe(false);
  expect(existsSync(join(root, 'dist/engine/record/ledger.js'))).toBe(true);

  // An output deleted by hand is built again, although no source changed.
  rmSync(join(root, 'dist/engine/turn.js'));
  expect(build(root).output).toContain('dist/engine/turn.js is missing');
  expect(runMain(root)).toBe('turn 2');

  // A compile error fails the build, and the next build tries again rather than trusting a half-built dist/.
  write(root, 'src/engine/turn.ts', 'export function turn(): string { return 42; }\n');
  const failed = build(root);
  expect(failed.status).not.toBe(0);
  expect(failed.output).toContain("Type 'number' is not assignable to type 'string'");
  expect(build(root).output).not.toContain('up to date');
});

test('a change of the bundler builds the CLI\'s bundle again, with no source changed', slow, () => {
  const root = smallPackage();
  write(root, 'src/cli/program.ts', 'export const program = 1;\n');
  // A bundler of the script's own shape (scripts/bundle-cli.mjs), which writes the one file the build looks for.
  const bundler = (made: string) =>
    `import { mkdirSync, writeFileSync } from 'node:fs';\nexport async function bundleCli(outDir, folder) {\n  mkdirSync(\`\${outDir}/\${folder}\`, { recursive: true });\n  writeFileSync(\`\${outDir}/\${folder}/program.js\`, 'export const made = ${JSON.stringify(made)};\\n');\n}\n`;
  write(root, 'scripts/bundle-cli.mjs', bundler('by the first bundler'));
  expect(build(root)).toEqual({ status: 0, output: expect.stringContaining('building dist/ (no previous build)') });
  expect(readFileSync(join(root, 'dist/cli/bundle/program.js'), 'utf8')).toContain('by the first bundler');
  expect(build(root).output).toContain('nothing to build');
  // The bundler changed (a merge, a pull): the binary must not go on loading the old bundle.
  write(root, 'scripts/bundle-cli.mjs', bundler('by the second bundler'));
  expect(build(root).output).toContain('building dist/');
  expect(readFileSync(join(root, 'dist/cli/bundle/program.js'), 'utf8')).toContain('by the second bundler');
});

test('npm install builds the package: a `prepare` script runs the build, and `lemming` points into dist/', () => {
  const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string>; bin: Record<string, string> };
  expect(manifest.scripts.prepare).toBe('npm run build');
  expect(manifest.scripts.build).toBe('node scripts/build.mjs');
  expect(manifest.bin.lemming).toBe('dist/cli/main.js');
  expect(readFileSync(join(REPO_ROOT, 'src/cli/main.ts'), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
});
