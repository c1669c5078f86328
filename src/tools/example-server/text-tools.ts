/**
 * The tools of lemming's example MCP server (`lemming example-tools`): small, deterministic text
 * tools, so a person can try MCP grants, and a test can check what came back, with nothing to
 * install. Pure: text in, text out.
 */

/** One tool: what it is called, what the model reads about it, its arguments' JSON schema, and what it does. */
export interface TextTool {
  name: string;
  description: string;
  inputSchema: { type: 'object'; properties: Record<string, { type: 'string'; description: string }>; required: string[] };
  run(args: Record<string, unknown>): { text: string; isError?: boolean };
}

function textArgument(args: Record<string, unknown>): string | undefined {
  return typeof args.text === 'string' ? args.text : undefined;
}

const TEXT = { text: { type: 'string' as const, description: 'The text.' } };

/** The example server's tools, in the order it lists them. */
export const TEXT_TOOLS: readonly TextTool[] = [
  {
    name: 'word_count',
    description: 'Count the words, lines and characters of a text.',
    inputSchema: { type: 'object', properties: TEXT, required: ['text'] },
    run(args) {
      const text = textArgument(args);
      if (text === undefined) return { text: 'text: expected a string, for example {"text": "Release notes for 2.0"}', isError: true };
      const words = text.split(/\s+/).filter((word) => word !== '').length;
      const lines = text === '' ? 0 : text.split('\n').length;
      return { text: `${words} word(s), ${lines} line(s), ${text.length} character(s)` };
    },
  },
  {
    name: 'checklist',
    description: 'Turn a text into a markdown checklist, one item per line or sentence.',
    inputSchema: { type: 'object', properties: TEXT, required: ['text'] },
    run(args) {
      const text = textArgument(args);
      if (text === undefined) return { text: 'text: expected a string, for example {"text": "Write the notes. Check them."}', isError: true };
      const items = text
        .split(/\n|(?<=[.!?;])\s+/)
        .map((item) => item.trim().replace(/^[-*]\s+/, ''))
        .filter((item) => item !== '');
      return { text: items.length === 0 ? '(nothing to list)' : items.map((item) => `- [ ] ${item}`).join('\n') };
    },
  },
];
