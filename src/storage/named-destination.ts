import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { EXIT, LemmingError } from '../errors.js';

/**
 * The one rule for a file or folder a person names for lemming to write (`export FILE`, `backup FILE`,
 * `--csv DIR`, `--out DIR`, `--record FILE`, the `--root` of a new org: org/org-folder.ts): lemming makes at most the last name of the path; the
 * folder it goes in must already exist, as `tar -cf` and `git archive -o` want it. A typo in a folder's
 * name (`/tmp/a/b/c/out.tar.gz`) is refused, naming the folder, rather than made along with its parents.
 * `option` is how the person gave the path (`--csv`), or empty for a command's argument. Bad usage: exit 2.
 */
export function requireFolderFor(option: string, path: string): void {
  const folder = dirname(path);
  const named = option === '' ? path : `${option} ${path}`;
  if (!existsSync(folder)) {
    throw new LemmingError('no-such-folder', `${named}: the folder ${folder} does not exist; make it first (mkdir -p ${folder}) or give a path in a folder that exists`, { exitCode: EXIT.usage });
  }
  if (!statSync(folder).isDirectory()) throw new LemmingError('no-such-folder', `${named}: ${folder} is not a folder; give a path in a folder that exists`, { exitCode: EXIT.usage });
}
