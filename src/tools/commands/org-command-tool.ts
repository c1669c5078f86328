import { schemaValidator } from '../../lazy-modules.js';
import type { Agent, Org } from '../../org/org.js';
import type { CommandToolConfig } from '../../org/schema.js';
import { toolError } from '../tool-result.js';
import { runForAgent, type CommandOutcome } from './run-command-tool.js';

/** The variable an argument reaches a command in (`arguments: env`): `path` → `TOOL_PATH`, `maxLines` → `TOOL_MAXLINES`. */
export function argumentVariable(name: string): string {
  return `TOOL_${name.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}`;
}

/** Each top-level argument as a variable: strings as they are, anything else as JSON. */
function argumentEnvironment(args: Record<string, unknown>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(args)) env[argumentVariable(name)] = typeof value === 'string' ? value : JSON.stringify(value);
  return env;
}

/**
 * Run a command tool org.yaml declares: the call's arguments are checked against its JSON Schema
 * (a mismatch is refused with each reason), then reach its command as JSON on standard input or as
 * variables, never as words of a shell line, and it runs in the agent's sandbox like run_command.
 */
export async function runOrgCommandTool(org: Org, agent: Agent, name: string, config: CommandToolConfig, args: unknown, signal?: AbortSignal): Promise<CommandOutcome> {
  const given = args ?? {};
  const validate = schemaValidator().compile(config.parameters);
  if (!validate(given)) {
    const reasons = (validate.errors ?? []).map((error) => `${error.instancePath || 'the arguments'} ${error.message ?? 'do not match'}`);
    return { result: toolError(`${name}: the arguments do not match its schema: ${reasons.join('; ')}`) };
  }
  const object = given !== null && typeof given === 'object' && !Array.isArray(given) ? (given as Record<string, unknown>) : {};
  const command = config.arguments === 'env' ? { argv: config.command, env: argumentEnvironment(object) } : { argv: config.command, stdin: JSON.stringify(given) };
  return runForAgent(org, agent, name, command, { ...(config.limits ? { limits: config.limits } : {}), ...(signal ? { signal } : {}) });
}
