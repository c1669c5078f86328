import { describe, expect, test } from 'vitest';
import { TOOL_DEFINITIONS } from '../../src/engine/turn/tools.js';
import { parseTextReply } from '../../src/providers/text-tools/parse-text-reply.js';
import { textReplyInstructions } from '../../src/providers/text-tools/text-reply-format.js';

const tools = [TOOL_DEFINITIONS.send_message, TOOL_DEFINITIONS.remember];

describe('the plain-text action format', () => {
  test('reads blocks into the same tool calls native tool calling gives', () => {
    const reply = [
      'Thinking out loud first.',
      '=== send_message',
      'to: planner',
      'subject: Break the release into tasks',
      'priority: high',
      'body:',
      '',
      'Please split the release into three tasks.',
      'subject: this line is body text, not a field',
      '',
      '=== end',
      '=== remember',
      'key: release-plan',
      'text: asked planner for tasks',
      '=== end',
      'Done.',
    ].join('\n');
    const parsed = parseTextReply(reply, tools);
    expect(parsed.calls).toEqual([
      {
        id: 'text_1',
        name: 'send_message',
        arguments: {
          to: 'planner',
          subject: 'Break the release into tasks',
          priority: 'high',
          body: 'Please split the release into three tasks.\nsubject: this line is body text, not a field',
        },
      },
      { id: 'text_2', name: 'remember', arguments: { key: 'release-plan', text: 'asked planner for tasks' } },
    ]);
    expect(parsed.text).toBe('Thinking out loud first.\nDone.');
  });

  test('tolerates CRLF, a missing end line, "=== name ===" headers and a one-line field that runs on', () => {
    const reply = '=== send_message ===\r\nto: human\r\nbody: First line\r\nsecond line\r\n=== send_message\r\nto: hr\r\nbody: Hi';
    expect(parseTextReply(reply, tools).calls).toEqual([
      { id: 'text_1', name: 'send_message', arguments: { to: 'human', body: 'First line\nsecond line' } },
      { id: 'text_2', name: 'send_message', arguments: { to: 'hr', body: 'Hi' } },
    ]);
  });

  test('a reply with no blocks is text only; an unknown tool is passed on for the engine to refuse', () => {
    expect(parseTextReply('Nothing needs an answer.', tools)).toEqual({ calls: [], text: 'Nothing needs an answer.', lastBlockOpen: false });
    expect(parseTextReply('=== delete_everything\ntarget: all\n=== end', tools).calls).toEqual([
      { id: 'text_1', name: 'delete_everything', arguments: { target: 'all' } },
    ]);
  });

  test('the instructions a model is given describe every tool and parse back from their own example', () => {
    const instructions = textReplyInstructions(tools);
    expect(instructions).toMatch(/- send_message: Send a message/);
    expect(instructions).toMatch(/ {2}- to\*: The recipient/);
    expect(instructions).toMatch(/ {2}- priority: How urgent it is; "normal" if unsure. One of: low \| normal \| high \| urgent\./);
    expect(instructions).toMatch(/- remember: Keep a note/);
    const example = parseTextReply(instructions, tools).calls[0];
    expect(example).toEqual({
      id: 'text_1',
      name: 'send_message',
      arguments: { to: 'planner', subject: 'Break the release into tasks', body: 'Please split the release into three tasks.\nSend each one to coder_01.' },
    });
  });
});
