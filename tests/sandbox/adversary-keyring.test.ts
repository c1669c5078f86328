import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { SANDBOX_PROBLEM } from '../helpers/sandbox-ready.js';
import { defaultOrg, REPO_ROOT, tempDir } from '../helpers/temp-org.js';

/**
 * The adversary suite, kernel keyring: a `user` key sits in the session keyring of whoever started
 * lemming (a Kerberos `KEYRING:` cache, an fscrypt or cifs key, a token a script put there), and a
 * command tries to find it, read it, list it in /proc/keys and add keys of its own there, through
 * the 64-bit calls and, on x86_64, through the 32-bit entry (`int 0x80`) as well. The secret never
 * reaches the tool result, and the person's keyring holds after the run exactly what it held before.
 * Run by root (the command is `nobody` on the host) and by an ordinary user (here `nobody`, started
 * with setpriv; when the tests themselves run as an ordinary user, that user).
 */
const asRoot = process.getuid?.() === 0;
const NOBODY = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--'];
/** The system's Python, which `nobody` may run too (CI installs it: .ci/run). */
const PYTHON = '/usr/bin/python3';

/** The key calls' numbers where the tests run (the planter and the adversary both call them by number: nothing but Python's ctypes is needed). */
const CALLS = ({ x64: { add_key: 248, request_key: 249, keyctl: 250 }, arm64: { add_key: 217, request_key: 218, keyctl: 219 } } as const)[process.arch as 'x64' | 'arm64'];

/** The description the person's key is filed under. */
const DESCRIPTION = 'lemming-adversary-secret';

/**
 * Plants the person's key and starts lemming below it, as a login session would: joins a new
 * session keyring (so the keyring of whoever runs the tests is never touched), adds the key, runs
 * argv, and prints as JSON what the keyring held before and after, and what argv printed.
 */
const PLANTER = `
import ctypes, json, subprocess, sys
libc = ctypes.CDLL(None, use_errno=True)
ADD_KEY, KEYCTL = int(sys.argv[1]), int(sys.argv[2])
SESSION = ctypes.c_long(-3)
def check(result, what):
    if result < 0: raise OSError(ctypes.get_errno(), what)
    return result
check(libc.syscall(KEYCTL, ctypes.c_long(1), None), "keyctl(JOIN_SESSION_KEYRING)")
secret = sys.argv[3].encode()
check(libc.syscall(ADD_KEY, b"user", b"${DESCRIPTION}", secret, ctypes.c_long(len(secret)), SESSION), "add_key")
def keys():
    ids = (ctypes.c_int32 * 64)()
    size = check(libc.syscall(KEYCTL, ctypes.c_long(11), SESSION, ids, ctypes.c_long(ctypes.sizeof(ids))), "keyctl(READ) of the session keyring")
    described = []
    for key in list(ids)[: size // 4]:
        text = ctypes.create_string_buffer(512)
        check(libc.syscall(KEYCTL, ctypes.c_long(6), ctypes.c_long(key), text, ctypes.c_long(512)), "keyctl(DESCRIBE)")
        described.append(text.value.decode())
    return described
before = keys()
ran = subprocess.run(sys.argv[4:], capture_output=True, text=True)
print(json.dumps({"before": before, "after": keys(), "stdout": ran.stdout, "stderr": ran.stderr}))
`;

/**
 * What the hostile command runs (python3 on stdin): search the session keyring for the person's key
 * and read it, ask request_key for it, read /proc/keys, add a key to the session keyring by the
 * 64-bit call and by the 32-bit one, and say `done` at the end, so a command that never ran cannot
 * pass for one that was refused.
 */
function adversaryProgram(calls: NonNullable<typeof CALLS>): string {
  return `
import ctypes, mmap, os, platform, struct
libc = ctypes.CDLL(None, use_errno=True)
ADD_KEY, REQUEST_KEY, KEYCTL = ${calls.add_key}, ${calls.request_key}, ${calls.keyctl}
SESSION = ctypes.c_long(-3)
def said(what, result):
    print(what, result if result >= 0 else "refused, errno %d" % ctypes.get_errno(), flush=True)
    return result
def read_key(key):
    payload = ctypes.create_string_buffer(256)
    size = libc.syscall(KEYCTL, ctypes.c_long(11), ctypes.c_long(key), payload, ctypes.c_long(256))
    print("read:", payload.raw[:size].decode() if size > 0 else "refused, errno %d" % ctypes.get_errno(), flush=True)
found = said("search", libc.syscall(KEYCTL, ctypes.c_long(10), SESSION, b"user", b"${DESCRIPTION}", ctypes.c_long(0)))
if found > 0: read_key(found)
requested = said("request_key", libc.syscall(REQUEST_KEY, b"user", b"${DESCRIPTION}", None, ctypes.c_long(0)))
if requested > 0: read_key(requested)
try:
    print("/proc/keys:", open("/proc/keys").read(), flush=True)
except OSError as error:
    print("/proc/keys:", error.strerror, flush=True)
said("add_key", libc.syscall(ADD_KEY, b"user", b"planted-by-command", b"x", ctypes.c_long(1), SESSION))
if platform.machine() == "x86_64":
    # add_key through the 32-bit entry (int 0x80: i386's numbers, checked as i386 calls), from code and strings below 4 GiB (MAP_32BIT).
    area = mmap.mmap(-1, 4096, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS | 0x40, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
    base = ctypes.addressof(ctypes.c_char.from_buffer(area))
    area[64:100] = b"user\\0planted-by-command-32\\0x\\0".ljust(36, b"\\0")
    word = lambda value: struct.pack("<I", value & 0xffffffff)
    code = b"\\x53\\xb8" + word(286) + b"\\xbb" + word(base + 64) + b"\\xb9" + word(base + 69) + b"\\xba" + word(base + 92) + b"\\xbe" + word(1) + b"\\xbf" + word(-3) + b"\\xcd\\x80\\x5b\\xc3"
    area[0:len(code)] = code
    child = os.fork()
    if child == 0:
        result = ctypes.CFUNCTYPE(ctypes.c_int)(base)()
        print("add_key (i386)", result if result >= 0 else "refused, errno %d" % -result, flush=True)
        os._exit(0)
    status = os.waitpid(child, 0)[1]
    if status != 0: print("add_key (i386): no 32-bit entry on this kernel", flush=True)
print("done", flush=True)
`;
}

