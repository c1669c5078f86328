import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { EXIT, LemmingError } from '../errors.js';
import { fromWorkingFolder, workingFolder } from '../invocation.js';
import { cutSecrets } from '../secrets/secrets.js';
import { terminalText } from '../terminal-text/terminal-text.js';
import { DEMO_FOLDER, isLemmingClone } from '../package-root.js';

/**
 * The org root a command works on: `--root`, or the current folder. In a lemming clone (no org:
 * its default org is a template under templates/) that is the demo's folder, where
 * `npm start` runs, so `npx lemming inbox` or `approve` there reach the demo and never write a
 * tracked file. A command that needs no org (`needsOrg: false`: a worker, whose folder only holds
 * its `.env`) stays in the current folder, clone or not: the demo may not exist, and is not its.
 */
export function resolveRoot(options: { root?: string; needsOrg?: boolean }): string {
  if (options.root !== undefined) return fromWorkingFolder(options.root);
  const here = workingFolder();
  return options.needsOrg !== false && isLemmingClone(here) ? join(here, DEMO_FOLDER) : resolve(here);
}

/**
 * The root of a command that works on an org that exists: a missing folder is a mistyped
 * `--root`, said as such rather than as a list of the org files it lacks.
 */
export function requireRootFolder(root: string): string {
  if (!existsSync(root)) {
    // bootstrap makes the last name of --root only (storage/named-destination.ts), so a deeper path is made first.
    const make = existsSync(dirname(root)) ? '' : `\`mkdir -p ${dirname(root)}\`, then `;
    throw new LemmingError('no-root', `${root}: there is no such folder; check --root, or make an org there with ${make}\`lemming bootstrap --root ${root}\``, { exitCode: EXIT.usage });
  }
  if (!statSync(root).isDirectory()) throw new LemmingError('no-root', `${root}: is a file, not a folder; --root takes the folder that holds org/ and agents/`, { exitCode: EXIT.usage });
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

/** A stream a command writes to: the process's, or one a test gave `main`. */
export interface CommandStream {
  write(text: string): unknown;
  /** True when a person's terminal is on the other end: the live screen, colours, questions asked. */
  isTTY?: boolean;
}

/**
 * What the process gives a command (cli/program.ts `main`): the binary gives its own; a test that
 * runs commands in its own process gives each its own streams, folder and environment.
 */
export interface CommandIo {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: CommandStream;
  stderr: CommandStream;
  /** The working folder: a command given no `--root` works here. */
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  /**
   * True for the binary, which is the command's whole process: it may tune V8's heap for a long
   * run. A command run inside another program (a test) leaves the process as it found it.
   */
  ownsProcess: boolean;
}

/** The process's own streams, folder and environment: what the binary gives `main`. */
export function processIo(): CommandIo {
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env, ownsProcess: true };
}

let io: CommandIo | undefined;

/** The streams of the command running in this thread (set by `main` for its command), else the process's. */
export function commandIo(): CommandIo {
  return io ?? processIo();
}

/** Give the command about to run its streams (`main` does, and puts the process's back after it). */
export function setCommandIo(next: CommandIo | undefined): void {
  io = next;
}

/**
 * All of the running command's standard input, as text (`lemming send agent -`). From a terminal a
 * person is told first what ends it (`what`: what they type), so no one waits in silence on a command
 * that waits on them; from a pipe nothing is said.
 */
export async function readStandardInput(what: string): Promise<string> {
  const { stdin, stderr } = commandIo();
  if ((stdin as { isTTY?: boolean }).isTTY) stderr.write(`lemming: type ${what}, then press Ctrl-D on a line of its own to send it (Ctrl-C: send nothing)\n`);
  const chunks: Buffer[] = [];
  for await (const chunk of commandIo().stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks).toString('utf8');
}

/** Standard output and error of the running command, one line per call, through `terminalLine` (errors, events, a worker's log). */
export const processOutput: Output = {
  out: (line, paint) => void commandIo().stdout.write(`${terminalLine(line, paint)}\n`),
  err: (line) => void commandIo().stderr.write(`${terminalLine(line)}\n`),
};

/** commander's help and usage errors (which quote the arguments as given) through the same gate; commander adds the line breaks. */
export const commanderOutput = {
  writeOut: (text: string): void => void commandIo().stdout.write(terminalText(text)),
  writeErr: (text: string): void => void commandIo().stderr.write(terminalText(text)),
};
