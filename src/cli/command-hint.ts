import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { resolveRoot } from './cli-context.js';
import { packageRoot } from '../package-root.js';
import type { CommandHint } from '../format/format.js';
import { workingFolder } from '../invocation.js';
import { onPath, shellWord } from '../command-line.js';

export type { CommandHint };
export { shellWord };

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
