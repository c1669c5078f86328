import { formatProblem, InvalidOrgError, LemmingError } from '../errors.js';
import { processOutput } from './cli-context.js';

const output = processOutput;

/** Run a command body; turn what it throws into one line and an exit code. */
export async function execute(body: () => number | Promise<number>): Promise<void> {
  try {
    process.exitCode = await body();
  } catch (error) {
    process.exitCode = report(error);
  }
}

/** One line (and, for an org, its first problems) on stderr for what a command threw; the exit code. */
export function report(error: unknown): number {
  if (error instanceof InvalidOrgError) {
    output.err(`lemming: ${error.message}`);
    for (const problem of error.problems.slice(1, 10)) output.err(`  ${problem.severity}: ${formatProblem(problem)}`);
    return error.exitCode;
  }
  if (error instanceof LemmingError) {
    output.err(`lemming: ${error.message}`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  output.err(`lemming: unexpected error: ${message}`);
  if (process.env.LEMMING_DEBUG && error instanceof Error) output.err(error.stack ?? '');
  return 1;
}
