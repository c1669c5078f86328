import type { InboxItemMarkup } from '../../mailbox/prompt-markup.js';
import type { ProviderRequest, ToolDefinition } from '../provider.js';
import { stripDelegation, words } from './compose.js';
import { stem } from './route-task.js';
import { OWN_TERMS, type OfflineCall, type SeenResult } from './tool-use.js';

/** A description names a tool when the task shares this many of its words, and half of them at the least. */
const DESCRIPTION_WORDS = 3;

/** The words of a tool's own name, its server's prefix left out: `everything__get_sum` is "get", "sum". */
function nameWords(name: string): string[] {
  const own = name.includes('__') ? name.slice(name.indexOf('__') + 2) : name;
  return own
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '');
}

/**
 * The granted tool a task names, if one does: by its own name (every word of it in the task:
 * "echo", "list the files" for list_files) or by its description (three of its words, and half). The
 * first of the request's tools that fits, in the order they are offered. Pure.
 */
export function namedTool(request: Pick<ProviderRequest, 'tools'>, task: string): ToolDefinition | undefined {
  const taskStems = new Set([...words(task)].map(stem));
  const taskWords = new Set(task.toLowerCase().split(/[^a-z0-9]+/));
  for (const tool of request.tools) {
    if (OWN_TERMS.has(tool.name)) continue;
    const own = nameWords(tool.name);
    if (own.length > 0 && own.every((word) => taskWords.has(word) || taskStems.has(stem(word)))) return tool;
    const described = new Set([...words(tool.description)].map(stem));
    const shared = [...described].filter((word) => taskStems.has(word)).length;
    if (shared >= Math.max(DESCRIPTION_WORDS, Math.ceil(described.size / 2))) return tool;
  }
  return undefined;
}

/** Quoted words of a task ("…", '…', “…”, `…`), in order: what it gives a tool to work on. */
function quoted(task: string): string[] {
  return [...task.matchAll(/"([^"]+)"|“([^”]+)”|'([^']{2,})'|`([^`]+)`/g)].map((match) => match[1] ?? match[2] ?? match[3] ?? match[4] ?? '');
}

/**
 * Arguments for a tool from a task, by its JSON schema: each string from the task's quoted words in
 * turn (or the task's first line), a path from a path-like word ("shared" for the shared workspace), numbers from the task's numbers in
 * turn, the first of an enum, false for a flag. Only what the schema requires, and a path when the
 * task names one.
 */
export function argumentsFor(tool: ToolDefinition, task: string): Record<string, unknown> {
  const schema = tool.parameters as { properties?: Record<string, { type?: string | string[]; enum?: unknown[] }>; required?: string[] };
  const properties = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  const strings = quoted(task);
  const numbers = [...task.matchAll(/-?\b\d+(?:\.\d+)?\b/g)].map((match) => Number(match[0]));
  // A path-like word of the task, or the shared workspace when the task speaks of it.
  const path = /(?:^|\s)((?:[\w.-]+\/)+[\w.-]*|[\w-]+\.[a-z]{1,5})(?=[\s,.;:!?]|$)/i.exec(task)?.[1]?.replace(/[.,;:!?]+$/, '') ?? (/\bshared workspace\b/i.test(task) ? 'shared' : undefined);
  const firstLine = stripDelegation(task).split('\n')[0]?.trim() ?? task;
  const args: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(properties)) {
    const type = Array.isArray(property.type) ? property.type[0] : property.type;
    if (name === 'path' && path !== undefined) {
      args[name] = path;
      continue;
    }
    if (!required.has(name)) continue;
    if (property.enum && property.enum.length > 0) args[name] = property.enum[0];
    else if (type === 'number' || type === 'integer') args[name] = numbers.shift() ?? 0;
    else if (type === 'boolean') args[name] = false;
    else if (type === 'string') args[name] = strings.shift() ?? firstLine;
  }
  return args;
}

/**
 * A task that names one of the agent's granted tools (MCP tools included): first the call, then,
 * once its result is back, the lines its report gives it. Undefined when no granted tool is named.
 */
export function useNamedTool(request: ProviderRequest, item: InboxItemMarkup, results: readonly SeenResult[]): { call: OfflineCall } | { said: string } | undefined {
  const task = `${item.subject ?? ''}\n${stripDelegation(item.body)}`;
  const tool = namedTool(request, task);
  if (!tool) return undefined;
  const result = results.find((seen) => seen.name === tool.name);
  if (!result) return { call: { name: tool.name, arguments: argumentsFor(tool, stripDelegation(item.body)) } };
  // Its first lines, as a code block: shown as the tool gave them, and never taken for a quoted report.
  const shown = result.content.trim().split('\n').slice(0, 20).join('\n').replace(/```/g, "'''");
  return { said: `I called ${tool.name}; it ${result.error ? 'failed' : 'returned'}:\n\n\`\`\`\n${shown}\n\`\`\`` };
}
