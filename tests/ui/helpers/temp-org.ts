import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bootstrapOrg } from '../../../src/org/bootstrap-org.js';

/** The repository: its `templates/software-team/` is the default org, and `dist/` the built CLI. */
export const REPO = fileURLToPath(new URL('../../../', import.meta.url));

/** A fresh copy of the default org in a temporary folder. */
export function tempOrg(): { root: string; remove(): void } {
  const root = mkdtempSync(join(tmpdir(), 'lemming-ui-'));
  bootstrapOrg(root, join(REPO, 'templates', 'software-team'));
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** Change one line of a file in place, as a person in an editor would. */
export function editFile(root: string, file: string, from: RegExp, to: string): void {
  const path = join(root, file);
  const text = readFileSync(path, 'utf8');
  if (!from.test(text)) throw new Error(`${file} has no line matching ${from}`);
  writeFileSync(path, text.replace(from, to));
}
