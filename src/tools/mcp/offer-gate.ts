import type { ToolDefinition } from '../../providers/provider.js';
import { isGrantedName, MCP_NAME_SEPARATOR, mcpToolName, unavailableTools, type McpOffer } from './mcp-servers.js';

/** The most names of tools left out that a problem quotes (heldToModelNames): a server may list thousands. */
const NAMES_QUOTED = 8;

/** The most tools one server's offer gives a model (OpenAI takes 128 tools a request in all): grant fewer of a server's tools than that. */
export const MAX_OFFERED_TOOLS = 128;

/** The most characters of a tool's description: a paragraph or two, sent with every request of the agent's turn. */
export const MAX_DESCRIPTION_CHARS = 4_000;

/** The most characters of a tool's parameters' schema, written as JSON. */
export const MAX_SCHEMA_CHARS = 64 * 1024;

/** The rule of a name a model calls a tool by (mcpToolName makes such names). */
const MODEL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * What is wrong with an offer of MCP tools (`{definitions, problems}`), in words (a sentence about `it`), or undefined for
 * one lemming may show a model: the one check of an offer whatever made it (McpServers from a
 * server's tools/list, a worker's answer read from Redis, the tools tape on replay). At most
 * MAX_OFFERED_TOOLS definitions, each a name `offered` accepts under the model-name rule, a
 * description of at most MAX_DESCRIPTION_CHARS, and parameters an object of at most
 * MAX_SCHEMA_CHARS as JSON; its problems a list of texts (cut by the caller: a server's own error may be long,
 * and its words are what a person needs). Pure.
 */
export function offerProblem(value: unknown, offered: (name: string) => boolean): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `it is not an offer (${kindOf(value)}; an offer is {"definitions": [...], "problems": [...]})`;
  const { definitions, problems } = value as { definitions?: unknown; problems?: unknown };
  if (!Array.isArray(definitions)) return `it has no list of definitions (its definitions are ${kindOf(definitions)})`;
  if (definitions.length > MAX_OFFERED_TOOLS) return `it holds ${definitions.length} tools; at most ${MAX_OFFERED_TOOLS} are offered from one server (grant fewer of its tools)`;
  for (const [index, definition] of definitions.entries()) {
    const problem = definitionProblem(definition, offered);
    if (problem !== undefined) return `its tool ${index + 1} ${problem}`;
  }
  const first = new Map<unknown, number>();
  for (const [index, definition] of (definitions as Array<{ name: unknown }>).entries()) {
    const earlier = first.get(definition.name);
    // One name offered twice: a request Anthropic refuses whole, and a model that cannot say which it calls.
    if (earlier !== undefined) return `its tools ${earlier + 1} and ${index + 1} are both named ${String(definition.name)}`;
    first.set(definition.name, index);
  }
  if (!Array.isArray(problems) || problems.length > MAX_OFFERED_TOOLS || !problems.every((problem) => typeof problem === 'string')) {
    return `it has no list of problems (at most ${MAX_OFFERED_TOOLS} texts)`;
  }
  return undefined;
}

function definitionProblem(value: unknown, offered: (name: string) => boolean): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `is ${kindOf(value)}, not a tool ({"name", "description", "parameters"})`;
  const { name, description, parameters } = value as Partial<Record<keyof ToolDefinition, unknown>>;
  if (typeof name !== 'string' || !MODEL_NAME.test(name)) return `has no name (${kindOf(name)}; a name is 1 to 64 letters, digits, _ and -)`;
  if (!offered(name)) return `(${name}) is not a granted tool of the server`;
  if (typeof description !== 'string') return `(${name}) has no description (${kindOf(description)})`;
  if (description.length > MAX_DESCRIPTION_CHARS) return `(${name}) has a description of ${description.length} characters; at most ${MAX_DESCRIPTION_CHARS}`;
  if (typeof parameters !== 'object' || parameters === null || Array.isArray(parameters)) return `(${name}) has no parameters' schema (${kindOf(parameters)}; a JSON schema object)`;
  const size = jsonLength(parameters);
  if (size === undefined || size > MAX_SCHEMA_CHARS) return `(${name}) has a parameters' schema ${size === undefined ? 'nested too deep to write' : `of ${size} characters`}; at most ${MAX_SCHEMA_CHARS}`;
  return undefined;
}

/**
 * A server's granted tools held to the names a model calls them by (mcpToolName): a tool is offered only when
 * its model name leads back to it (`resolve`, the one way a call finds its server and tool), so a `.`, a letter
 * outside ASCII, a name past 64 characters with the server's, or a name that reaches another declared server
 * leaves the tool out, said naming the server, the tools and the rule; a name listed again is offered once.
 * Before, `files.read` and `files_read` were both offered as `files__files_read` (a call to either ran
 * `files_read`), and `lire-été` was offered as `files__lire-_t_`, whose call the server answered "Tool not found". Pure.
 */
