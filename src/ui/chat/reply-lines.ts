import { decisionLine } from '../../tools/proposals/proposal.js';
import { showCredits } from '../../format/format.js';
import { CHAT_COMMANDS } from './chat-command.js';
import type { ChatReply } from './chat-session.js';
import type { ChatMessage } from './conversation.js';
import { HUMAN } from '../../org/names.js';

/** One line of what the chat answers; the screen colours it, the line mode prints its text. */
export interface ReplyLine {
  text: string;
  color?: string;
  dim?: boolean;
  bold?: boolean;
  /** Reasons wrap: they must be read whole. */
  wrap?: boolean;
}

/** A message in full: who wrote it to whom, what it answers, every line of its body, and its file. Pure. */
export function messageLines(message: ChatMessage): ReplyLine[] {
  const from = message.from === HUMAN ? 'you' : message.from;
  const to = message.to === HUMAN ? 'you' : message.to;
  const reply = message.replyTo ? ` (reply to ${message.replyTo})` : '';
  return [
    { text: `${message.unread ? '●' : ' '} [turn ${message.turn}] ${from} → ${to}${reply}: ${message.subject ?? '(no subject)'}`, bold: true, wrap: true },
    ...bodyLines(message.body),
    { text: `    -- ${message.file}`, dim: true },
  ];
}

function bodyLines(body: string): ReplyLine[] {
  return body.replace(/\n+$/, '').split('\n').map((line) => ({ text: `    ${line}`, wrap: true }));
}

/** What the chat says back to a line, as lines. Pure. */
export function replyLines(reply: ChatReply | undefined, driving: boolean): ReplyLine[] {
  if (!reply) return [];
  switch (reply.kind) {
    case 'sent': {
      const answering = reply.replyTo ? ` (a reply to ${reply.replyTo})` : '';
      const sent = { text: `sent to ${reply.to}${answering}: ${reply.file}${driving ? ' — running turns until it is answered' : ''}`, color: 'green' };
      return reply.cut === undefined ? [sent] : [sent, { text: reply.cut, color: 'yellow', wrap: true }];
    }
    case 'problem':
      return [{ text: reply.text, color: 'red', wrap: true }];
    case 'switched':
      return [{ text: `now writing to ${reply.to}`, color: 'green' }];
    case 'recipients':
      return [{ text: `${reply.current ? `writing to ${reply.current}; ` : ''}you can write to: ${reply.recipients.join(', ') || 'nobody'}`, wrap: true }];
    case 'help':
      return [
        { text: 'Type a message and press Enter to send it to the agent you are writing to.', bold: true },
        ...CHAT_COMMANDS.map((command) => ({ text: `${command.usage.padEnd(22)}${command.says}` })),
        { text: 'Tab completes /to names · Up/Down recall lines · Esc clears · ● marks unread', dim: true },
        { text: 'PgUp/PgDn scroll a long answer (/read, /inbox, this list), else the conversation', dim: true },
      ];
    case 'inbox': {
      if (reply.messages.length === 0 && reply.notices.length === 0) return [{ text: 'no unread mail', dim: true }];
      const lines: ReplyLine[] = [{ text: `${reply.messages.length} unread message(s), ${reply.notices.length} notice(s) — now marked read`, bold: true }];
      for (const notice of reply.notices) {
        lines.push({ text: `● [turn ${notice.turn}] lemming: ${notice.subject}`, color: 'yellow' });
        lines.push(...bodyLines(notice.body));
      }
      for (const message of reply.messages) lines.push(...messageLines(message));
      return lines;
    }
    case 'read':
      return messageLines(reply.message);
    case 'status': {
      const status = reply.status;
      const running = status.running ? ` · running (\`lemming ${status.running.command}\`, process ${status.running.pid})` : '';
      const width = Math.max(5, ...status.agents.map((agent) => agent.name.length));
      return [
        { text: `${status.org} at turn ${status.turn}${running}`, bold: true },
        ...status.agents.map((agent) => ({
          text: `${agent.name.padEnd(width)}  ${
            agent.isHuman ? 'you'.padEnd(20) : `${showCredits(agent.balance)} / ${showCredits(agent.budget + agent.toppedUp)}`.padEnd(20)
          }  ${agent.unread} unread  ${agent.lastActivity ? `turn ${agent.lastActivity.turn}: ${agent.lastActivity.summary}` : ''}`.trimEnd(),
          ...(agent.lastError ? { color: 'red' } : {}),
        })),
      ];
    }
    case 'quit':
    case 'nothing':
      return [];
    case 'approvals':
      if (reply.proposals.length === 0) return [{ text: 'nothing waits for your approval', dim: true }];
      return [
        ...reply.proposals.map((proposal) => ({ text: `${proposal.id}  ${proposal.proposed_by} proposes to ${decisionLine(proposal)}`, wrap: true })),
        { text: '/approve <id> or /reject <id> [reason]', dim: true },
      ];
    case 'decided':
      return [{ text: reply.summary, wrap: true }];
  }
}
