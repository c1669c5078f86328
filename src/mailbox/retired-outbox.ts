import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Where a retired agent's folder goes, under agents/: a dot folder, so it is no agent of the org. */
export const RETIRED_FOLDER = '.retired';

/**
 * Where a message file of a retired agent's outbox is now: `agents/.retired/<name>-<proposal>/outbox/<file>`.
 * Its mail that waited to be read is still delivered from there, so a retirement loses none. Only
 * asked when the file is not in the agent's own outbox, which is rare: no cost to a steady turn.
 */
export function retiredMessagePath(root: string, sender: string, name: string): string | undefined {
  let folders: string[];
  try {
    folders = readdirSync(join(root, 'agents', RETIRED_FOLDER));
  } catch {
    return undefined;
  }
  for (const folder of folders.filter((entry) => entry.startsWith(`${sender}-`)).sort().reverse()) {
    const path = join(root, 'agents', RETIRED_FOLDER, folder, 'outbox', name);
    if (existsSync(path)) return path;
  }
  return undefined;
}
