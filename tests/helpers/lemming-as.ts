import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lemmingAsync } from './cli.js';
import { REPO_ROOT, tempDir } from './org-files.js';

/**
 * lemming started by root and by an ordinary user, for the adversary tests whose bound depends on
 * who runs it (a cgroup, its freezer, the host user a command is): run_command as the coder of an
 * org, from the built modules (dist/, `npm run build`), as each identity.
 */

/** How root's tests start a process as `nobody`. */
export const NOBODY = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--'] as const;

export interface Identity {
  name: string;
  /** What starts lemming as this identity: nothing for the tests' own user, setpriv for `nobody`. */
  prefix: readonly string[];
}

/** Root and `nobody` when the tests run as root; the tests' own user otherwise. */
export const IDENTITIES: readonly Identity[] =
  process.getuid?.() === 0
    ? [
        { name: 'root', prefix: [] },
        { name: 'an ordinary user (nobody)', prefix: NOBODY },
      ]
    : [{ name: 'an ordinary user', prefix: [] }];

/** Runs argv as the identity. */
export function spawnAs(identity: Identity, argv: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const [program = 'true', ...args] = [...identity.prefix, ...argv];
  const ran = spawnSync(program, args, { encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, timeout: 120_000 });
  return { status: ran.status, stdout: ran.stdout ?? '', stderr: ran.stderr ?? '' };
}

/**
 * The built CLI (`lemming --root root ...args`) run as the identity without blocking this process, so
 * a model server the test holds can answer it; the org (and `also`, files it must reach) made the
 * identity's first, as an ordinary user's own org is.
 */
export function lemmingAs(identity: Identity, root: string, args: readonly string[], also: readonly string[] = []): Promise<{ status: number | null; stdout: string; stderr: string }> {
  // The tests' own user needs no process of its own: the command thread (tests/helpers/cli.ts) runs
  // the built program the binary runs, as this user, without a Node start and a load of lemming's
  // modules a command (some 0.4 s of CPU each, and these files run dozens). `nobody` starts the binary.
  if (identity.prefix.length === 0) return lemmingAsync(root, [...args]);
  for (const path of [root, ...also]) {
    chmodSync(path, 0o755);
    spawnSync('chown', ['-R', '65534:65534', path]);
  }
  const [program = 'true', ...rest] = [...identity.prefix, process.execPath, join(REPO_ROOT, 'dist/cli/main.js'), '--root', root, ...args];
  const child = spawn(program, rest, { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr })));
}

/** Whether the identity can read the built modules: a clone below a folder only root may pass (`/root/...`) `nobody` cannot. */
export function distReachable(identity: Identity): boolean {
  return spawnAs(identity, ['test', '-r', join(REPO_ROOT, 'dist/tools/commands/run-command-tool.js')]).status === 0;
}

/**
 * Runs `command` (with `stdin`) by run_command as the coder of the org at `root`, lemming started as
 * the identity (the org made its own first, as an ordinary user's org is), and returns the result
 * the model reads.
 */
export function runCommandAs(identity: Identity, root: string, command: string, stdin?: string): string {
  const folder = tempDir();
  const script = join(folder, 'run.mjs');
  writeFileSync(
    script,
    `const { OrgLoader } = await import('${join(REPO_ROOT, 'dist/org/load-org.js')}');
const { runCommandTool } = await import('${join(REPO_ROOT, 'dist/tools/commands/run-command-tool.js')}');
const org = new OrgLoader(process.argv[2]).load().org;
const ran = await runCommandTool(org, org.agents.get('coder_01'), { command: process.argv[3], ...(process.argv[4] === undefined ? {} : { stdin: process.argv[4] }) });
console.log(ran.result.content);`,
  );
  if (identity.prefix.length > 0) {
    for (const path of [root, folder]) {
      chmodSync(path, 0o755);
      spawnSync('chown', ['-R', '65534:65534', path]);
    }
  }
  const ran = spawnAs(identity, [process.execPath, script, root, command, ...(stdin === undefined ? [] : [stdin])]);
  if (ran.stderr !== '') throw new Error(`lemming as ${identity.name}: ${ran.stderr}`);
  return ran.stdout;
}
