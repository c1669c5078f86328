import type { Org } from '../org/org.js';
import type { ToolDefinition } from '../providers/provider.js';

const path = (description: string) => ({ type: 'string', description });
const PATH_HELP = 'A path in your workspace, like "notes.md" or "src/app.ts"; "shared/…" is the org\'s shared workspace.';

/** The built-in tools that return a result to the model (the loop goes on after them). */
export const RESULT_TOOL_DEFINITIONS = {
  read_file: {
    name: 'read_file',
    description: 'Read a text file from your workspace or the shared one, whole or a range of its lines. Large files are cut, and say how to read on.',
    parameters: {
      type: 'object',
      properties: {
        path: path(PATH_HELP),
        start_line: { type: 'integer', minimum: 1, description: 'The first line to read (1 is the first); default 1.' },
        end_line: { type: 'integer', minimum: 1, description: 'The last line to read; default: as far as the read cap allows.' },
      },
      required: ['path'],
      additionalProperties: false,
    },
  },
  write_file: {
    name: 'write_file',
    description: 'Create or replace a text file in your workspace (or the shared one, if your resume allows). Folders are made as needed.',
    parameters: {
      type: 'object',
      properties: { path: path(PATH_HELP), content: { type: 'string', description: 'The whole new content of the file.' } },
      required: ['path', 'content'],
      additionalProperties: false,
    },
  },
  list_files: {
    name: 'list_files',
    description: 'List the files and folders under a path of your workspace ("." for all of it, "shared" for the shared workspace).',
    parameters: {
      type: 'object',
      properties: { path: path(PATH_HELP), recursive: { type: 'boolean', description: 'Include sub-folders (default true).' } },
      additionalProperties: false,
    },
  },
  search_files: {
    name: 'search_files',
    description: 'Find the lines containing a text (case-insensitive) in the files under a path.',
    parameters: {
      type: 'object',
      properties: { query: { type: 'string', description: 'The text to look for.' }, path: path(PATH_HELP) },
      required: ['query'],
      additionalProperties: false,
    },
  },
  read_message: {
    name: 'read_message',
    description: 'Read a message you sent or received in full, by its id (your inbox shows a capped number of messages).',
    parameters: {
      type: 'object',
      properties: { id: { type: 'string', description: 'The message id, like "000012-manager-001".' } },
      required: ['id'],
      additionalProperties: false,
    },
  },
  list_agents: {
    name: 'list_agents',
    description: 'Who is in the organisation: names, titles, managers, and whom you may write to.',
    parameters: { type: 'object', properties: {}, additionalProperties: false },
  },
  hire_agent: {
    name: 'hire_agent',
    description:
      'Propose a new colleague. Nothing changes until the person running the organisation approves; ' +
      'the budget comes out of your own credits when they do. A hire may start from one of the org\'s agent templates ' +
      '(list_agents names them): its title, budget, tools and instructions, each overridden by what you give.',
    parameters: {
      type: 'object',
      properties: {
        name: { type: 'string', description: 'Folder name: lower case letters, digits, "_" or "-", like "coder_02".' },
        template: { type: 'string', description: 'An agent template to start from, like "tester" (org/templates/tester.md).' },
        title: { type: 'string', description: 'Their job title (required without a template).' },
        instructions: { type: 'string', description: 'What they do: the body of their resume (after the template\'s, with one).' },
        reports_to: { type: 'string', description: 'Their manager (an agent name).' },
        model: { type: 'string', description: 'A model key from the registry; yours if left out.' },
        credits: { type: 'number', description: 'Their budget, moved from your credits on approval (required without a template).' },
        send_to: { type: 'array', items: { type: 'string' }, description: 'Whom they may write to (default: their manager).' },
        read_from: { type: 'array', items: { type: 'string' }, description: 'Whom they read (default: their manager).' },
        tools: { type: 'array', items: { type: 'string' }, description: 'Their tools (default: the template\'s, else send_message, remember).' },
      },
      required: ['name', 'reports_to'],
      additionalProperties: false,
    },
  },
  retire_agent: {
    name: 'retire_agent',
    description:
      'Propose that an agent leaves the organisation. On approval the mail waiting for it goes back to its senders, and the credits it holds when it is retired go to you, the proposer (the human is told how many).',
    parameters: {
      type: 'object',
      properties: { name: { type: 'string', description: 'The agent to retire.' }, reason: { type: 'string', description: 'Why.' } },
      required: ['name', 'reason'],
      additionalProperties: false,
    },
  },
  run_command: {
    name: 'run_command',
    description:
      'Run a shell command (sh -c) in a sandbox: your workspace is the current folder (/workspace), the shared workspace is /shared, ' +
      'there is no network, and time, output, memory and processes are limited. Interpreters such as python3 and node work as usual. ' +
      'The result gives the exit code, what it printed (long output is cut, and says so) and how long it ran.',
    parameters: {
      type: 'object',
      properties: {
        command: { type: 'string', description: 'The command line, for example "python3 -m unittest" or "ls -la src".' },
        stdin: { type: 'string', description: 'Text given to the command on its standard input (optional).' },
      },
      required: ['command'],
      additionalProperties: false,
    },
  },
  fetch_url: {
    name: 'fetch_url',
    description:
      'Fetch a web page or file over HTTP(S) from the hosts your organisation allows; HTML comes back as readable text. ' +
      'Other hosts, redirects to them and large pages are refused or cut, with the reason.',
    parameters: {
      type: 'object',
      properties: { url: { type: 'string', description: 'The full URL, like "https://docs.python.org/3/library/json.html".' } },
      required: ['url'],
      additionalProperties: false,
    },
  },
  calculate: {
    name: 'calculate',
    description: 'Work out an arithmetic expression exactly as written: + - * / ^ %, parentheses, and functions like sqrt, log, sin, round, min, max.',
    parameters: {
      type: 'object',
      properties: { expression: { type: 'string', description: 'For example "(1200 * 1.2 - 300) / 7" or "sqrt(2) * 10^3".' } },
      required: ['expression'],
      additionalProperties: false,
    },
  },
} satisfies Record<string, ToolDefinition>;

/** A built-in tool that returns a result. */
export type ResultToolName = keyof typeof RESULT_TOOL_DEFINITIONS;

/** True for a built-in tool whose result goes back to the model. */
export function isResultTool(name: string): name is ResultToolName {
  return Object.hasOwn(RESULT_TOOL_DEFINITIONS, name);
}

/** Built-in tools whose work reaches outside lemming's files (a command, the web) or needs a library (arithmetic): outside-tools.ts runs them, loaded at first use. */
export const OUTSIDE_TOOLS = ['run_command', 'fetch_url', 'calculate'] as const;

/** One of OUTSIDE_TOOLS. */
export type OutsideToolName = (typeof OUTSIDE_TOOLS)[number];

/** True for a built-in tool outside-tools.ts runs. */
export function isOutsideTool(name: string): name is OutsideToolName {
  return (OUTSIDE_TOOLS as readonly string[]).includes(name);
}

/** An org's command tool by name (org.yaml `command_tools`), when it declares one. */
export function commandTool(org: Org, name: string) {
  return Object.hasOwn(org.commandTools, name) ? org.commandTools[name] : undefined;
}

/** Does this tool run in the sandbox: run_command, or a command tool the org declares? */
export function runsInSandbox(org: Org, name: string): boolean {
  return name === 'run_command' || commandTool(org, name) !== undefined;
}
