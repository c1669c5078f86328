/** What a line typed into the chat asks for. */
export type ChatCommand =
  | { kind: 'message'; body: string }
  | { kind: 'to'; agent?: string }
  | { kind: 'inbox' }
  | { kind: 'status' }
  | { kind: 'help' }
  | { kind: 'quit' }
  | { kind: 'unknown'; name: string }
  | { kind: 'empty' };

/** The chat's commands, for `/help` and for completion. */
export const CHAT_COMMANDS: ReadonlyArray<{ name: string; usage: string; says: string }> = [
  { name: 'to', usage: '/to <agent>', says: 'write to another agent (only those the chart lets you reach)' },
  { name: 'inbox', usage: '/inbox', says: 'your unread mail and notices, then mark them read' },
  { name: 'status', usage: '/status', says: 'the turn, and each agent’s credits left and unread mail' },
  { name: 'help', usage: '/help', says: 'this list' },
  { name: 'quit', usage: '/quit', says: 'leave the chat (Ctrl-C too)' },
];

/**
 * Read one line of input. A line starting with "/" is a command; anything else is a
 * message to the current correspondent ("//" sends a message that starts with "/"). Pure.
 */
export function parseChatInput(line: string): ChatCommand {
  const text = line.trim();
  if (text === '') return { kind: 'empty' };
  if (text.startsWith('//')) return { kind: 'message', body: text.slice(1) };
  if (!text.startsWith('/')) return { kind: 'message', body: text };
  const [name = '', ...rest] = text.slice(1).split(/\s+/);
  switch (name.toLowerCase()) {
    case 'to': {
      const agent = rest[0];
      return agent === undefined ? { kind: 'to' } : { kind: 'to', agent };
    }
    case 'inbox':
      return { kind: 'inbox' };
    case 'status':
      return { kind: 'status' };
    case 'help':
    case '?':
      return { kind: 'help' };
    case 'quit':
    case 'exit':
    case 'q':
      return { kind: 'quit' };
    default:
      return { kind: 'unknown', name };
  }
}
