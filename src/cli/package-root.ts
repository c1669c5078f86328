import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The lemming package's own folder: it holds the default org that `bootstrap` copies. */
export function packageRoot(): string {
  // src/cli/ and dist/cli/ are both two levels below the package root.
  return fileURLToPath(new URL('../../', import.meta.url));
}

/** The version in the package's own package.json, or 'unknown' when it cannot be read. */
export function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
