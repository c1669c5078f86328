import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { bootstrappedOrg } from '../helpers/built-org.js';
import { IDENTITIES, spawnAs, type Identity } from '../helpers/lemming-as.js';
import { CLI } from '../helpers/cli.js';
import { tempDir } from '../helpers/org-files.js';

/** A copy of the default org `lemming bootstrap` wrote once for this file. */
const bootstrapped = bootstrappedOrg();

/** Someone who may read the org but not write it: `nobody` when the tests run as root, else the tests' own user on a folder without write permission. */
const reader: Identity = IDENTITIES.at(-1) as Identity;

/** Folders made read-only here, given write permission back after each test so that they can be removed when the tests run as an ordinary user. */
const madeReadOnly: string[] = [];
afterEach(() => {
  for (const folder of madeReadOnly.splice(0)) spawnSync('chmod', ['-R', 'u+w', folder]);
});

/** Every folder under `root` (and `root`) readable and searchable by anyone, and writable by none but root. */
function readOnly(root: string): void {
  madeReadOnly.push(root);
  chmodSync(root, 0o555);
  for (const entry of readdirSync(root, { withFileTypes: true, recursive: true })) {
    chmodSync(join(entry.parentPath, entry.name), entry.isDirectory() ? 0o555 : 0o444);
  }
}

function lemming(root: string, args: string[]) {
  return spawnAs(reader, [process.execPath, CLI, '--root', root, ...args]);
}

// A careless user runs lemming on an org, or into a folder, it may not write: one line naming what could not be written, no stack, nothing lost.
describe('an org or a folder lemming may not write', () => {
  test('send names the message file it could not write (not its temporary), exits 1, and writes nothing', () => {
    const root = bootstrapped();
    readOnly(root);
    const result = lemming(root, ['send', 'manager', 'Plan the release']);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `lemming: no permission to write ${join(root, 'agents/human/outbox/000000-001-manager.md')} (EACCES): run lemming as a user who may write the org's folders, or give this one that permission (chown or chmod)\n`,
    );
    expect(readdirSync(join(root, 'agents/human/outbox'))).toEqual([]);
  });

  test('bootstrap into a folder it may not write names the folder it could not make, exits 1, and makes nothing', () => {
    const parent = tempDir();
    readOnly(parent);
    const root = join(parent, 'org');
    const result = lemming(root, ['bootstrap']);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^lemming: no permission to make ${parent}/org(/[a-z_/0-9]+)? \\(EACCES\\): run lemming as a user who may write the org's folders, or give this one that permission \\(chown or chmod\\)\\n$`));
    expect(existsSync(root)).toBe(false);
  });
});
