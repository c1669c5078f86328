import type { InboxNotice } from '../../engine/human/human-inbox.js';
import type { OrgStatus } from '../../engine/human/org-status.js';
import { errorMessage, EXIT, LemmingError } from '../../errors.js';
import { HUMAN } from '../../org/names.js';
import type { ChatBackend } from './chat-backend.js';
import { CHAT_COMMANDS, parseChatInput } from './chat-command.js';
import { byTime, correspondentOf, type ChatMessage } from './conversation.js';
import type { WaitingProposal } from '../../tools/proposals/proposal.js';

/** What the chat answers a line with; the screen and the line mode each show it their way. */
export type ChatReply =
  | { kind: 'sent'; to: string; id: string; file: string; replyTo?: string; title: string; cut?: string }
  | { kind: 'problem'; text: string }
  | { kind: 'switched'; to: string }
  | { kind: 'recipients'; current?: string; recipients: string[] }
  | { kind: 'help' }
  | { kind: 'inbox'; messages: ChatMessage[]; notices: InboxNotice[] }
  | { kind: 'read'; message: ChatMessage }
  | { kind: 'status'; status: OrgStatus }
  | { kind: 'approvals'; proposals: WaitingProposal[] }
  | { kind: 'decided'; summary: string }
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
      if (!verdict.allowed) throw new LemmingError('refused', `cannot write to ${options.to}: ${verdict.reason}. ${this.reachable()}`, { exitCode: EXIT.usage });
      this.current = options.to;
    } else {
      this.current = defaultCorrespondent(backend);
    }
  }

  /** Whom a message typed now goes to. */
  get correspondent(): string | undefined {
    return this.current;
  }

  /** The reply to a line; a decision on a proposal (which may run a tool) resolves later. */
  handle(line: string): ChatReply | Promise<ChatReply> {
    const command = parseChatInput(line);
    switch (command.kind) {
      case 'empty':
        return { kind: 'nothing' };
      case 'message':
        return this.send(command.body, false);
      case 'reply':
        if (command.body === '') return { kind: 'problem', text: 'type your answer after /reply, for example: /reply Yes, ship it' };
        return this.send(command.body, true);
      case 'read':
        return this.read(command.which);
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
      case 'approvals':
        if (!this.backend.proposals) return { kind: 'problem', text: 'this chat has no proposals to show' };
        return { kind: 'approvals', proposals: this.backend.proposals() };
      case 'decide': {
        if (command.id === undefined) return { kind: 'problem', text: `say which proposal: /${command.verdict} <id> (/approvals lists them)` };
        if (!this.backend.decide) return { kind: 'problem', text: 'this chat cannot decide proposals' };
        return this.backend.decide(command.id, command.verdict, command.reason).then(
          (summary): ChatReply => ({ kind: 'decided', summary }),
          (error: unknown): ChatReply => ({ kind: 'problem', text: errorMessage(error) }),
        );
      }
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

  /**
   * Send as the human. A message starts a new request unless the person says it answers
   * (`/reply`): then it is threaded to the last thing the correspondent said. Writing to
   * them marks their messages read either way.
   */
  private send(body: string, answering: boolean): ChatReply {
    const to = this.current;
    if (to === undefined) return { kind: 'problem', text: `not sent: ${this.reachable()}` };
    const conversation = this.backend.messages().filter((message) => correspondentOf(message) === to);
    // With a list the conversation's other voices are its members': the last of them is what a reply answers.
    const last = conversation.filter((message) => message.from !== HUMAN).sort(byTime).at(-1);
    if (answering && !last) return { kind: 'problem', text: `not sent: ${to} has not written to you yet, so there is nothing to reply to; type the message without /reply` };
    try {
      const sent = this.backend.send({ to, body, ...(answering && last ? { replyTo: last.id } : {}) });
      this.backend.markRead(conversation.filter((message) => message.unread).map((message) => message.id));
      return { kind: 'sent', to, id: sent.id, file: sent.file, title: titleOf(body), ...(answering && last ? { replyTo: last.id } : {}), ...(sent.cut !== undefined ? { cut: sent.cut } : {}) };
    } catch (error) {
      return { kind: 'problem', text: errorMessage(error) };
    }
  }

  /** One whole message: the newest of the conversation, the n-th newest, or the one whose id is or ends with `which`. */
  private read(which: string | undefined): ChatReply {
    const messages = this.backend.messages().sort(byTime);
    const conversation = this.current === undefined ? messages : messages.filter((message) => correspondentOf(message) === this.current);
    let found: ChatMessage | undefined;
    if (which === undefined || /^\d+$/.test(which)) {
      const back = which === undefined ? 1 : Number(which);
      found = back >= 1 ? conversation.at(-back) : undefined;
      if (!found) return { kind: 'problem', text: `there is no message ${back} back in this conversation (it has ${conversation.length}); /read 1 is the newest` };
    } else {
      const matches = messages.filter((message) => message.id.endsWith(which));
      const exact = matches.find((message) => message.id === which);
      found = exact ?? (matches.length === 1 ? matches[0] : undefined);
      if (!found) {
        return {
          kind: 'problem',
          text: matches.length > 1 ? `${which} matches ${matches.length} messages (${matches.map((message) => message.id).join(', ')}); give more of the id` : `there is no message with the id ${which}`,
        };
      }
    }
    if (found.unread) this.backend.markRead([found.id]);
    return { kind: 'read', message: { ...found, unread: false } };
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
    .sort(byTime)
    .map(correspondentOf)
    .reverse()
    .find((name) => recipients.includes(name));
  return recent ?? recipients[0];
}

/** A message's first line in a few words, for saying what a drive waits for. */
function titleOf(body: string): string {
  const first = body.trim().split('\n')[0] ?? '';
  return first.length > 40 ? `${first.slice(0, 39)}…` : first;
}

function commonPrefix(names: string[]): string | undefined {
  const [first, ...rest] = names;
  if (first === undefined) return undefined;
  let prefix = first;
  for (const name of rest) while (!name.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix;
}
