import { quotePathNames } from './mailbox/message-text.js';
import { cutSecrets } from './secrets/secrets.js';
import { abbreviated } from './terminal-text/terminal-text.js';

/**
 * What lemming's exit codes mean, one name each (docs/cli.md has the table). `usage` is any mistake
 * in what the person typed: an option, a name or an id that names nothing, an empty message, an
 * amount out of bounds. `failed` is the rest: a refusal of the chart, an org file to mend, a model.
 */
export const EXIT = { failed: 1, usage: 2, locked: 3, record: 4, storage: 5 } as const;

/**
 * One base error for everything lemming reports to a person. `code` is stable
 * and machine-readable; `exitCode` is what the CLI exits with.
 */
export class LemmingError extends Error {
  readonly code: string;
  readonly exitCode: number;

  constructor(code: string, message: string, options: { exitCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LemmingError';
    this.code = code;
    this.exitCode = options.exitCode ?? EXIT.failed;
  }
}

/** A problem found in one of the org's files: what a person needs to fix it. */
export interface Problem {
  /** Path of the file, relative to the org root. */
  file: string;
  /** Dotted path of the field inside the file, when there is one. */
  field?: string;
  /** 1-based line in the file, when known. */
  line?: number;
  /** What is wrong, and what a valid value looks like. */
  message: string;
  severity: 'error' | 'warning';
}

/**
 * A problem's message followed, on the lines after it, by a valid example of its kind of file:
 * `…; a valid meeting looks like` and the example. Said with the first problem of a file only.
 */
export function withExample(message: string, kind: string, example: string): string {
  return `${message}; a valid ${kind} looks like\n${example}`;
}

/** What withExample puts at the end of a message's first line. */
const EXAMPLE_INTRODUCED = /; a valid [^;\n]* looks like$/;

/**
 * A problem's message on one line, for a reason said inside another sentence (a refused post, a
 * refused proposal): its first line, without the `; a valid … looks like` of withExample, whose
 * example cannot follow it there. Before, such a line ended on "looks like", its example cut off.
 */
export function problemOnOneLine(message: string): string {
  return (message.split('\n')[0] ?? '').replace(EXAMPLE_INTRODUCED, '');
}

/** `file:line`, or `file` when the line is not known; a name of the path no name could be, quoted (quotePathNames). */
export function problemPlace(problem: Problem): string {
  const file = quotePathNames(problem.file);
  return problem.line === undefined ? file : `${file}:${problem.line}`;
}

/** `field: message`, or the message alone when there is no field: what follows the place. */
export function problemSaid(problem: Problem): string {
  // A field is a key of the file, which may be a megabyte long: said as a short excerpt.
  return problem.field ? `${quotePathNames(abbreviated(problem.field, 80))}: ${problem.message}` : problem.message;
}

/** problemSaid with the message's first line only (no example): for a line that says the problem among others. */
export function problemSaidOnOneLine(problem: Problem): string {
  return problemSaid({ ...problem, message: problemOnOneLine(problem.message) });
}

/** `file:line: field: message`, leaving out what is not known. */
export function formatProblem(problem: Problem): string {
  return `${problemPlace(problem)}: ${problemSaid(problem)}`;
}

/** Thrown when the org's files cannot be used; carries every problem found, not only the first. */
export class InvalidOrgError extends LemmingError {
  readonly problems: Problem[];

  constructor(problems: Problem[]) {
    const errors = problems.filter((problem) => problem.severity === 'error');
    const first = errors[0];
    const summary = first ? formatProblem(first) : 'the org is invalid';
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more problem(s); run \`lemming validate\`)` : '';
    super('invalid-org', `${summary}${more}`);
    this.name = 'InvalidOrgError';
    this.problems = problems;
  }
}

/** The message of anything thrown, whether an Error or not, with the org's secrets cut out: a server's or a library's words may quote one. */
export function errorMessage(error: unknown): string {
  return cutSecrets(error instanceof Error ? error.message : String(error));
}
