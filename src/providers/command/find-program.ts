import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { environment } from '../../invocation.js';

/** Where a registry entry's program was found, or why it was not. */
export type FoundProgram = { path: string } | { problem: string };

function runnable(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The program an entry's `command` names: a path when it holds a "/" (relative to the org root, so
 * `./agents/bin/reviewer.sh` means the same from any folder), else a name looked up on PATH. It must
 * be a file this process may run. Reads the disk; no side effects.
 */
export function findProgram(command: string, root: string, path = environment().PATH ?? ''): FoundProgram {
  if (command.includes('/')) {
    const full = isAbsolute(command) ? command : resolve(root, command);
    try {
      if (!statSync(full).isFile()) return { problem: `${full} is not a file` };
    } catch {
      return { problem: `there is no file ${full}` };
    }
    return runnable(full) ? { path: full } : { problem: `${full} is not executable (chmod +x ${command})` };
  }
  for (const folder of path.split(delimiter)) {
    if (folder === '') continue;
    const full = join(folder, command);
    if (runnable(full)) return { path: full };
  }
  return { problem: `no program ${JSON.stringify(command)} on PATH; install it, or give its path (absolute, or from the org root, like ./agents/bin/${command})` };
}
