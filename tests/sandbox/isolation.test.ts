import { readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { OrgLoader } from '../../src/org/load-org.js';
import { runSandboxed } from '../../src/sandbox/run-sandboxed.js';
import { commandSpecFor } from '../../src/tools/commands/command-place.js';
import { SANDBOX_PROBLEM } from '../helpers/sandbox-ready.js';
import { defaultOrg, read, write } from '../helpers/temp-org.js';

/** The command lines of every process on the host. */
function hostProcesses(): string[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((pid) => {
      try {
        return [readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ')];
      } catch {
        return [];
      }
    });
}

/** The default org, with a secret in its .env, files in two agents' workspaces and the shared one. */
function org(): { root: string; run: (agent: string, line: string, stdin?: string) => ReturnType<typeof runSandboxed> } {
  const root = defaultOrg();
  write(root, '.env', 'OPENAI_API_KEY=sk-dotenv-secret-0123456789\n');
  write(root, 'agents/coder_01/workspace/mine.txt', 'the coder\'s own file\n');
  write(root, 'agents/planner/workspace/private.txt', 'the planner\'s file\n');
  write(root, 'workspace/plans/plan.md', '# The plan\n');
  const loaded = new OrgLoader(root).load().org;
  return {
    root,
    run: (agent, line, stdin) => {
      const found = loaded.agents.get(agent);
      if (!found) throw new Error(agent);
      return runSandboxed(commandSpecFor(loaded, found, { argv: ['/bin/sh', '-c', line], ...(stdin === undefined ? {} : { stdin }) }));
    },
  };
}

describe.skipIf(SANDBOX_PROBLEM !== undefined)('a command in the sandbox sees only its workspace', () => {
  test('its own workspace at /workspace, read-write; the shared one read-only at /shared; nothing else of the org or the host', async () => {
    const { root, run } = org();
    const ran = await run(
      'coder_01',
      [
        'pwd',
        'cat mine.txt',
        'echo made > made.txt && echo wrote made.txt',
        'cat /shared/plans/plan.md',
        `cat /etc/shadow || echo no-shadow`,
        `cat ${join(root, '.env')} || echo no-env`,
        `cat ${join(root, 'agents/planner/workspace/private.txt')} || echo no-planner`,
        `ls ${root} || echo no-root`,
        'ls /home /root || echo no-homes',
        'echo x > /shared/new.md || echo shared-read-only',
        'echo x > /usr/evil || echo usr-read-only',
        'echo x > /evil || echo root-read-only',
        'echo x > /etc/passwd || echo etc-read-only',
      ].join('; '),
    );
    expect(ran.exitCode).toBe(0);
    const lines = ran.stdout.trim().split('\n');
    expect(lines.slice(0, 4)).toEqual(['/workspace', "the coder's own file", 'wrote made.txt', '# The plan']);
    for (const refused of ['no-shadow', 'no-env', 'no-planner', 'no-root', 'no-homes', 'shared-read-only', 'usr-read-only', 'root-read-only', 'etc-read-only']) expect(lines).toContain(refused);
    expect(ran.stdout).not.toContain('sk-dotenv-secret');
    expect(read(root, 'agents/coder_01/workspace/made.txt')).toBe('made\n');
    expect(() => read(root, 'workspace/new.md')).toThrow();
  });

  test('an agent with shared_workspace: write may change the shared workspace', async () => {
    const { root, run } = org();
    const ran = await run('planner', 'echo "# Next" > /shared/plans/next.md && ls /shared/plans');
    expect(ran.stdout).toBe('next.md\nplan.md\n');
    expect(read(root, 'workspace/plans/next.md')).toBe('# Next\n');
  });

  test('no network: a socket to a server on the host, or anywhere, fails, and the server sees nobody', async () => {
    const { run } = org();
    let connections = 0;
    const server = createServer((socket) => {
      connections += 1;
      socket.end('hello\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const ran = await run(
        'coder_01',
        `python3 -c "
import socket
for host in ['127.0.0.1', '1.1.1.1']:
    try:
        socket.create_connection((host, ${port}), timeout=3)
        print(host, 'connected')
    except OSError as error:
        print(host, 'refused:', type(error).__name__)
"`,
      );
      expect(ran.stdout).toMatch(/^127\.0\.0\.1 refused: \w+\n1\.1\.1\.1 refused: \w+\n$/);
      expect(connections).toBe(0);
    } finally {
      server.close();
    }
  });

  test('it runs as an unprivileged user, uid 1000 with no capabilities, in a user namespace of its own that may make no other', async () => {
    const { run } = org();
    const ran = await run('coder_01', 'id -u; id -un; grep CapEff /proc/self/status; cat /proc/self/uid_map; readlink /proc/self/ns/user; unshare --user true 2>/dev/null && echo nested || echo no-nested');
    const [uid, name, caps, map, namespace, nested] = ran.stdout.trim().split('\n');
    expect(uid).toBe('1000');
    expect(name).toBe('agent');
    expect(caps).toMatch(/^CapEff:\s+0+$/);
    // One id is mapped, 1000 inside to the user lemming runs as: no other id of the host exists in there.
    expect(map?.trim().split(/\s+/)).toEqual(['1000', String(process.getuid?.()), '1']);
    expect(namespace).not.toBe(readlinkSync('/proc/self/ns/user'));
    expect(nested).toBe('no-nested');
  });

  test('the environment is the documented one: no key of lemming\'s environment or .env, in env or in any /proc/*/environ', async () => {
    const { run } = org();
    process.env.LEMMING_TEST_SANDBOX_KEY = 'sk-engine-env-secret-987654321';
    try {
      const ran = await run('coder_01', 'env | sort; cat /proc/*/environ | tr "\\0" "\\n" | sort -u');
      expect(ran.stdout).not.toContain('sk-engine-env-secret');
      expect(ran.stdout).not.toContain('sk-dotenv-secret');
      expect(ran.stdout).not.toContain('LEMMING_TEST_SANDBOX_KEY');
      const names = ran.stdout.split('\n').filter((line) => line.includes('=')).map((line) => line.slice(0, line.indexOf('=')));
      expect(new Set(names)).toEqual(new Set(['HOME', 'LANG', 'LC_ALL', 'LOGNAME', 'NO_COLOR', 'PATH', 'PWD', 'PYTHONDONTWRITEBYTECODE', 'PYTHONUNBUFFERED', 'SHELL', 'SHARED', 'TERM', 'TMPDIR', 'USER', 'WORKSPACE']));
    } finally {
      delete process.env.LEMMING_TEST_SANDBOX_KEY;
    }
  });

  test('a private /tmp, and what a command leaves running is killed when it ends', async () => {
    const { run } = org();
    const first = await run('coder_01', 'echo kept > /tmp/note; sleep 987654 & sh -c "sleep 987655" </dev/null >/dev/null 2>&1 & echo started');
    expect(first.stdout).toBe('started\n');
    // No process of the first command is left on the host, not even one that let go of the output.
    expect(hostProcesses().filter((line) => /sleep 98765[45]/.test(line))).toEqual([]);
    const second = await run('coder_01', 'cat /tmp/note 2>/dev/null || echo fresh-tmp; ls');
    expect(second.stdout).toBe('fresh-tmp\nmine.txt\n');
  });

  test('python3 and node run in it, and read what is given on standard input', async () => {
    const { run } = org();
    const python = await run('coder_01', 'python3 -', 'import sys\nprint(sum(range(10)), sys.version_info[0])\n');
    expect(python.stdout).toBe('45 3\n');
    const node = await run('coder_01', 'node -e "process.stdin.on(\'data\', (d) => console.log(String(d).toUpperCase()))"', 'hello');
    expect(node.stdout).toBe('HELLO\n');
  });
});

describe('isolation: none, the org\'s explicit opt-out', () => {
  test('the command runs unisolated in the workspace, with the same clean environment and limits', async () => {
    const root = defaultOrg();
    write(root, 'org/org.yaml', read(root, 'org/org.yaml').replace(/^engine:\n/m, 'engine:\n  sandbox: { isolation: none, timeout_ms: 2000 }\n'));
    const org = new OrgLoader(root).load().org;
    const coder = org.agents.get('coder_01');
    if (!coder) throw new Error('no coder');
    process.env.LEMMING_TEST_SANDBOX_KEY = 'sk-engine-env-secret-987654321';
    try {
      const ran = await runSandboxed(commandSpecFor(org, coder, { argv: ['/bin/sh', '-c', 'pwd; env; sleep 5'] }));
      expect(ran.stdout.split('\n')[0]).toBe(join(root, 'agents/coder_01/workspace'));
      expect(ran.stdout).toContain(`WORKSPACE=${join(root, 'agents/coder_01/workspace')}`);
      expect(ran.stdout).not.toContain('sk-engine-env-secret');
      expect(ran.stoppedBy).toBe('timeout');
    } finally {
      delete process.env.LEMMING_TEST_SANDBOX_KEY;
    }
  });
});

describe('where commands cannot run', () => {
  test('without bwrap the probe says in one line what to install', async () => {
    const { sandboxReadiness } = await import('../../src/sandbox/sandbox-probe.js');
    const readiness = await sandboxReadiness('bwrap', { PATH: '/nonexistent', LEMMING_BWRAP: '/nonexistent/bwrap' });
    expect(readiness).toEqual({ ready: false, problem: expect.stringMatching(/^bwrap is not installed, so run_command and the org's command tools are not offered; install bubblewrap \(apt-get install bubblewrap/) });
    expect(readiness.ready ? '' : readiness.problem).not.toContain('\n');
  });

  test('a bwrap that cannot make its namespaces is found out by the probe\'s trial sandbox', async () => {
    const { sandboxReadiness } = await import('../../src/sandbox/sandbox-probe.js');
    const fake = join(defaultOrg(), 'bwrap');
    writeFileSync(fake, '#!/bin/sh\necho "bwrap: setting up uid map: Permission denied" >&2\nexit 1\n', { mode: 0o755 });
    const readiness = await sandboxReadiness('bwrap', { PATH: process.env.PATH ?? '', LEMMING_BWRAP: fake });
    expect(readiness.ready ? '' : readiness.problem).toMatch(/^(bwrap cannot make its namespaces here \(bwrap: setting up uid map: Permission denied\)|lemming runs as root)/);
  });
});
