import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LemmingError } from '../errors.js';
import { cutSecrets } from '../secrets/secrets.js';
import { terminalText } from '../terminal-text/terminal-text.js';
import { DEMO_FOLDER, isLemmingClone } from './package-root.js';

/**
 * The org root a command works on: `--root`, or the current folder. In a lemming clone (no org:
 * its default org is a template under templates/) that is the demo's folder, where
 * `npm start` runs, so `npx lemming inbox` or `approve` there reach the demo and never write a
 * tracked file. A command that needs no org (`needsOrg: false`: a worker, whose folder only holds
 * its `.env`) stays in the current folder, clone or not: the demo may not exist, and is not its.
 */
export function resolveRoot(options: { root?: string; needsOrg?: boolean }): string {
  if (options.root !== undefined) return resolve(options.root);
  const here = process.cwd();
  return options.needsOrg !== false && isLemmingClone(here) ? join(here, DEMO_FOLDER) : resolve(here);
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

/**
 * lemming's own styling of a line, applied after its text has been made safe for the terminal
 * (`paintEvent`): it adds colour codes around the escaped text, never inside the data.
 */
export type Paint = (escaped: string) => string;

/** Where a command writes. Injected so tests can capture output without spawning a process. */
export interface Output {
  /** A line for standard output; `paint` styles it once its text is escaped. */
  out(line: string, paint?: Paint): void;
  err(line: string): void;
  /** Under `--log-format json`: an engine event as a log record (json-log.ts). */
  record?(event: import('../engine/events.js').EngineEvent): void;
}

/**
 * A line as the terminal gets it: the org's secrets cut out, then every control character shown
 * as a visible escape (src/terminal-text), then lemming's own colours, if any. JSON lines pass
 * the same way and stay valid JSON of the exact text (see terminalText).
 */
export function terminalLine(line: string, paint?: Paint): string {
  const safe = terminalText(cutSecrets(line));
  return paint ? paint(safe) : safe;
}

/** The real standard output and error, one line per call, through `terminalLine` (errors, events, a worker's log). */
export const processOutput: Output = {
  out: (line, paint) => process.stdout.write(`${terminalLine(line, paint)}\n`),
  err: (line) => process.stderr.write(`${terminalLine(line)}\n`),
};

/** commander's help and usage errors (which quote the arguments as given) through the same gate; commander adds the line breaks. */
export const commanderOutput = {
  writeOut: (text: string): void => void process.stdout.write(terminalText(text)),
  writeErr: (text: string): void => void process.stderr.write(terminalText(text)),
};
