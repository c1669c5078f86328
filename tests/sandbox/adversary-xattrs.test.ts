import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { folderUsage } from '../../src/sandbox/disk-usage.js';
import { distReachable, IDENTITIES, runCommandAs, spawnAs } from '../helpers/lemming-as.js';
import { SANDBOX_PROBLEM } from '../helpers/sandbox-ready.js';
import { defaultOrg, read, write } from '../helpers/temp-org.js';

/**
 * The adversary suite, extended attributes. A 4 KB attribute takes a block of its own beside the
 * file, and ext4 shares one block among every file given the same attribute: the file system's
 * count of used blocks (the quota's glance) hardly moves, while each file says it holds the block.
 * 20,000 files with a 4 KB attribute each ended at 78 MiB against `disk_mb: 16` once in twelve runs:
 * only a walk between two glances could see them, and the command was done before one came. On
 * tmpfs, an attribute takes memory that no block count shows at all. So a command may set none
 * (setxattr, lsetxattr, fsetxattr and setxattrat refused by the seccomp filter, EOPNOTSUPP, what a
 * file system without them answers): the workspace holds what was written in it and nothing beside.
 * Run by root (the command is `nobody` on the host) and by an ordinary user.
 */
const PYTHON = '/usr/bin/python3';
const MIB = 1024 * 1024;
const EOPNOTSUPP = 95;
const FILES = 20_000;

/** Outside the sandbox: whether the identity can set a user attribute on a file in a folder of its own here (so a refusal inside is the filter's). */
const ATTRIBUTE_OUTSIDE = `import os, sys
path = os.path.join(sys.argv[1], 'probe')
open(path, 'w').close()
os.setxattr(path, 'user.probe', b'x' * 4000)
print(len(os.getxattr(path, 'user.probe')))`;

/**
 * What the hostile command runs (python3 on stdin): FILES files, each given a 4000-byte attribute
 * (the same one, so ext4 shares its block among them), by each door in turn: by name, by name without
 * following a link, by descriptor. Prints how many were set and the errnos of those refused.
 */
const ATTRIBUTES = `import os
value = b'a' * 4000
made, refused = {'setxattr': 0, 'lsetxattr': 0, 'fsetxattr': 0}, {}
for index in range(${FILES}):
    name = f'x{index}'
    fd = os.open(name, os.O_CREAT | os.O_WRONLY, 0o644)
    door = ('setxattr', 'lsetxattr', 'fsetxattr')[index % 3]
    try:
        if door == 'setxattr': os.setxattr(name, 'user.pad', value)
        elif door == 'lsetxattr': os.setxattr(name, 'user.pad', value, follow_symlinks=False)
        else: os.setxattr(fd, 'user.pad', value)
        made[door] += 1
    except OSError as error:
        refused[error.errno] = refused.get(error.errno, 0) + 1
    os.close(fd)
print('made', sum(made.values()), made, 'refused', refused, flush=True)
`;

describe.skipIf(SANDBOX_PROBLEM !== undefined)('adversary: extended attributes take no disk the quota cannot see', () => {
  for (const identity of IDENTITIES) {
    const probe = mkdtempSync(join(tmpdir(), 'lemming-xattr-probe-'));
    chmodSync(probe, 0o777);
    const outside = spawnAs(identity, [PYTHON, '-c', ATTRIBUTE_OUTSIDE, probe]).stdout.trim();
    // Made as the file is collected, before any test whose end would remove a tempDir: removed here, or it stays.
    rmSync(probe, { recursive: true, force: true });
    const reachable = outside === '4000' && distReachable(identity);
    if (!reachable) console.warn(`extended-attribute test as ${identity.name} skipped: setting one outside the sandbox gave ${JSON.stringify(outside)}, or the built modules cannot be read`);
    test.skipIf(!reachable)(`lemming run by ${identity.name}: ${FILES.toLocaleString('en-US')} files given a 4 KB attribute each, by every door, get none (EOPNOTSUPP), and the workspace stays within its 16 MiB`, async () => {
      const root = defaultOrg();
      write(root, 'org/org.yaml', read(root, 'org/org.yaml').replace(/^engine:\n/m, 'engine:\n  sandbox: { disk_mb: 16, timeout_ms: 120000 }\n'));
      const stdout = runCommandAs(identity, root, 'python3 -', ATTRIBUTES);
      // The command ran to its end, every attribute refused as a file system without them refuses it.
      expect(stdout).toContain(`made 0 {'setxattr': 0, 'lsetxattr': 0, 'fsetxattr': 0} refused {${EOPNOTSUPP}: ${FILES}}`);
      // What the quota reckons is what the workspace takes: its empty files, far within the quota.
      const used = await folderUsage(join(root, 'agents/coder_01/workspace'), { clearSetId: false });
      expect(used.entries).toBeGreaterThanOrEqual(FILES);
      expect(used.bytes).toBeLessThan(16 * MIB);
    }, 300_000);
  }
});