/** Runs run_command as the coder of `root`'s org, from the built modules, and prints the result the model reads. */
function runnerScript(folder: string): string {
  const script = join(folder, 'run.mjs');
  writeFileSync(
    script,
    `const { OrgLoader } = await import('${join(REPO_ROOT, 'dist/org/load-org.js')}');
const { runCommandTool } = await import('${join(REPO_ROOT, 'dist/tools/commands/run-command-tool.js')}');
const org = new OrgLoader(process.argv[2]).load().org;
const ran = await runCommandTool(org, org.agents.get('coder_01'), { command: 'python3 -', stdin: process.argv[3] });
console.log(ran.result.content);`,
  );
  return script;
}

/** Whether a process of `prefix` may join a session keyring of its own here (a container's seccomp profile may refuse keyctl to the tests themselves). */
function keyringReachable(prefix: readonly string[]): boolean {
  if (!CALLS) return false;
  const joined = `import ctypes, sys; sys.exit(0 if ctypes.CDLL(None).syscall(${CALLS.keyctl}, ctypes.c_long(1), None) > 0 else 1)`;
  const [program = PYTHON, ...args] = [...prefix, PYTHON, '-c', joined];
  return spawnSync(program, args).status === 0;
}

interface Identity {
  name: string;
  /** What starts lemming as this identity: nothing for the tests' own user, setpriv for `nobody`. */
  prefix: readonly string[];
}

const IDENTITIES: Identity[] = asRoot
  ? [
      { name: 'root', prefix: [] },
      { name: 'an ordinary user (nobody)', prefix: NOBODY },
    ]
  : [{ name: 'an ordinary user', prefix: [] }];

/** Whether `nobody` can reach the built modules at all: a clone below a folder only root may pass (`/root/...`) it cannot. */
function distReachable(prefix: readonly string[]): boolean {
  const [program = 'test', ...args] = [...prefix, 'test', '-r', join(REPO_ROOT, 'dist/tools/commands/run-command-tool.js')];
  return spawnSync(program, args).status === 0;
}

describe.skipIf(SANDBOX_PROBLEM !== undefined || CALLS === undefined)('adversary: a command reaches no kernel keyring', () => {
  for (const identity of IDENTITIES) {
    const reachable = keyringReachable(identity.prefix) && distReachable(identity.prefix);
    // A container whose own seccomp profile refuses keyctl to the tests has no keyring to plant in; a clone `nobody` cannot read has no lemming to start.
    if (!reachable) console.warn(`keyring test as ${identity.name} skipped: no session keyring can be joined here, or the built modules cannot be read`);
    test.skipIf(!reachable)(`lemming run by ${identity.name}: the key in its session keyring is not read, listed or added to by a command`, () => {
      if (!CALLS) throw new Error('no key calls known here');
      const root = defaultOrg();
      const folder = tempDir();
      if (identity.prefix.length > 0) {
        // The org and the scripts belong to the identity, as an ordinary user's org does.
        for (const path of [root, folder]) {
          chmodSync(path, 0o755);
          spawnSync('chown', ['-R', '65534:65534', path]);
        }
      }
      const planter = join(folder, 'plant.py');
      writeFileSync(planter, PLANTER);
      const secret = `secret-${randomBytes(12).toString('hex')}`;
      const [program = PYTHON, ...args] = [...identity.prefix, PYTHON, planter, String(CALLS.add_key), String(CALLS.keyctl), secret, process.execPath, runnerScript(folder), root, adversaryProgram(CALLS)];
      const ran = spawnSync(program, args, {
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
        timeout: 60_000,
      });
      expect(ran.stderr).toBe('');
      const { before, after, stdout, stderr } = JSON.parse(ran.stdout) as { before: string[]; after: string[]; stdout: string; stderr: string };
      expect(stderr).toBe('');
      // The command ran to its end: what it was refused is refused, not skipped.
      expect(stdout).toMatch(/exit code 0/);
      expect(stdout).toContain('done');
      // What the model reads holds neither the secret nor the key's name (from /proc/keys); the calls say they are not permitted.
      expect(stdout).not.toContain(secret);
      expect(stdout).not.toContain(DESCRIPTION);
      expect(stdout).toContain('search refused, errno 1\n');
      // The person's keyring holds its one key, before the run and after it: nothing was added.
      expect(before).toHaveLength(1);
      expect(before[0]).toMatch(new RegExp(`^user;\\d+;\\d+;[0-9a-f]+;${DESCRIPTION}$`));
      expect(after).toEqual(before);
    });
  }
});
