import { blameRun, type BlameOptions as RunBlameOptions, type BlameReport } from '../blame/blame-run.js';
import { checkFromFile } from '../blame/check-from-file.js';
import { fromWorkingFolder } from '../invocation.js';

/** Options of `blame`: the check (named, in an experiment file's `checks:`) and how hard to look. */
export type BlameOptions = Pick<RunBlameOptions, 'k' | 'controls' | 'path' | 'seed' | 'model' | 'turns' | 'maxCredits' | 'parallel' | 'dryRun' | 'log' | 'csv'> & {
  /** The check the run fails. */
  check: string;
  /** The experiment file whose `checks:` defines it. */
  checks: string;
  /** Where the forks and the report go (default: `<run>/blame/<check>`). */
  out?: string;
};

/**
 * Find the step that made a run fail a check, as `lemming blame RUN --check NAME --checks FILE`
 * does: fork the run before each agent call, re-run that call k times changed and k times as it
 * was, run each fork to the end, check it, and rank the steps. Returns what its `--json` prints;
 * with `dryRun`, what it would cost. The run must keep a history (docs/history.md).
 */
export async function blame(run: string, options: BlameOptions): Promise<BlameReport> {
  const { check, checks, out, ...flags } = options;
  return blameRun(fromWorkingFolder(run), { ...flags, check: checkFromFile(checks, check), ...(out === undefined ? {} : { folder: out }) });
}
