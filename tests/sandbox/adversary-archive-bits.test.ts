import { chmodSync, chownSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { create, extract, list } from 'tar';
import { describe, expect, test } from 'vitest';
import { exportOrg } from '../../src/archive/export-org.js';
import { importOrg } from '../../src/archive/import-org.js';
import { defaultOrg, tempDir, write } from '../helpers/temp-org.js';

/**
 * An archive is outside bytes: a person imports one they were sent, a backup carries whatever a
 * command left in a workspace. Neither may hand out a setuid program, a setgid or sticky folder,
 * or a file owned by someone the archive names. Run as root (as lemming may be), where a tar
 * extractor keeps all of these unless told not to.
 */
const AS_ROOT = process.getuid?.() === 0;
const SPECIAL_BITS = 0o7000;
const OTHER_UID = 4321;

/** Every entry of an archive: its path, its mode and its owner as the archive says. */
async function entriesOf(file: string): Promise<Array<{ path: string; mode: number; uid: number | undefined }>> {
  const entries: Array<{ path: string; mode: number; uid: number | undefined }> = [];
  await list({ file, onReadEntry: (entry) => entries.push({ path: entry.path, mode: entry.mode ?? 0, uid: entry.uid }) });
  return entries;
}

/**
 * An archive an import takes (a real export, unpacked and packed again by hand) holding a setuid
 * program, a setgid folder, a sticky folder, and a file owned by another user.
 */
async function hostileArchive(): Promise<string> {
  const exported = join(tempDir(), 'clean.tar.gz');
  await exportOrg(defaultOrg(), exported);
  const folder = tempDir();
  await extract({ file: exported, cwd: folder });
  write(folder, 'agents/coder_01/workspace/run-me', '#!/bin/sh\nid\n');
  chmodSync(join(folder, 'agents/coder_01/workspace/run-me'), 0o4755);
  mkdirSync(join(folder, 'workspace/shared-group'), { recursive: true });
  chmodSync(join(folder, 'workspace/shared-group'), 0o2755);
  mkdirSync(join(folder, 'workspace/drop-box'));
  chmodSync(join(folder, 'workspace/drop-box'), 0o1777);
  write(folder, 'workspace/theirs.txt', 'owned by someone else\n');
  chownSync(join(folder, 'workspace/theirs.txt'), OTHER_UID, OTHER_UID);
  const file = join(tempDir(), 'hostile.tar.gz');
  // Not portable: the archive keeps each file's owner, as one made with GNU tar would.
  await create({ gzip: true, file, cwd: folder }, ['lemming-export.json', 'org', 'agents', 'workspace']);
  return file;
}

describe.skipIf(!AS_ROOT)('an archive carries no setuid, setgid or sticky bit, and no owner, into or out of an org', () => {
  test('import: a 04755 file, a 02755 and a 01777 folder and a file of uid 4321 come out as plain permissions, owned by the importing user', async () => {
    const archive = await hostileArchive();
    const modes = new Map((await entriesOf(archive)).map((entry) => [entry.path.replace(/\/$/, ''), entry]));
    // The archive does hold them: what follows is the import's doing.
    expect(modes.get('agents/coder_01/workspace/run-me')?.mode).toBe(0o4755);
    expect(modes.get('workspace/shared-group')?.mode).toBe(0o2755);
    expect(modes.get('workspace/drop-box')?.mode).toBe(0o1777);
    expect(modes.get('workspace/theirs.txt')?.uid).toBe(OTHER_UID);

    const root = join(tempDir(), 'imported');
    await importOrg(archive, root);
    const program = statSync(join(root, 'agents/coder_01/workspace/run-me'));
    expect((program.mode & 0o7777).toString(8)).toBe('755');
    expect((statSync(join(root, 'workspace/shared-group')).mode & SPECIAL_BITS).toString(8)).toBe('0');
    expect((statSync(join(root, 'workspace/drop-box')).mode & SPECIAL_BITS).toString(8)).toBe('0');
    const theirs = statSync(join(root, 'workspace/theirs.txt'));
    expect([theirs.uid, theirs.gid]).toEqual([process.getuid?.(), process.getgid?.()]);
    expect(program.uid).toBe(process.getuid?.());
  });

  test('export and backup: a setuid program, a setgid and a sticky folder in a workspace are written without the bits, and without owners', async () => {
    const root = defaultOrg();
    write(root, 'agents/coder_01/workspace/run-me', '#!/bin/sh\nid\n');
    chmodSync(join(root, 'agents/coder_01/workspace/run-me'), 0o4755);
    write(root, 'workspace/shared-group/notes.md', 'notes\n');
    chmodSync(join(root, 'workspace/shared-group'), 0o2775);
    write(root, 'workspace/drop-box/left.txt', 'left here\n');
    chmodSync(join(root, 'workspace/drop-box'), 0o1777);
    chownSync(join(root, 'workspace/shared-group/notes.md'), OTHER_UID, OTHER_UID);
    for (const by of ['export', 'backup'] as const) {
      const archive = join(tempDir(), `${by}.tar.gz`);
      await exportOrg(root, archive, by);
      const entries = await entriesOf(archive);
      const program = entries.find((entry) => entry.path === 'agents/coder_01/workspace/run-me');
      expect(program?.mode.toString(8)).toBe('755');
      expect(entries.filter((entry) => (entry.mode & SPECIAL_BITS) !== 0).map((entry) => `${entry.path} ${entry.mode.toString(8)}`)).toEqual([]);
      expect(entries.map((entry) => entry.path)).toEqual(expect.arrayContaining(['workspace/shared-group/', 'workspace/drop-box/', 'workspace/shared-group/notes.md']));
      expect(entries.filter((entry) => (entry.uid ?? 0) !== 0).map((entry) => entry.path)).toEqual([]);
    }
  });
});
