import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { resolveRoot } from './cli-context.js';
import { packageRoot } from '../package-root.js';
import type { CommandHint } from '../format/format.js';
import { environment, workingFolder } from '../invocation.js';

export type { CommandHint };

/** A word of a command line as a shell takes it: quoted only when it must be. Pure. */
export function shellWord(word: string): string {
  return /^[\w/.,:@%+=-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function onPath(program: string, path = environment().PATH ?? ''): boolean {
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

function inside(folder: string, parent: string): boolean {
  const below = relative(parent, folder);
  return below === '' || (!below.startsWith(`..${sep}`) && below !== '..' && !isAbsolute(below));
}

/**
 * How to start lemming from the current folder: `lemming` when it is on PATH; `npx lemming` inside
 * the clone (npx finds the package's own command there); otherwise node and the built entry point,
 * which always works.
 */
export function lemmingProgram(here = workingFolder()): string {
  if (onPath('lemming')) return 'lemming';
  if (inside(resolve(here), resolve(packageRoot()))) return 'npx lemming';
  return `node ${shellWord(join(packageRoot(), 'dist', 'cli', 'main.js'))}`;
}

/**
 * The one home of the commands lemming suggests (end of a run, `status`, waiting decisions): each
 * works as printed from the current folder, naming `--root` only when the command would not find
 * this org without it, as a path relative to here when the org is below it.
 */
export function commandHint(root: string): CommandHint {
  const here = workingFolder();
  const program = lemmingProgram(here);
  const absolute = resolve(root);
  const where = absolute === resolveRoot({}) ? '' : ` --root ${shellWord(inside(absolute, here) && absolute !== resolve(here) ? relative(here, absolute) : absolute)}`;
  return (words) => `${program} ${words}${where}`;
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
