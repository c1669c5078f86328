import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runChecks } from '../../src/experiment/run-checks.js';
import { SANDBOX_PROBLEM } from '../helpers/sandbox-ready.js';
import { defaultOrg } from '../helpers/temp-org.js';

const MIB = 1024 * 1024;
const asRoot = process.getuid?.() === 0;

/** The check views of this process now in the system's temporary folder. */
function views(): string[] {
  return readdirSync(tmpdir()).filter((name) => name.startsWith(`lemming-check-${process.pid}-`)).map((name) => join(tmpdir(), name));
}

/**
 * Checks see a private view. Before, while an experiment's checks ran, a copy of every message and
 * workspace sat in /tmp/lemming-check-*\/view (folder 0755, files 0644), and another local user read
 * the answer and an agent's private file; its holes were written out as data (a check's `du` said 2.0G
 * for two sparse files). Now the view is the check identity's alone (0700), copied with its holes
 * kept, plain files only, and gone once the checks end.
 */
describe.skipIf(SANDBOX_PROBLEM !== undefined)("a check's view of a run", () => {
  test('is 0700 and its identity’s while the check runs, another user cannot read it, it takes no more disk than the run, holds no link, and is gone after', async () => {
    const root = defaultOrg();
    const workspace = join(root, 'agents/coder_01/workspace');
    mkdirSync(workspace, { recursive: true });
    writeFileSync(join(workspace, 'private.md'), 'an agent’s private note\n');
    writeFileSync(join(workspace, 'holes.img'), '');
    truncateSync(join(workspace, 'holes.img'), 200 * MIB);
    symlinkSync('/etc/passwd', join(workspace, 'passwd'));
    let seen: { mode: number; uid: number; otherRead: number | null } | undefined;
    let checked = false;
    // Looks for the view for as long as the check runs, however long a busy machine takes to make it.
    const watching = (async () => {
      while (!checked && seen === undefined) {
        const [view] = views();
        if (view !== undefined && existsSync(join(view, 'view/agents/coder_01/workspace/private.md'))) {
          const stat = statSync(view);
          // Another local user (uid 4242) trying to read the agent's file while the check runs.
          const other = asRoot ? spawnSync('setpriv', ['--reuid=4242', '--regid=4242', '--clear-groups', 'cat', join(view, 'view/agents/coder_01/workspace/private.md')]).status : null;
          seen = { mode: stat.mode & 0o777, uid: stat.uid, otherRead: other };
        }
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    })();
    const [result] = await runChecks(root, [{ name: 'disk', run: 'sleep 1; du -sk /shared | cut -f1; ls /shared/agents/coder_01/workspace' }]).finally(() => (checked = true));
    await watching;
    expect(result?.passed, JSON.stringify(result)).toBe(true);
    const lines = (result?.output ?? '').split('\n');
    // 200 MiB of holes take no disk in the view either.
    expect(Number(lines[0])).toBeLessThan(10 * 1024);
    expect(lines).toContain('holes.img');
    expect(lines).toContain('private.md');
    expect(lines).not.toContain('passwd');
    expect(seen?.mode).toBe(0o700);
    if (asRoot) {
      expect(seen?.uid).toBe(65534);
      expect(seen?.otherRead).not.toBe(0);
    }
    expect(views()).toEqual([]);
  }, 120_000);

  test('a check that leaves a chain of folders deeper than PATH_MAX in its folder (running code an agent wrote can): the check is scored, its folder removed', async () => {
    const root = defaultOrg();
    // One relative mkdir at a time, as any program can: 30 folders of 200 bytes, a path of 6 KB.
    const chain = `python3 -c "import os\nfor _ in range(30):\n    os.mkdir('d' * 200)\n    os.chdir('d' * 200)"`;
    const [result] = await runChecks(root, [{ name: 'deep', run: `${chain} && echo made` }]);
    // A path of 6 KB is past a workspace's bounds of shape (sandbox/workspace-bounds.ts), so the quota's watch stops the
    // check when it measures the folder before python is done (a race of some milliseconds, lost now and then on a busy
    // machine); either way the check is scored, and its folder removed.
    if (result?.stoppedBy === 'quota') expect(result.passed).toBe(false);
    else {
      expect(result?.passed, JSON.stringify(result)).toBe(true);
      expect(result?.output).toContain('made');
    }
    expect(views()).toEqual([]);
  }, 120_000);
});
