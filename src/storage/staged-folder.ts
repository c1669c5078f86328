import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { EXIT, LemmingError } from '../errors.js';

/**
 * A folder made whole or not at all: its entries are written into a staging folder beside it
 * (same file system, so a rename moves them) and moved in at the end; whatever fails on the way,
 * the staging folder is removed and the folder is as it was (a process killed on the way leaves its
 * staging folder, which the next write of the same folder removes). `import`, `populate` and
 * `import-network` make orgs this way, so a write refused or failed part-way leaves nothing a
 * second run would take for an org.
 */

/** The staging folder of `root` for `command`: hidden, beside it, one per process. */
export function stagingBeside(root: string, command: string): string {
  return join(dirname(root), `.${basename(root)}.lemming-${command}-${process.pid}`);
}

/**
 * Move what `staging` holds into `root`: the whole folder when `root` is new, else each entry, once
 * none of them would land on something (an empty folder is taken over). Checked before the first
 * move, so a refusal moves nothing.
 */
export function moveInto(staging: string, root: string): void {
  if (!existsSync(root)) {
    renameSync(staging, root);
    return;
  }
  const names = readdirSync(staging);
  const taken = names.filter((name) => existsSync(join(root, name)) && !(statSync(join(root, name)).isDirectory() && readdirSync(join(root, name)).length === 0));
  if (taken.length > 0) throw new LemmingError('org-exists', `${root} holds ${taken.join(', ')} already; an org is written only where none of its files are: pass --root with a new or empty folder`, { exitCode: EXIT.usage });
  for (const name of names) renameSync(join(staging, name), join(root, name));
}

/** Whether a process of this id is running (EPERM: it is, but another user's). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Remove the staging folders of `root` that processes now gone left (a populate killed part-way). */
function sweepStaging(root: string, command: string): void {
  const prefix = `.${basename(root)}.lemming-${command}-`;
  let names: string[];
  try {
    names = readdirSync(dirname(root));
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(name.slice(prefix.length));
    if (name.startsWith(prefix) && Number.isInteger(pid) && pid > 0 && !alive(pid)) rmSync(join(dirname(root), name), { recursive: true, force: true });
  }
}

/** Run `write` on a new staging folder beside `root`, then move what it wrote into `root`; on any failure nothing is left, the folders made for the staging included. */
export function writeStaged<T>(root: string, command: string, write: (staging: string) => T): T {
  const made = mkdirSync(dirname(root), { recursive: true });
  const staging = stagingBeside(root, command);
  sweepStaging(root, command);
  let moved = false;
  try {
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging);
    const result = write(staging);
    moveInto(staging, root);
    moved = true;
    return result;
  } finally {
    rmSync(staging, { recursive: true, force: true });
    if (!moved && made !== undefined) rmSync(made, { recursive: true, force: true });
  }
}
