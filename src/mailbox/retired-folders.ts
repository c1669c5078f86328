import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Where a retired agent's folder goes, under agents/: a dot folder, so it is no agent of the org. */
export const RETIRED_FOLDER = '.retired';

/** The folders under agents/.retired/ that an agent of this name left when it was retired (`<name>-<proposal>`), sorted; none when it never was. */
export function retiredFolders(root: string, name: string): string[] {
  try {
    return readdirSync(join(root, 'agents', RETIRED_FOLDER))
      .filter((entry) => entry.startsWith(`${name}-`))
      .sort();
  } catch {
    return [];
  }
}
