import { formatProblem, InvalidOrgError, LemmingError } from '../errors.js';
import { environment } from '../invocation.js';
import { deniedAccessLine } from '../storage/storage-error.js';
import { processOutput, type Output } from './cli-context.js';

const output = processOutput;

/** The exit code of the last command body run (cli/program.ts `main` returns it). */
let exitCode = 0;

/** Run a command body; turn what it throws into one line (on `to`: `--log-format json` gives its own) and an exit code. */
export async function execute(body: () => number | Promise<number>, to: Output = output): Promise<void> {
  try {
    exitCode = await body();
  } catch (error) {
    exitCode = report(error, to);
  }
}

/** The exit code `execute` last set, and 0 for the next command. */
export function takeExitCode(): number {
  const code = exitCode;
  exitCode = 0;
  return code;
}

/** One line (and, for an org, its first problems) on stderr for what a command threw; the exit code. */
export function report(error: unknown, output: Output = processOutput): number {
  if (error instanceof InvalidOrgError) {
    output.err(`lemming: ${error.message}`);
    for (const problem of error.problems.slice(1, 10)) output.err(`  ${problem.severity}: ${formatProblem(problem)}`);
    return error.exitCode;
  }
  if (error instanceof LemmingError) {
    output.err(`lemming: ${error.message}`);
    return error.exitCode;
  }
  const denied = deniedAccessLine(error);
  if (denied !== undefined) {
    output.err(`lemming: ${denied}`);
    return 1;
  }
  const message = error instanceof Error ? error.message : String(error);
  output.err(`lemming: unexpected error: ${message}`);
  if (environment().LEMMING_DEBUG && error instanceof Error) output.err(error.stack ?? '');
  return 1;
}
