import type { Problem } from '../errors.js';
import { schemaValidator } from '../lazy-modules.js';
import { isBuiltinTool, MCP_GRANT_PATTERN, TOOL_NAMES, type CommandToolConfig } from './schema.js';

const ORG_FILE = 'org/org.yaml';

/**
 * Why a resume's tool names neither a built-in, an MCP grant nor a command tool org.yaml declares;
 * undefined when it names one of them. Pure.
 */
export function undeclaredTool(grant: string, commandTools: Readonly<Record<string, unknown>>): string | undefined {
  if (isBuiltinTool(grant) || MCP_GRANT_PATTERN.test(grant) || Object.hasOwn(commandTools, grant)) return undefined;
  const declared = Object.keys(commandTools);
  return (
    `names the tool ${JSON.stringify(grant)}, which is not a tool: it must be one of ${TOOL_NAMES.join(', ')}, ` +
    `a command tool of org/org.yaml command_tools (${declared.length > 0 ? declared.join(', ') : 'none declared'}), or an MCP grant like "files/*"`
  );
}


/** What is wrong with org.yaml's command tools: a built-in's name taken, or parameters that are no JSON Schema of an object. */
export function commandToolProblems(tools: Readonly<Record<string, CommandToolConfig>>, lineOf: (path: Array<string | number>) => number | undefined): Problem[] {
  const problems: Problem[] = [];
  const problem = (path: Array<string | number>, message: string): void => {
    const line = lineOf(path);
    problems.push({ file: ORG_FILE, field: path.join('.'), ...(line === undefined ? {} : { line }), message, severity: 'error' });
  };
  for (const [name, tool] of Object.entries(tools)) {
    if (isBuiltinTool(name)) problem(['command_tools', name], `is the name of a built-in tool; give the command tool another name, like my_${name}`);
    if (tool.parameters.type !== 'object') {
      problem(['command_tools', name, 'parameters'], 'must be a JSON Schema of an object, like `parameters: { type: object, properties: { code: { type: string } }, required: [code] }`');
      continue;
    }
    try {
      schemaValidator().compile(tool.parameters);
    } catch (error) {
      problem(['command_tools', name, 'parameters'], `is not a valid JSON Schema: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return problems;
}
