import { LemmingError } from '../errors.js';
import type { CommandResult, CommandSpec } from './command-spec.js';
import { runWithinQuota } from './disk-quota.js';
import { launch } from './launch-command.js';
import { sandboxReadiness } from './sandbox-probe.js';

export type { CommandResult, CommandSpec, DiskQuotaMet, SandboxLimits } from './command-spec.js';

/**
 * The sandbox: a command spec in, a result out. Throws a LemmingError `sandbox-unavailable` with
 * the one line that says what to install when commands cannot run on this machine; a command
 * that fails, is killed at a limit or cannot be found is a result, not a throw. The launch runs
 * within the disk quota of the folders the command may write, which also loses the setuid and
 * setgid bits of what it wrote (disk-quota.ts).
 */
export async function runSandboxed(spec: CommandSpec): Promise<CommandResult> {
  const readiness = await sandboxReadiness(spec.isolation);
  if (!readiness.ready) throw new LemmingError('sandbox-unavailable', readiness.problem);
  return runWithinQuota(spec, (limited, held) => launch(readiness, limited, held));
}
