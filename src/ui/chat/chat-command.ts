/** What a line typed into the chat asks for. */
export type ChatCommand =
  | { kind: 'message'; body: string }
  | { kind: 'reply'; body: string }
  | { kind: 'read'; which?: string }
  | { kind: 'to'; agent?: string }
  | { kind: 'inbox' }
  | { kind: 'status' }
  | { kind: 'approvals' }
  | { kind: 'decide'; verdict: 'approve' | 'reject'; id?: string; reason?: string }
  | { kind: 'help' }
  | { kind: 'quit' }
  | { kind: 'unknown'; name: string }
  | { kind: 'empty' };

/** The chat's commands, for `/help` and for completion. */
export const CHAT_COMMANDS: ReadonlyArray<{ name: string; usage: string; says: string }> = [
  // Each line of /help fits an 80-column terminal: the usage padded to 22 columns, then at most 56.
  { name: 'reply', usage: '/reply <text>', says: 'answer their last message (plain text: a new request)' },
  { name: 'read', usage: '/read [n|id]', says: 'a whole message: the newest, the n-th newest, or by id' },
  { name: 'to', usage: '/to <agent>', says: 'write to another agent the chart lets you reach' },
  { name: 'inbox', usage: '/inbox', says: 'your unread mail and notices in full; marks them read' },
  { name: 'status', usage: '/status', says: 'the turn, and each agent’s credits and unread mail' },
  { name: 'approvals', usage: '/approvals', says: 'proposals waiting for your decision' },
  { name: 'approve', usage: '/approve <id>', says: 'approve a proposal; it is carried out at once' },
  { name: 'reject', usage: '/reject <id> [reason]', says: 'reject a proposal; the proposer is told why' },
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
    case 'reply':
    case 're':
      return { kind: 'reply', body: text.slice(1 + name.length).trim() };
    case 'read': {
      const which = rest[0];
      return which === undefined ? { kind: 'read' } : { kind: 'read', which };
    }
    case 'to': {
      const agent = rest[0];
      return agent === undefined ? { kind: 'to' } : { kind: 'to', agent };
    }
    case 'inbox':
      return { kind: 'inbox' };
    case 'status':
      return { kind: 'status' };
    case 'approvals':
      return { kind: 'approvals' };
    case 'approve':
    case 'reject': {
      const verdict = name.toLowerCase() as 'approve' | 'reject';
      const reason = rest.slice(1).join(' ').trim();
      return { kind: 'decide', verdict, ...(rest[0] !== undefined ? { id: rest[0] } : {}), ...(reason !== '' ? { reason } : {}) };
    }
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
