import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { lemming } from '../helpers/cli.js';
import { allFiles } from '../helpers/org-snapshot.js';
import { mountSmallDisk, smallDisksRefused } from '../helpers/small-disk.js';
import { defaultOrg } from '../helpers/temp-org.js';

const refused = smallDisksRefused();

/** A default org as a clone gives it: no machine-local state, so no cache yet. */
function freshOrg(): string {
  const root = defaultOrg();
  rmSync(join(root, 'org', 'state', 'cache'), { recursive: true, force: true });
  return root;
}

describe('lemming validate reads the org', () => {
  test('on a folder it may write, the only files it adds are the loader\'s caches under org/state/cache', () => {
    const root = freshOrg();
    const before = allFiles(root);
    const run = lemming(root, ['validate']);
    expect(run.stdout).toMatch(/^valid: 6 agent\(s\)/);
    expect(run.status).toBe(0);
    expect(allFiles(root).filter((file) => !before.includes(file))).toEqual(['org/state/cache/parse-cache.json', 'org/state/cache/settled-org.json']);
  });

  test.skipIf(refused !== undefined)(`on a file system mounted read-only it validates all the same, writing nothing${refused ? ` (skipped: ${refused})` : ''}`, () => {
    const disk = mountSmallDisk(2048);
    if ('refused' in disk) throw new Error(disk.refused);
    try {
      const root = join(disk.folder, 'org');
      cpSync(freshOrg(), root, { recursive: true });
      const before = allFiles(root);
      disk.readOnly();
      const run = lemming(root, ['validate']);
      expect(run.stderr).not.toContain('EROFS');
      expect(run.stdout).toMatch(/^valid: 6 agent\(s\)/);
      expect(run.status).toBe(0);
      expect(allFiles(root)).toEqual(before);
    } finally {
      disk.unmount();
    }
  });
});
