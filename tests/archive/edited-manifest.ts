import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { create, extract } from 'tar';
import { expect } from 'vitest';
import { lemming } from '../helpers/cli.js';
import { defaultOrg, tempDir } from '../helpers/temp-org.js';

/** An export of the default org after one turn (the human's task, then `run-once`), and its files unpacked with their manifest. */
export async function unpackedExport(): Promise<{ archive: string; folder: string; manifest: Record<string, unknown> }> {
  const root = defaultOrg();
  expect(lemming(root, ['send', 'manager', 'Plan the first release']).status).toBe(0);
  expect(lemming(root, ['run-once']).status).toBe(0);
  const archive = join(tempDir(), 'org.tar.gz');
  expect(lemming(root, ['export', archive]).status).toBe(0);
  const folder = tempDir();
  await extract({ file: archive, cwd: folder });
  return { archive, folder, manifest: JSON.parse(readFileSync(join(folder, 'lemming-export.json'), 'utf8')) as Record<string, unknown> };
}

/** The unpacked export packed again with `manifest` as its lemming-export.json, as someone who edited it would. */
export async function packedWith(folder: string, manifest: Record<string, unknown>): Promise<string> {
  writeFileSync(join(folder, 'lemming-export.json'), JSON.stringify(manifest));
  const file = join(tempDir(), 'edited.tar.gz');
  await create({ gzip: true, file, cwd: folder, portable: true }, ['lemming-export.json', 'org', 'agents']);
  return file;
}
