import { LemmingError } from '../errors.js';
import type { Agent, Org } from '../org/org.js';
import type { ToolDefinition } from '../providers/provider.js';
import type { BuiltinOutcome, BuiltinToolContext } from './builtin-tools.js';
import type { McpOffer } from './mcp/mcp-servers.js';
import { commandTool, runsInSandbox } from './builtin-definitions.js';
import { toolError } from './tool-result.js';

/** The tools offered to an agent beyond the built-ins its resume lists, and built-ins withheld on this machine, with why. */
export interface ToolOffer extends McpOffer {
  /** Granted tools not offered (run_command where commands cannot run): taken out of the prompt's tool list. */
  withheld: string[];
}

/** Who makes a call, and where. */
export type OutsideCallContext = Omit<BuiltinToolContext, 'root'>;

/**
 * The tools whose work reaches outside lemming's files, run live, recorded or replayed (outside-tape.ts):
 * run_command and the org's command tools (in the sandbox), fetch_url (the web by allow-list) and
 * calculate. Everything they need is loaded by the first call that needs it.
 */
export interface OutsideTools {
  offer(org: Org, agent: Agent): Promise<ToolOffer>;
  run(name: string, args: unknown, context: OutsideCallContext): Promise<BuiltinOutcome>;
}

/** The tools of a resume that run in the sandbox: run_command and the org's command tools it grants. */
export function sandboxedGrants(org: Org, agent: Agent): string[] {
  return agent.tools.filter((name) => runsInSandbox(org, name));
}

/** The definitions of the org's command tools a resume grants, as org.yaml gives them. */
export function commandToolDefinitions(org: Org, agent: Agent): ToolDefinition[] {
  return agent.tools.flatMap((name) => {
    const tool = commandTool(org, name);
    return tool ? [{ name, description: tool.description, parameters: tool.parameters }] : [];
  });
}

/** No tools beyond the built-ins, none withheld. */
export const NO_OFFER: ToolOffer = { definitions: [], problems: [], withheld: [] };

/** The outside tools, run here and now. */
export class LiveOutsideTools implements OutsideTools {
  /**
   * Command tools are offered when commands can run here (sandbox-probe.ts, checked once per process);
   * otherwise they are withheld, and the model and the log are told the one line that says what to install.
   */
  async offer(org: Org, agent: Agent): Promise<ToolOffer> {
    const sandboxed = sandboxedGrants(org, agent);
    if (sandboxed.length === 0) return NO_OFFER;
    const { sandboxReadiness } = await import('../sandbox/sandbox-probe.js');
    const readiness = await sandboxReadiness(org.settings.sandbox.isolation);
    if (!readiness.ready) return { definitions: [], problems: [readiness.problem], withheld: sandboxed };
    return { definitions: commandToolDefinitions(org, agent), problems: [], withheld: [] };
  }

  async run(name: string, args: unknown, context: OutsideCallContext): Promise<BuiltinOutcome> {
    const { org, agent, signal } = context;
    const fields = args !== null && typeof args === 'object' && !Array.isArray(args) ? (args as Record<string, unknown>) : {};
    try {
      if (name === 'calculate') return { result: (await import('./calculate/calculate-tool.js')).calculateTool(fields.expression) };
      if (name === 'fetch_url') {
        const { fetchUrl } = await import('./web/fetch-url.js');
        return { result: await fetchUrl(fields.url, org.web, [...org.web.allow, ...(agent.webAllow ?? [])]) };
      }
      if (name === 'run_command') return await (await import('./commands/run-command-tool.js')).runCommandTool(org, agent, args, signal);
      const tool = commandTool(org, name);
      if (tool) return await (await import('./commands/org-command-tool.js')).runOrgCommandTool(org, agent, name, tool, args, signal);
    } catch (error) {
      // Commands cannot run on this machine: the call is refused with the line that says what to install.
      if (error instanceof LemmingError && error.code === 'sandbox-unavailable') return { result: toolError(`${name}: ${error.message}`) };
      throw error;
    }
    return { result: toolError(`there is no tool ${JSON.stringify(name.slice(0, 64))}`) };
  }
}
