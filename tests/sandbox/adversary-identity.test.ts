import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { SANDBOX_HOST_IDENTITY } from '../../src/sandbox/sandbox-identity.js';
import { adversaryOrg } from '../helpers/adversary-org.js';
import { SANDBOX_PROBLEM } from '../helpers/sandbox-ready.js';

/**
 * The adversary suite, identity: what a command makes on the host is made by an unprivileged host
 * user, never by root, even when lemming runs as root; so a setuid file it leaves in its workspace
 * gives nobody anything the command did not already have.
 */
const asRoot = process.getuid?.() === 0;
/** The host user a command's files belong to: the sandbox's identity for root, lemming's own user otherwise. */
const expectedOwner = asRoot ? SANDBOX_HOST_IDENTITY.uid : process.getuid?.();

describe.skipIf(SANDBOX_PROBLEM !== undefined)('adversary: a command acts on the host as an unprivileged user', () => {
  test('a file a command makes belongs on the host to the sandbox identity, not to root', async () => {
    const { root, run } = adversaryOrg();
    const ran = await run('echo made > made.txt && mkdir folder && id -u');
    expect(ran.command?.exit).toBe(0);
    for (const made of ['made.txt', 'folder']) {
      const stat = lstatSync(join(root, 'agents/coder_01/workspace', made));
      expect(stat.uid).toBe(expectedOwner);
      expect(stat.uid).not.toBe(0);
    }
  });

  test('a setuid copy of python3 made in the workspace is not a root-owned setuid file on the host', async () => {
    const { root, run } = adversaryOrg();
    const ran = await run('cp /usr/bin/python3 /workspace/py && chmod 4755 /workspace/py; ls -ln /workspace/py');
    expect(ran.command?.exit).toBe(0);
    const stat = statSync(join(root, 'agents/coder_01/workspace/py'));
    // Owned by root with the setuid bit is what lets any host user run it as root.
    expect(stat.uid === 0 && (stat.mode & 0o4000) !== 0).toBe(false);
    if (asRoot) expect(stat.uid).toBe(SANDBOX_HOST_IDENTITY.uid);
  });

  test('inside, a setuid file gives no privilege either: every mount is nosuid', async () => {
    const { run } = adversaryOrg();
    const ran = await run('cat /proc/self/mountinfo');
    const mounts = ran.result.content.split('\n').filter((line) => / - /.test(line));
    expect(mounts.length).toBeGreaterThan(5);
    for (const line of mounts) expect(line.split(' ')[5]?.split(',')).toContain('nosuid');
  });

  test('a command can change in place what write_file made, in a new folder too: the file tools make files as the same identity', async () => {
    const { root, org, run } = adversaryOrg();
    const coder = org.agents.get('coder_01');
    if (!coder) throw new Error('no coder');
    const { runBuiltinTool } = await import('../../src/tools/builtin-tools.js');
    const context = { root, org, agent: coder, turn: 1, sequence: 1, at: new Date(0).toISOString() } as Parameters<typeof runBuiltinTool>[2];
    const written = runBuiltinTool('write_file', { path: 'notes/plan.md', content: 'one\n' }, context);
    expect(written.result.isError ?? false).toBe(false);
    const ran = await run('echo two >> notes/plan.md && touch notes/more.md && cat notes/plan.md');
    expect(ran.command?.exit).toBe(0);
    expect(ran.result.content).toContain('one\ntwo');
    for (const made of ['notes', 'notes/plan.md']) expect(statSync(join(root, 'agents/coder_01/workspace', made)).uid).toBe(expectedOwner);
  });

  test('the shared workspace, when writable, is written as the same identity', async () => {
    const { root, org } = adversaryOrg();
    const planner = org.agents.get('planner');
    if (!planner) throw new Error('no planner');
    const { runCommandTool } = await import('../../src/tools/commands/run-command-tool.js');
    const ran = await runCommandTool(org, planner, { command: 'mkdir -p /shared/plans && echo x > /shared/plans/new.md' });
    expect(ran.command?.exit).toBe(0);
    expect(statSync(join(root, 'workspace/plans/new.md')).uid).toBe(expectedOwner);
  });

  test.skipIf(!asRoot)('a workspace first handed over holding a chain of folders deeper than PATH_MAX: the command runs as the identity and can remove the chain', async () => {
    const { root, run } = adversaryOrg();
    const workspace = join(root, 'agents/coder_01/workspace');
    // As a workspace made by root holds it (a tree copied in, or one a command of another identity made): 30 folders of 200 bytes, a path of 6 KB.
    execFileSync('python3', ['-c', `import os\nos.makedirs(${JSON.stringify(workspace)}, exist_ok=True)\nos.chdir(${JSON.stringify(workspace)})\nfor _ in range(30):\n    os.mkdir('d' * 200)\n    os.chdir('d' * 200)\nopen('bottom.txt', 'w').write('x')`]);
    writeFileSync(join(workspace, 'notes.md'), 'notes\n');
    const ran = await run('rm -rf d* && echo removed');
    expect(ran.result.content).toContain('removed');
    expect(existsSync(join(workspace, 'd'.repeat(200)))).toBe(false);
    for (const handed of ['', 'notes.md']) expect(lstatSync(join(workspace, handed)).uid).toBe(SANDBOX_HOST_IDENTITY.uid);
  });
});
