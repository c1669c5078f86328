import { accessSync, constants } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import type { CommandHint } from './format/format.js';
import { environment } from './invocation.js';
import { packageRoot } from './package-root.js';

/*
 * How lemming writes a command line for a person to run: below the CLI, the library and
 * notifications alike, which all suggest commands (the CLI's own suggestions, from the current
 * folder, are cli/command-hint.ts).
 */

/** A word of a command line as a shell takes it: quoted only when it must be. Pure. */
export function shellWord(word: string): string {
  return /^[\w/.,:@%+=-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Whether `program` is an executable in a folder of PATH (the invocation's). */
export function onPath(program: string, path = environment().PATH ?? ''): boolean {
  return path.split(delimiter).some((folder) => {
    if (folder === '') return false;
    try {
      accessSync(join(folder, program), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * The commands a notification carries (a webhook's message read in a chat app, far from the run's
 * folder): each works from any folder of this machine, so it names the org's absolute `--root` and
 * a program that does not depend on the current folder (`lemming` on PATH, or node and the built
 * entry point).
 */
export function anywhereHint(root: string): CommandHint {
  const program = onPath('lemming') ? 'lemming' : `node ${shellWord(join(packageRoot(), 'dist', 'cli', 'main.js'))}`;
  const where = ` --root ${shellWord(resolve(root))}`;
  return (words) => `${program} ${words}${where}`;
}
