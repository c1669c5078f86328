import { describe, expect, test } from 'vitest';
import { conversationLines, groupConversations, lastLines } from '../../src/ui/chat/conversation.js';
import { parseChatInput } from '../../src/ui/chat/chat-command.js';
import { chatMessage } from './helpers/fake-chat.js';

describe('conversations', () => {
  const messages = [
    chatMessage({ id: '000005-hr-001', from: 'hr', to: 'human', turn: 5, subject: 'Hiring', body: 'Two candidates' }),
    chatMessage({ id: '000000-human-001', from: 'human', to: 'manager', turn: 0, body: 'Plan the release\nby Friday' }),
    chatMessage({ id: '000003-manager-001', from: 'manager', to: 'human', turn: 3, subject: 'Re: Plan', body: 'Done', replyTo: '000000-human-001', unread: true }),
  ];

  test('are grouped by correspondent, the one with the newest message last, each oldest first', () => {
    const groups = groupConversations(messages);
    expect(groups.map((group) => group.with)).toEqual(['manager', 'hr']);
    expect(groups[0]?.messages.map((message) => message.id)).toEqual(['000000-human-001', '000003-manager-001']);
  });

  test('become lines: a heading, then each message with its unread mark and what it replies to', () => {
    const lines = conversationLines(groupConversations(messages), 6, 80);
    expect(lines.map((line) => [line.kind, line.text, line.unread ?? false])).toEqual([
      ['group', 'manager', false],
      ['header', '[turn 0] you: Plan the release', false],
      ['body', 'by Friday', false],
      ['header', '[turn 3] manager: Re: Plan ↩ your "Plan the release"', true],
      ['body', 'Done', false],
      ['group', 'hr', false],
      ['header', '[turn 5] hr: Hiring', false],
      ['body', 'Two candidates', false],
    ]);
  });

  test('a long body is cut and says how to read it whole; a cut conversation keeps its heading', () => {
    const long = chatMessage({ id: '000001-manager-001', from: 'manager', to: 'human', turn: 1, subject: 'Report', body: 'a\nb\nc\nd', file: 'agents/manager/outbox/000001-001-human.md' });
    const lines = conversationLines(groupConversations([long]), 2, 80);
    expect(lines.at(-1)?.text).toBe('… 2 more line(s): /read 000001-manager-001');
    const shown = lastLines(lines, 3);
    expect(shown.map((line) => line.text)).toEqual(['manager (earlier messages above)', 'b', '… 2 more line(s): /read 000001-manager-001']);
  });
});

describe('chat input', () => {
  test('a plain line is a message; a slash line is a command', () => {
    expect(parseChatInput('  hello there ')).toEqual({ kind: 'message', body: 'hello there' });
    expect(parseChatInput('//etc is a folder')).toEqual({ kind: 'message', body: '/etc is a folder' });
    expect(parseChatInput('/to planner')).toEqual({ kind: 'to', agent: 'planner' });
    expect(parseChatInput('/to')).toEqual({ kind: 'to' });
    expect(parseChatInput('/INBOX')).toEqual({ kind: 'inbox' });
    expect(parseChatInput('/status')).toEqual({ kind: 'status' });
    expect(parseChatInput('/help')).toEqual({ kind: 'help' });
    expect(parseChatInput('/quit')).toEqual({ kind: 'quit' });
    expect(parseChatInput('/frobnicate')).toEqual({ kind: 'unknown', name: 'frobnicate' });
    expect(parseChatInput('   ')).toEqual({ kind: 'empty' });
  });
});
