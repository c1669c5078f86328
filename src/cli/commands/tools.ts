import type { Org } from '../../org/org.js';
import { TOOL_DEFINITIONS } from '../../engine/turn/tools.js';
import type { Output } from '../cli-context.js';
import { orgForReading } from '../org-for-reading.js';

interface ToolRow {
  name: string;
  kind: 'built-in' | 'command' | 'mcp';
  description: string;
  /** For a command tool: what runs, how its arguments reach it, whether a repeat is harmless. */
  command?: string[];
  arguments?: 'stdin' | 'env';
  idempotent?: boolean;
  /** Needs the human's approval for each call (org.yaml needs_approval). */
  approval: boolean;
  /** Agents whose resume grants it. */
  granted: string[];
}

function grantedTo(org: Org, matches: (grant: string) => boolean): string[] {
  return [...org.agents.values()].filter((agent) => agent.tools.some(matches)).map((agent) => agent.name);
}

function rows(org: Org): ToolRow[] {
  const approval = (name: string): boolean => org.needsApproval.includes(name);
  const builtins = Object.values(TOOL_DEFINITIONS).map((tool): ToolRow => ({
    name: tool.name,
    kind: 'built-in',
    description: tool.description,
    approval: approval(tool.name),
    granted: grantedTo(org, (grant) => grant === tool.name),
  }));
  const commands = Object.entries(org.commandTools).map(([name, tool]): ToolRow => ({
    name,
    kind: 'command',
    description: tool.description,
    command: tool.command,
    arguments: tool.arguments,
    idempotent: tool.idempotent,
    approval: approval(name),
    granted: grantedTo(org, (grant) => grant === name),
  }));
  const servers = Object.entries(org.mcpServers).map(([name, server]): ToolRow => ({
    name: `${name}/*`,
    kind: 'mcp',
    description: 'url' in server ? `MCP server at ${server.url}` : `MCP server: ${[server.command, ...server.args].join(' ')}`,
    approval: org.needsApproval.some((entry) => entry.startsWith(`${name}/`)),
    granted: grantedTo(org, (grant) => grant.startsWith(`${name}/`)),
  }));
  return [...builtins, ...commands, ...servers];
}

/**
 * `lemming tools`: every tool an agent of this org can be given (the built-ins, the org's command
 * tools, its MCP servers), who is granted each, which need approval, and whether commands can run on
 * this machine (with what to install when they cannot).
 */
export async function toolsCommand(root: string, options: { json?: boolean }, output: Output): Promise<number> {
  const { org } = orgForReading(root, output);
  const { sandboxReadiness } = await import('../../sandbox/sandbox-probe.js');
  const readiness = await sandboxReadiness(org.settings.sandbox.isolation);
  const commands = readiness.ready
    ? { ready: true, isolation: org.settings.sandbox.isolation, bwrap: readiness.bwrap || undefined, processLimit: readiness.cgroups.includes('pids') ? 'pids cgroup' : 'RLIMIT_NPROC', memoryLimit: readiness.cgroups.includes('memory') ? 'memory cgroup' : 'address space per process' }
    : { ready: false, problem: readiness.problem };
  const list = rows(org);
  if (options.json) {
    output.out(JSON.stringify({ tools: list, commands, web: { allow: org.web.allow } }, null, 2));
    return 0;
  }
  const width = Math.max(...list.map((row) => row.name.length));
  for (const kind of ['built-in', 'command', 'mcp'] as const) {
    const ofKind = list.filter((row) => row.kind === kind);
    if (ofKind.length === 0) continue;
    output.out(kind === 'built-in' ? 'built-in tools:' : kind === 'command' ? 'command tools (org/org.yaml command_tools):' : 'MCP servers (org/org.yaml mcp_servers; their tools are listed when a run starts them):');
    for (const row of ofKind) {
      const first = row.description.split(/(?<=\.)\s/)[0] ?? row.description;
      const details = [
        row.command ? `runs ${JSON.stringify(row.command)} with the arguments on ${row.arguments === 'env' ? 'TOOL_* variables' : 'stdin as JSON'}${row.idempotent ? ', idempotent' : ''}` : '',
        row.approval ? 'needs approval' : '',
        `granted to: ${row.granted.join(', ') || 'nobody'}`,
      ].filter(Boolean);
      output.out(`  ${row.name.padEnd(width)}  ${first}`);
      output.out(`  ${''.padEnd(width)}  (${details.join('; ')})`);
    }
  }
  const isolation = org.settings.sandbox.isolation;
  output.out(
    readiness.ready
      ? `commands on this machine: ready, ${isolation === 'none' ? 'UNISOLATED (engine.sandbox.isolation: none)' : `isolated by ${readiness.bwrap}`}; processes counted by ${commands.processLimit}; memory held by ${commands.memoryLimit}`
      : `commands on this machine: not offered: ${readiness.problem}`,
  );
  output.out(`fetch_url may reach: ${org.web.allow.join(', ') || 'nothing (org/org.yaml web.allow is empty)'}${[...org.agents.values()].some((agent) => agent.webAllow) ? ', and what resumes add in web_allow' : ''}`);
  return 0;
}
