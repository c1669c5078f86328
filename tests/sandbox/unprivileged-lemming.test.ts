import { spawnSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { CLI } from '../helpers/cli.js';
import { NOBODY, runCommandAs, type Identity } from '../helpers/lemming-as.js';
import { SANDBOX_PROBLEM } from '../helpers/sandbox-ready.js';
import { defaultOrg, read, write } from '../helpers/temp-org.js';

/**
 * lemming run by an ordinary user who may make no cgroup (here: root's tests started as `nobody`):
 * commands still run, `lemming validate` says that no cgroup holds their limits and what does, and
 * memory_mb still holds shared memory, each process alone, by its address space.
 */
const asRoot = process.getuid?.() === 0;
const nobody: Identity = { name: 'nobody', prefix: NOBODY };
/** Whether `nobody` can reach the built CLI at all: a clone below a folder only root may pass (`/root/...`) it cannot. */
const nobodyReachesCli = asRoot && spawnSync(NOBODY[0] ?? 'setpriv', [...NOBODY.slice(1), 'test', '-r', CLI]).status === 0;

/** A default org that `nobody` may read and write. */
function nobodysOrg(sandbox: string): string {
  const root = defaultOrg();
  write(root, 'org/org.yaml', read(root, 'org/org.yaml').replace(/^engine:\n/m, `engine:\n  sandbox: { ${sandbox} }\n`));
  chmodSync(root, 0o755);
  spawnSync('chown', ['-R', '65534:65534', root]);
  return root;
}

describe.skipIf(SANDBOX_PROBLEM !== undefined || !asRoot || !nobodyReachesCli)('lemming as an ordinary user with no cgroup of its own', () => {
  test('`lemming validate` says no cgroup holds the limits, and what holds them instead', () => {
    const root = nobodysOrg('memory_mb: 256');
    const ran = spawnSync(NOBODY[0] ?? 'setpriv', [...NOBODY.slice(1), process.execPath, CLI, '--root', root, 'validate'], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' } });
    expect(ran.stdout + ran.stderr).toContain('commands run here, but no cgroup holds their limits: memory_mb holds each process alone, by its address space (prlimit --as)');
    expect(ran.stdout + ran.stderr).toContain('memory no address space holds is refused (memfd_create, memfd_secret, System V shmat)');
    expect(ran.stdout + ran.stderr).toContain('max_processes is held by RLIMIT_NPROC inside the sandbox');
  });

  test('2 GiB of shared memory fails under memory_mb: 256 all the same, each process held by its address space', () => {
    const root = nobodysOrg('memory_mb: 256, timeout_ms: 30000');
    const program = 'import mmap\nsize = 2048 << 20\ntry:\n    area = mmap.mmap(-1, size, flags=mmap.MAP_SHARED | mmap.MAP_ANONYMOUS)\n    for offset in range(0, size, 4096): area[offset] = 1\n    print("all touched")\nexcept OSError as error:\n    print("refused:", error.strerror)\n';
    const stdout = runCommandAs(nobody, root, `python3 -c '${program}'; id -u`);
    expect(stdout).toContain('refused: Cannot allocate memory');
    expect(stdout).not.toContain('all touched');
    expect(stdout).toMatch(/exit code 0/);
  });

  test('memory no address space holds, memfd files, System V shared memory and memfd_secret files, is refused (ENOSYS): 1 GiB, 1 GiB and 512 MiB passed memory_mb: 256 before', () => {
    const root = nobodysOrg('memory_mb: 256, timeout_ms: 30000');
    // memfd files written and kept open, never mapped; shared memory segments attached, filled and detached: each outlives the address space that made it.
    const program = [
      'import ctypes, mmap, os',
      'libc = ctypes.CDLL(None, use_errno=True)',
      'libc.shmat.restype = ctypes.c_void_p',
      'chunk = bytes(1 << 20)',
      'kept = []',
      'try:',
      '    for index in range(64):',
      '        fd = os.memfd_create("held")',
      '        for _ in range(16): os.write(fd, chunk)',
      '        kept.append(fd)',
      '    print("memfd holds 1024 MiB", flush=True)',
      'except OSError as error:',
      '    print("memfd_create:", error.strerror, flush=True)',
      'for index in range(8):',
      '    segment = libc.shmget(0, ctypes.c_size_t(128 << 20), 0o1600)',
      '    at = libc.shmat(segment, None, 0)',
      '    if at is None or at == ctypes.c_void_p(-1).value:',
      '        print("shmat refused, errno", ctypes.get_errno(), flush=True)',
      '        break',
      '    ctypes.memset(at, 1, 128 << 20)',
      '    libc.shmdt(ctypes.c_void_p(at))',
      'else:',
      '    print("shared memory holds 1024 MiB", flush=True)',
      // memfd_secret's pages, mapped a piece at a time under RLIMIT_MEMLOCK and unmapped, stay in its file.
      'secret = libc.syscall(447, ctypes.c_uint(0))',
      'if secret < 0:',
      '    print("memfd_secret refused, errno", ctypes.get_errno(), flush=True)',
      'else:',
      '    os.ftruncate(secret, 512 << 20)',
      '    for offset in range(0, 512 << 20, 4 << 20):',
      '        area = mmap.mmap(secret, 4 << 20, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE, offset=offset)',
      '        ctypes.memset(ctypes.addressof(ctypes.c_char.from_buffer(area)), 1, 4 << 20)',
      '        area.close()',
      '    print("memfd_secret holds 512 MiB", flush=True)',
    ].join('\n');
    const stdout = runCommandAs(nobody, root, `python3 -c '${program}'`);
    expect(stdout).toContain('memfd_create: Function not implemented');
    expect(stdout).toContain('shmat refused, errno 38');
    if (process.arch === 'x64' || process.arch === 'arm64') expect(stdout).toContain('memfd_secret refused, errno 38');
    expect(stdout).not.toMatch(/holds (1024|512) MiB/);
    expect(stdout).toMatch(/exit code 0/);
  });
});
