import { fileURLToPath } from 'node:url';

/** The lemming package's own folder: it holds the default org that `bootstrap` copies. */
export function packageRoot(): string {
  // src/cli/ and dist/cli/ are both two levels below the package root.
  return fileURLToPath(new URL('../../', import.meta.url));
}