export function heldToModelNames<Tool extends { name: string }>(
  server: string,
  granted: readonly Tool[],
  resolve: (modelName: string) => { server: string; tool: string } | undefined,
): { kept: Tool[]; problem?: string } {
  const kept = new Map<string, Tool>();
  const left: Tool[] = [];
  for (const tool of granted) {
    const reached = resolve(mcpToolName(server, tool.name));
    if (reached?.server !== server || reached.tool !== tool.name) left.push(tool);
    else if (!kept.has(tool.name)) kept.set(tool.name, tool);
  }
  if (left.length === 0) return { kept: [...kept.values()] };
  const quoted = left.slice(0, NAMES_QUOTED).map((tool) => JSON.stringify(tool.name.slice(0, 80)));
  const more = left.length > NAMES_QUOTED ? ` and ${left.length - NAMES_QUOTED} more` : '';
  return {
    kept: [...kept.values()],
    problem:
      `the MCP server ${server} lists ${left.length} ${left.length === 1 ? 'tool' : 'tools'} this agent is granted whose names a model cannot call them by, left out: ${quoted.join(', ')}${more}; ` +
      `a model calls a tool by the server's name, "__" and the tool's, at most 64 letters, digits, _ and - in all, naming no other server's tool: rename them in the server`,
  };
}

/**
 * A server's granted tools held to MAX_OFFERED_TOOLS: the first it lists, in its order, and when there
 * were more, what is said of the rest (to the model, the agent's log and the screen: McpServers.offer),
 * naming the server, how many it lists, the limit, the first and last tool left out, and what to
 * grant instead. Before, such a server's tools were all left out, every turn. Pure.
 */
export function heldToOfferLimit<Tool extends { name: string }>(server: string, granted: readonly Tool[], grants: readonly string[]): { kept: Tool[]; problem?: string } {
  if (granted.length <= MAX_OFFERED_TOOLS) return { kept: [...granted] };
  const kept = granted.slice(0, MAX_OFFERED_TOOLS);
  const left = granted.slice(MAX_OFFERED_TOOLS);
  const span = (tools: readonly Tool[]): string => (tools.length === 1 ? mcpToolName(server, tools[0]?.name ?? '') : `${mcpToolName(server, tools[0]?.name ?? '')} to ${mcpToolName(server, tools.at(-1)?.name ?? '')}`);
  const instead = grants.includes(`${server}/*`) ? ` instead of \`${server}/*\`` : '';
  return {
    kept,
    problem:
      `the MCP server ${server} lists ${granted.length} tools this agent is granted, more than the ${MAX_OFFERED_TOOLS} lemming offers from one server: ` +
      `the first ${MAX_OFFERED_TOOLS} it lists are offered (${span(kept)}), and ${left.length} are not (${span(left)}); ` +
      `to choose which, grant them by name in the resume's tools (\`${server}/<tool>\` for each, at most ${MAX_OFFERED_TOOLS})${instead}`,
  };
}

/** A tool's description (or an offer's problem) cut to MAX_DESCRIPTION_CHARS, saying so. */
export function cutDescription(description: string, what = 'description'): string {
  if (description.length <= MAX_DESCRIPTION_CHARS) return description;
  const marker = ` [lemming: the rest of the ${what} was cut]`;
  return `${description.slice(0, MAX_DESCRIPTION_CHARS - marker.length)}${marker}`;
}

function jsonLength(value: unknown): number | undefined {
  try {
    return JSON.stringify(value).length;
  } catch {
    return undefined;
  }
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

/**
 * A server's offer held to the one rule of an offer (offerProblem), whoever made it: this engine from
 * the server's tools/list, or a worker (QueuedMcp); one refused is that server's tools unavailable, saying why.
 * Its tools are then held to the names a call reaches (heldToModelNames, by `resolve`, which knows every
 * server the org declares): a worker knows only the server it runs, and offered a tool whose name another
 * server's tool has (names's `files__read` and names__files's `read`, both `names__files__read`) twice,
 * a call to it running whichever server org.yaml declares first.
 */
export function checkedOffer(server: string, grants: readonly string[], offer: unknown, whose: string, resolve: (modelName: string) => { server: string; tool: string } | undefined): McpOffer {
  const problem = offerProblem(offer, (name) => isGrantedName(grants, server, name));
  if (problem !== undefined) return { definitions: [], problems: [unavailableTools(server, `${whose} was refused: ${problem}`)] };
  const { definitions, problems } = offer as McpOffer;
  // A definition's name is its server's, "__" and the tool's (isGrantedName): the tool's name is what follows.
  const prefix = `${server}${MCP_NAME_SEPARATOR}`;
  const callable = heldToModelNames(server, definitions.map((definition) => ({ name: definition.name.slice(prefix.length), definition })), resolve);
  return {
    definitions: callable.kept.map((tool) => tool.definition),
    problems: [...problems.map((text) => cutDescription(text, 'problem')), ...(callable.problem === undefined ? [] : [callable.problem])],
  };
}
