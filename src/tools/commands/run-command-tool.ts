import type { Agent, Org } from '../../org/org.js';
import type { SandboxLimitOverrides } from '../../org/schema.js';
import { runSandboxed } from '../../sandbox/run-sandboxed.js';
import { SandboxRefusal } from '../../sandbox/sandbox-words.js';
import { toolError, type ToolResult } from '../tool-result.js';
import { commandSpecFor } from './command-place.js';
import { commandResultText } from './command-result-text.js';
import type { CommandSummary } from './command-summary.js';

/** A command tool's outcome: the result for the model, what the log keeps, and whether the run stopped it. */
export interface CommandOutcome {
  result: ToolResult;
  command?: CommandSummary;
  /** The run was stopping and killed it: not a result to keep, the call is made again by the next run. */
  interrupted?: boolean;
}

/** Run argv for an agent in the sandbox and word the result; `label` names it to the model (`python3 -m unittest`). */
export async function runForAgent(
  org: Org,
  agent: Agent,
  label: string,
  command: { argv: string[]; stdin?: string; env?: Record<string, string> },
  options: { limits?: SandboxLimitOverrides; signal?: AbortSignal } = {},
): Promise<CommandOutcome> {
  const spec = commandSpecFor(org, agent, command, options);
  let ran;
  try {
    ran = await runSandboxed(spec);
  } catch (error) {
    // A word the sandbox will not take (a NUL in a variable): the model reads why, and nothing ran.
    if (error instanceof SandboxRefusal) return { result: toolError(`${label}: refused: ${error.message}`) };
    throw error;
  }
  const worded = commandResultText(label, ran, spec.limits);
  return { ...worded, ...(ran.stoppedBy === 'stopped' ? { interrupted: true } : {}) };
}

/** The longest command line accepted: a script belongs in a file, or on stdin. */
const MAX_COMMAND_CHARS = 16_000;

/** `run_command`: a shell line run by /bin/sh in the agent's sandbox. */
export async function runCommandTool(org: Org, agent: Agent, args: unknown, signal?: AbortSignal): Promise<CommandOutcome> {
  const fields = args !== null && typeof args === 'object' && !Array.isArray(args) ? (args as Record<string, unknown>) : {};
  const line = fields.command;
  if (typeof line !== 'string' || line.trim() === '') return { result: toolError('run_command: give the command line as "command", for example {"command": "python3 -m unittest"}') };
  if (line.length > MAX_COMMAND_CHARS) return { result: toolError(`run_command: the command line is ${line.length} characters; at most ${MAX_COMMAND_CHARS} (write a script to a file and run it)`) };
  if (line.includes('\0')) return { result: toolError('run_command: the command line holds a NUL character') };
  const stdin = typeof fields.stdin === 'string' ? fields.stdin : undefined;
  return runForAgent(org, agent, JSON.stringify(line.length > 200 ? `${line.slice(0, 200)}…` : line), { argv: ['/bin/sh', '-c', line], ...(stdin !== undefined ? { stdin } : {}) }, signal ? { signal } : {});
}
