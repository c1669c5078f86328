import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { lemming } from '../helpers/cli.js';
import { tempDir } from '../helpers/org-files.js';

/** Every file under `folder`, as paths relative to it. */
function filesUnder(folder: string, prefix = ''): string[] {
  return readdirSync(join(folder, prefix), { withFileTypes: true }).flatMap((entry) => {
    const path = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    return entry.isDirectory() ? filesUnder(folder, path) : [path];
  });
}

/**
 * `populate --enrich` says what it wrote: its files, their bytes and the largest resume beside the
 * most the loader reads of one. The biographies are written into the resumes after the org is, so the
 * figures must count them: a researcher checks the largest resume against the loader's bound.
 */
test('populate --enrich offline: the files, bytes and largest resume it prints are those on disk, biographies included', () => {
  const spec = join(tempDir(), 'shop.yaml');
  writeFileSync(spec, 'name: shop\nseed: 3\nsize: 40\nattributes:\n  seniority: { shares: { junior: 0.6, senior: 0.4 } }\nroles:\n  member: { title: "Clerk: sells shoes", model: offline, credits: 0.2 }\npersona: "You are {name}, a {seniority} clerk."\n');
  const root = tempDir();
  const run = lemming(root, ['populate', spec, '--enrich', 'offline']);
  expect(run.status, run.stderr).toBe(0);
  expect(run.stdout).toContain('wrote 40 biographies with offline');
  const said = /wrote ([\d,]+) files, ([\d,]+) bytes: ([\d,]+) resumes \(the largest ([\d,]+) bytes;/.exec(run.stdout);
  expect(said, run.stdout).not.toBeNull();
  const number = (text: string | undefined): number => Number((text ?? '').replaceAll(',', ''));

  // The org's files as populate counts them: everything it wrote, not the caches and ledger the load and the calls leave in org/state.
  const written = filesUnder(root).filter((file) => !file.startsWith('org/state/') || file === 'org/state/.gitignore');
  const resumes = written.filter((file) => file.endsWith('/resume.md'));
  const size = (file: string): number => statSync(join(root, file)).size;
  expect(readFileSync(join(root, 'agents/agent_00001/resume.md'), 'utf8')).toContain('## Biography');
  expect(number(said?.[1])).toBe(written.length);
  expect(number(said?.[3])).toBe(resumes.length);
  expect(number(said?.[4])).toBe(Math.max(...resumes.map(size)));
  expect(number(said?.[2])).toBe(written.reduce((sum, file) => sum + size(file), 0));
});
