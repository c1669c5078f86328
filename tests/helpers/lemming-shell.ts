import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { CLI } from './cli.js';

/** What a shell line did. */
export interface ShellResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * A bash that runs commands as a person types them from the docs: the built CLI as `lemming` on
 * PATH (a script in a folder of its own, removed after the file's tests), standard input closed,
 * `-e -o pipefail`, no colour. Call it at a file's top level.
 */
export function lemmingShell(): (cwd: string, command: string, timeoutMs?: number) => ShellResult {
  const bin = mkdtempSync(join(tmpdir(), 'lemming-bin-'));
  afterAll(() => rmSync(bin, { recursive: true, force: true }));
  writeFileSync(join(bin, 'lemming'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} "$@"\n`);
  chmodSync(join(bin, 'lemming'), 0o755);
  return (cwd, command, timeoutMs = 560_000) => {
    const result = spawnSync('bash', ['-e', '-o', 'pipefail', '-c', command], { cwd, encoding: 'utf8', input: '', env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}`, NO_COLOR: '1' }, timeout: timeoutMs });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  };
}
