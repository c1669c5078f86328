import type { JsonSchema, ToolDefinition } from '../provider.js';

/** The line that opens an action block: `=== <tool name>`. */
export const BLOCK_OPEN = '===';
/** The line that closes an action block. */
export const BLOCK_CLOSE = '=== end';

interface FieldSpec {
  name: string;
  required: boolean;
  description: string;
}

/** A tool's argument fields, read from its JSON Schema. */
export function toolFields(parameters: JsonSchema): FieldSpec[] {
  const properties = (parameters.properties ?? {}) as Record<string, { description?: string; enum?: unknown[] }>;
  const required = new Set(Array.isArray(parameters.required) ? (parameters.required as string[]) : []);
  return Object.entries(properties).map(([name, schema]) => {
    const choices = Array.isArray(schema.enum) ? ` One of: ${schema.enum.join(' | ')}.` : '';
    return { name, required: required.has(name), description: `${schema.description ?? ''}${choices}`.trim() };
  });
}

/**
 * The instructions given to a model that does not do tool calling: how to write
 * each tool call as a plain-text block that lemming reads back into the same
 * actions (see `parseTextReply`). Documented in docs/real-models.md ("The plain-text reply format"). Pure.
 */
export function textReplyInstructions(tools: readonly ToolDefinition[]): string {
  const example = tools.find((tool) => tool.name === 'send_message') ?? tools[0];
  const lines = [
    '## How to write your actions',
    'Here you call a tool by writing its block in your reply, not as a function call: wherever this prompt says to call a tool, write one block per call, in exactly this form:',
    '',
  ];
  if (example?.name === 'send_message') {
    lines.push(`${BLOCK_OPEN} send_message`, 'to: planner', 'subject: Break the release into tasks', 'body:', 'Please split the release into three tasks.', 'Send each one to coder_01.', BLOCK_CLOSE);
  } else if (example) {
    lines.push(`${BLOCK_OPEN} ${example.name}`, ...toolFields(example.parameters).map((field) => `${field.name}: ...`), BLOCK_CLOSE);
  }
  lines.push(
    '',
    `A block starts with a line "${BLOCK_OPEN} <tool name>" and ends with a line "${BLOCK_CLOSE}".`,
    'Inside it, a short field is one line, "name: value". A field written as "name:" alone on its line takes every line after it, up to the end of the block, so write the long field (a body or a note) last.',
    'Text outside the blocks is not sent to anyone. If nothing needs an answer, write no block at all.',
    '',
    'The tools and their fields (* = required):',
  );
  for (const tool of tools) {
    lines.push(`- ${tool.name}: ${tool.description}`);
    for (const field of toolFields(tool.parameters)) {
      lines.push(`  - ${field.name}${field.required ? '*' : ''}${field.description ? `: ${field.description}` : ''}`);
    }
  }
  return lines.join('\n');
}

/** The system prompt a call in the text format is sent: the prompt built, then how to write actions. Pure. */
export function systemWithTextReply(system: string, tools: readonly ToolDefinition[]): string {
  return `${system}\n\n${textReplyInstructions(tools)}`;
}
