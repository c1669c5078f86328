import { OrgLoader } from '../../src/org/load-org.js';
import type { Org } from '../../src/org/org.js';
import { runOrgCommandTool } from '../../src/tools/commands/org-command-tool.js';
import { runCommandTool, type CommandOutcome } from '../../src/tools/commands/run-command-tool.js';
import { defaultOrg, read, write } from './temp-org.js';

/** A command tool that prints what it was given: its TOOL_TEXT variable, then what it reads on stdin. */
export const ECHO_TOOLS = `
command_tools:
  echo_env:
    description: Print the text given.
    parameters: { type: object, properties: { text: { type: string } }, required: [text] }
    command: [sh, -c, 'printf "[%s]\\n" "$TOOL_TEXT"; ls /hostroot 2>&1 | head -3']
    arguments: env
  echo_stdin:
    description: Print the arguments as given on standard input.
    parameters: { type: object, properties: { text: { type: string } }, required: [text] }
    command: [sh, -c, 'tr "\\000" "@"; echo; ls /hostroot 2>&1 | head -3']
`;

/** A hostile agent's reach: the coder of a default org whose engine.sandbox sets `sandbox` (a flow mapping's inside), with the echo tools. */
export function adversaryOrg(sandbox = ''): {
  root: string;
  org: Org;
  /** run_command as the coder, as the model calls it. */
  run: (command: string, stdin?: string) => Promise<CommandOutcome>;
  /** One of the org's command tools, as the model calls it. */
  tool: (name: string, args: unknown) => Promise<CommandOutcome>;
} {
  const root = defaultOrg();
  const yaml = read(root, 'org/org.yaml').replace(/^engine:\n/m, `engine:\n  sandbox: { ${sandbox} }\n`);
  write(root, 'org/org.yaml', `${yaml}${ECHO_TOOLS}`);
  // The org's shared workspace exists, so a command is given it at /shared.
  write(root, 'workspace/README.md', '# Shared\n');
  const { org, problems } = new OrgLoader(root).load();
  const errors = problems.filter((problem) => problem.severity !== 'warning');
  if (errors.length > 0) throw new Error(JSON.stringify(errors));
  const coder = org.agents.get('coder_01');
  if (!coder) throw new Error('no coder');
  return {
    root,
    org,
    run: (command, stdin) => runCommandTool(org, coder, { command, ...(stdin === undefined ? {} : { stdin }) }),
    tool: (name, args) => {
      const config = org.commandTools[name];
      if (!config) throw new Error(`no command tool ${name}`);
      return runOrgCommandTool(org, coder, name, config, args);
    },
  };
}
