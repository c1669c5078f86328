import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { CLI, lemming } from '../helpers/cli.js';
import { tempDir } from '../helpers/org-files.js';

/** The built CLI started from `cwd` with `PATH` as given: the suggestions it prints depend on both. */
function lemmingIn(cwd: string, path: string, args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, PATH: path, NO_COLOR: '1' }, timeout: 60_000 });
}

/** A line's commands between backticks, run as printed by a shell in `cwd`. */
function runAsPrinted(cwd: string, path: string, command: string) {
  return spawnSync('sh', ['-c', command], { cwd, encoding: 'utf8', env: { ...process.env, PATH: path, NO_COLOR: '1' }, timeout: 60_000 });
}

const SYSTEM_PATH = '/usr/local/bin:/usr/bin:/bin';

describe('a hire waiting for approval is said where a person looks, through the built CLI', () => {
  test('the run\'s summary and `lemming status` name the proposal and the commands that decide it; once decided, they do not', () => {
    const root = tempDir();
    expect(lemming(root, ['bootstrap']).status).toBe(0);
    lemming(root, ['send', 'manager', 'Hiring: please hire another coder for the release', '--subject', 'Hiring: hire a coder']);
    // Started from elsewhere, with no `lemming` on PATH: the commands name node, the built CLI and the org.
    const elsewhere = tempDir();
    const run = lemmingIn(elsewhere, SYSTEM_PATH, ['run', '--root', root]);
    expect(run.status).toBe(0);
    const program = `node ${CLI}`;
    const waiting = [
      '1 proposal waits for your decision:',
      '  000002-hr-002: hr proposes to hire coder_02 (Coder: writes and tests code), reporting to manager, 0.05 credits from hr',
      `  decide: \`${program} approve 000002-hr-002 --root ${root}\` or \`${program} reject 000002-hr-002 --reason "…" --root ${root}\`, or in the dashboard's Proposals (\`${program} serve --root ${root}\`)`,
    ].join('\n');
    expect(run.stdout).toContain(waiting);
    expect(run.stdout).toContain(`Read the human's mail with \`${program} inbox --root ${root}\`; see credits with \`${program} status --root ${root}\`.`);

    const status = lemmingIn(elsewhere, SYSTEM_PATH, ['status', '--root', root]);
    expect(status.stdout).toContain(waiting);
    const json = JSON.parse(lemming(root, ['status', '--json']).stdout) as { proposals?: Array<{ id: string; proposed_by: string }> };
    expect(json.proposals).toEqual([expect.objectContaining({ id: '000002-hr-002', proposed_by: 'hr' })]);

    // The command as printed works, from where it was printed.
    const approve = /decide: `([^`]+)`/.exec(status.stdout)?.[1] ?? '';
    expect(runAsPrinted(elsewhere, SYSTEM_PATH, approve).status).toBe(0);
    expect(lemming(root, ['status']).stdout).not.toContain('waits for your decision');
  });

  test('in the org\'s folder with `lemming` on PATH, the suggestions are plain `lemming` commands without --root, and they work as printed', () => {
    const root = tempDir();
    const bin = join(tempDir(), 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'lemming'), `#!/bin/sh\nexec ${process.execPath} ${CLI} "$@"\n`, { mode: 0o755 });
    const path = `${bin}:${SYSTEM_PATH}`;
    expect(lemmingIn(root, path, ['bootstrap']).status).toBe(0);
    expect(lemmingIn(root, path, ['send', 'manager', 'Hiring: please hire another coder for the release', '--subject', 'Hiring: hire a coder']).status).toBe(0);
    const run = lemmingIn(root, path, ['run']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('  decide: `lemming approve 000002-hr-002` or `lemming reject 000002-hr-002 --reason "…"`, or in the dashboard\'s Proposals (`lemming serve`)');
    expect(run.stdout).toContain("Read the human's mail with `lemming inbox`; see credits with `lemming status`.");
    const inbox = /Read the human's mail with `([^`]+)`/.exec(run.stdout)?.[1] ?? '';
    const read = runAsPrinted(root, path, inbox);
    expect(read.status).toBe(0);
    expect(read.stdout).toMatch(/from manager/);
    const approve = /decide: `([^`]+)`/.exec(run.stdout)?.[1] ?? '';
    expect(runAsPrinted(root, path, approve).status).toBe(0);
    expect(lemmingIn(root, path, ['status']).stdout).not.toContain('waits for your decision');
  });
});
