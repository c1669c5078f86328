import type { InboxNotice } from '../../engine/human/human-inbox.js';
import type { OrgStatus } from '../../engine/human/org-status.js';
import { errorMessage, LemmingError } from '../../errors.js';
import type { ChatBackend } from './chat-backend.js';
import { CHAT_COMMANDS, parseChatInput } from './chat-command.js';
import { correspondentOf, type ChatMessage } from './conversation.js';

/** What the chat answers a line with; the screen and the line mode each show it their way. */
export type ChatReply =
  | { kind: 'sent'; to: string; id: string; file: string }
  | { kind: 'problem'; text: string }
  | { kind: 'switched'; to: string }
  | { kind: 'recipients'; current?: string; recipients: string[] }
  | { kind: 'help' }
  | { kind: 'inbox'; messages: ChatMessage[]; notices: InboxNotice[] }
  | { kind: 'status'; status: OrgStatus }
  | { kind: 'quit' }
  | { kind: 'nothing' };

/**
 * The chat's logic, apart from any screen: the current correspondent, commands, and
 * sending as the human. Used by the ink screen and by the line mode alike.
 */
export class ChatSession {
  private current: string | undefined;

  constructor(
    private readonly backend: ChatBackend,
    options: { to?: string } = {},
  ) {
    if (options.to !== undefined) {
      const verdict = backend.check(options.to);
      if (!verdict.allowed) throw new LemmingError('refused', `cannot write to ${options.to}: ${verdict.reason}`, { exitCode: 2 });
      this.current = options.to;
    } else {
      this.current = defaultCorrespondent(backend);
    }
  }

  /** Whom a message typed now goes to. */
  get correspondent(): string | undefined {
    return this.current;
  }

  handle(line: string): ChatReply {
    const command = parseChatInput(line);
    switch (command.kind) {
      case 'empty':
        return { kind: 'nothing' };
      case 'message':
        return this.send(command.body);
      case 'to': {
        if (command.agent === undefined) return { kind: 'recipients', ...(this.current ? { current: this.current } : {}), recipients: this.backend.recipients() };
        const verdict = this.backend.check(command.agent);
        if (!verdict.allowed) return { kind: 'problem', text: `cannot write to ${command.agent}: ${verdict.reason}. ${this.reachable()}` };
        this.current = command.agent;
        return { kind: 'switched', to: command.agent };
      }
      case 'inbox': {
        const messages = this.backend.messages().filter((message) => message.unread);
        const notices = this.backend.notices().filter((notice) => notice.unread);
        this.backend.markRead([...messages.map((message) => message.id), ...notices.map((notice) => notice.id)]);
        return { kind: 'inbox', messages, notices };
      }
      case 'status':
        return { kind: 'status', status: this.backend.status() };
      case 'help':
        return { kind: 'help' };
      case 'quit':
        return { kind: 'quit' };
      case 'unknown':
        return { kind: 'problem', text: `there is no command /${command.name}; /help lists them` };
    }
  }

  /** Tab: finish an agent name after `/to `, or a command name after `/`. */
  complete(line: string): string {
    const to = /^\/to\s+(\S*)$/.exec(line);
    if (to) {
      const match = commonPrefix(this.backend.recipients().filter((name) => name.startsWith(to[1] ?? '')));
      return match === undefined ? line : `/to ${match}`;
    }
    const command = /^\/(\w*)$/.exec(line);
    if (command) {
      const match = commonPrefix(CHAT_COMMANDS.map((entry) => entry.name).filter((name) => name.startsWith(command[1] ?? '')));
      return match === undefined ? line : `/${match}`;
    }
    return line;
  }

  private send(body: string): ChatReply {
    const to = this.current;
    if (to === undefined) return { kind: 'problem', text: `not sent: ${this.reachable()}` };
    const conversation = this.backend.messages().filter((message) => correspondentOf(message) === to);
    // A message typed in a conversation answers the last thing the other side said.
    const last = conversation.filter((message) => message.from === to).sort((left, right) => left.turn - right.turn || left.created.localeCompare(right.created)).at(-1);
    try {
      const sent = this.backend.send({ to, body, ...(last ? { replyTo: last.id } : {}) });
      // Answering them means their messages were read.
      this.backend.markRead(conversation.filter((message) => message.unread).map((message) => message.id));
      return { kind: 'sent', to, id: sent.id, file: sent.file };
    } catch (error) {
      return { kind: 'problem', text: errorMessage(error) };
    }
  }

  private reachable(): string {
    const recipients = this.backend.recipients();
    return recipients.length > 0
      ? `You can write to: ${recipients.join(', ')}.`
      : 'The chart lets you write to nobody: give human a send_to in org/chart.yaml that the recipient reads from.';
  }
}

/** Whoever the human last talked with, if still reachable; else the first agent they can reach. */
function defaultCorrespondent(backend: ChatBackend): string | undefined {
  const recipients = backend.recipients();
  const recent = backend
    .messages()
    .sort((left, right) => left.turn - right.turn || left.created.localeCompare(right.created))
    .map(correspondentOf)
    .reverse()
    .find((name) => recipients.includes(name));
  return recent ?? recipients[0];
}

function commonPrefix(names: string[]): string | undefined {
  const [first, ...rest] = names;
  if (first === undefined) return undefined;
  let prefix = first;
  for (const name of rest) while (!name.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix;
}
