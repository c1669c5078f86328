import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LemmingError } from '../errors.js';
import { cutSecrets } from '../secrets/secrets.js';
import { DEMO_FOLDER, isPackageRoot } from './package-root.js';

/**
 * The org root a command works on: `--root`, or the current folder. In the lemming clone itself
 * (no org: its default org is a template under templates/) that is the demo's folder, where
 * `npm start` runs, so `npx lemming inbox` or `approve` there reach the demo and never write a
 * tracked file.
 */
export function resolveRoot(options: { root?: string }): string {
  if (options.root !== undefined) return resolve(options.root);
  const here = process.cwd();
  return isPackageRoot(here) ? join(here, DEMO_FOLDER) : resolve(here);
}

/**
 * The root of a command that works on an org that exists: a missing folder is a mistyped
 * `--root`, said as such rather than as a list of the org files it lacks.
 */
export function requireRootFolder(root: string): string {
  if (!existsSync(root)) {
    throw new LemmingError('no-root', `${root}: there is no such folder; check --root, or make an org there with \`lemming bootstrap --root ${root}\``, { exitCode: 2 });
  }
  if (!statSync(root).isDirectory()) throw new LemmingError('no-root', `${root}: is a file, not a folder; --root takes the folder that holds org/ and agents/`, { exitCode: 2 });
  return root;
}

/** Where a command writes. Injected so tests can capture output without spawning a process. */
export interface Output {
  out(line: string): void;
  err(line: string): void;
  /** Under `--log-format json`: an engine event as a log record (json-log.ts). */
  record?(event: import('../engine/events.js').EngineEvent): void;
}

/** The real standard output and error, one line per call, with the org's secrets cut out (errors, events, a worker's log). */
export const processOutput: Output = {
  out: (line) => process.stdout.write(`${cutSecrets(line)}\n`),
  err: (line) => process.stderr.write(`${cutSecrets(line)}\n`),
};
