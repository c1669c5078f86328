import type { ToolCall, ToolDefinition } from '../provider.js';
import { toolFields } from './text-reply-format.js';

/** What a plain-text reply says: its tool calls, and the text outside the blocks. */
export interface TextReply {
  calls: ToolCall[];
  text: string;
  /** The last block ran to the end of the reply, unclosed: in an answer cut at the output cap, the cap cut it. */
  lastBlockOpen: boolean;
}

const OPEN = /^\s*===\s*([A-Za-z_][A-Za-z0-9_-]*)\s*(?:===)?\s*$/;
const FIELD = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*:(.*)$/;

/**
 * Read the documented plain-text action format (see `textReplyInstructions`) into
 * tool calls, so a model without tool calling acts through the same tools:
 *
 *     === send_message
 *     to: planner
 *     body:
 *     Several lines of text...
 *     === end
 *
 * A block ends at `=== end`, at the next block, or at the end of the reply. A line
 * `name: value` sets a field of the tool; `name:` alone takes every later line of
 * the block. A line that names no field of the tool continues the field before it.
 * Values are strings, or numbers and booleans where the tool's schema says so.
 * Unknown tools are returned as they are, for the engine to refuse. Pure.
 */
export function parseTextReply(reply: string, tools: readonly ToolDefinition[]): TextReply {
  const lines = reply.replace(/\r\n?/g, '\n').split('\n');
  const outside: string[] = [];
  const calls: ToolCall[] = [];
  let lastBlockOpen = false;
  let index = 0;
  while (index < lines.length) {
    const line = lines[index] ?? '';
    const open = OPEN.exec(line);
    if (!open || open[1]?.toLowerCase() === 'end') {
      if (!open) outside.push(line);
      index += 1;
      continue;
    }
    const name = open[1] ?? '';
    const body: string[] = [];
    index += 1;
    lastBlockOpen = true;
    while (index < lines.length) {
      const inner = lines[index] ?? '';
      const next = OPEN.exec(inner);
      if (next) {
        if (next[1]?.toLowerCase() === 'end') index += 1;
        lastBlockOpen = false;
        break;
      }
      body.push(inner);
      index += 1;
    }
    const tool = tools.find((candidate) => candidate.name === name);
    calls.push({ id: `text_${calls.length + 1}`, name, arguments: readFields(body, tool) });
  }
  return { calls, text: outside.join('\n').trim(), lastBlockOpen };
}

function readFields(body: string[], tool: ToolDefinition | undefined): Record<string, unknown> {
  const known = tool ? new Map(toolFields(tool.parameters).map((field) => [field.name, field])) : undefined;
  const types = (tool?.parameters.properties ?? {}) as Record<string, { type?: string }>;
  const values = new Map<string, string[]>();
  let current: string | undefined;
  for (let index = 0; index < body.length; index += 1) {
    const line = body[index] ?? '';
    const field = FIELD.exec(line);
    const fieldName = field?.[1];
    if (field && fieldName !== undefined && (!known || known.has(fieldName))) {
      const value = (field[2] ?? '').trim();
      if (value === '') {
        // `name:` alone: the rest of the block is this field, whatever it looks like.
        values.set(fieldName, trimBlankLines(body.slice(index + 1)));
        current = undefined;
        break;
      }
      values.set(fieldName, [value]);
      current = fieldName;
      continue;
    }
    if (current !== undefined) values.get(current)?.push(line);
  }
  const args: Record<string, unknown> = {};
  for (const [name, parts] of values) args[name] = coerce(trimBlankLines(parts).join('\n').trimEnd(), types[name]?.type);
  return args;
}

function trimBlankLines(lines: string[]): string[] {
  let start = 0;
  let end = lines.length;
  while (start < end && (lines[start] ?? '').trim() === '') start += 1;
  while (end > start && (lines[end - 1] ?? '').trim() === '') end -= 1;
  return lines.slice(start, end);
}

function coerce(value: string, type: string | undefined): unknown {
  if ((type === 'number' || type === 'integer') && value !== '' && Number.isFinite(Number(value))) return Number(value);
  if (type === 'boolean' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  return value;
}
