import { describe, expect, test } from 'vitest';
import { interpretResponse } from '../../src/engine/turn/interpret-response.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import type { ProviderResponse, ToolCall } from '../../src/providers/provider.js';
import { sendCall } from '../helpers/scripted-provider.js';
import { defaultOrg } from '../helpers/temp-org.js';

const { org } = loadOrg(defaultOrg());
const manager = org.agents.get('manager');
if (!manager) throw new Error('no manager');

function interpret(toolCalls: ToolCall[], text = '') {
  const response: ProviderResponse = { text, toolCalls, usage: { inputTokens: 1, outputTokens: 1, estimated: false }, modelKey: 'offline' };
  return interpretResponse(response, manager as NonNullable<typeof manager>, org);
}

describe('interpreting a model reply', () => {
  test('an allowed send becomes a message; reply_to and priority are kept', () => {
    const result = interpret([sendCall('planner', 'do it', { subject: 'Task', priority: 'high', reply_to: '000001-human-001' })]);
    expect(result.messages).toEqual([{ to: 'planner', body: 'do it', subject: 'Task', priority: 'high', replyTo: '000001-human-001' }]);
  });

  test('a send without reply_to answers the one message the agent was shown; with several shown, or a reply_to given, nothing is guessed', () => {
    const response = (calls: ToolCall[]): ProviderResponse => ({ text: '', toolCalls: calls, usage: { inputTokens: 1, outputTokens: 1, estimated: false }, modelKey: 'offline' });
    const one = interpretResponse(response([sendCall('planner', 'hand-off'), sendCall('human', 'on it')]), manager as NonNullable<typeof manager>, org, ['000001-human-001']);
    expect(one.messages.map((message) => message.replyTo)).toEqual(['000001-human-001', '000001-human-001']);
    const given = interpretResponse(response([sendCall('planner', 'x', { reply_to: '000000-human-002' })]), manager as NonNullable<typeof manager>, org, ['000001-human-001']);
    expect(given.messages[0]?.replyTo).toBe('000000-human-002');
    const two = interpretResponse(response([sendCall('planner', 'x')]), manager as NonNullable<typeof manager>, org, ['000001-human-001', '000001-human-002']);
    expect(two.messages[0]?.replyTo).toBeUndefined();
    expect(interpret([sendCall('planner', 'x')]).messages[0]?.replyTo).toBeUndefined();
  });

  test('path-like, empty, huge and forbidden recipients are refused with a reason each', () => {
    const result = interpret(
      ['../human', 'a/b', '/etc/passwd', 'human/../manager', '', 'x'.repeat(10_000), 'coder_01'].map((to) => sendCall(to, 'hi')),
    );
    expect(result.messages).toEqual([]);
    expect(result.refusals).toHaveLength(7);
    expect(result.refusals[0]?.reason).toMatch(/not an agent name/);
    expect(result.refusals[5]?.to.length).toBeLessThanOrEqual(64);
    expect(result.refusals[6]?.reason).toMatch(/manager may not send to coder_01/);
  });

  test('to: and cc: lists: a name given twice is sent once, over 64 names is an invalid call, one refused name refuses all', () => {
    const sent = interpret([sendCall(['planner', 'hr', 'planner'], 'x', { cc: ['hr', 'janitor'] })]);
    expect(sent.messages).toEqual([{ to: 'planner', alsoTo: ['hr'], cc: ['janitor'], body: 'x', priority: 'normal' }]);
    const many = interpret([sendCall(Array.from({ length: 65 }, (_, index) => `agent_${index}`), 'x')]);
    expect(many.invalidCalls[0]).toMatch(/names 65 people in to and cc; a message reaches at most 64/);
    const refused = interpret([sendCall(['planner', 'coder_01', '../x'], 'x')]);
    expect(refused.messages).toEqual([]);
    expect(refused.refusals.map((refusal) => refusal.to)).toEqual(['coder_01', '../x']);
    expect(refused.refusals[0]?.reason).toMatch(/the message went to no one/);
  });

  test('sends past the per-turn cap are refused', () => {
    const calls = Array.from({ length: 1000 }, () => sendCall('planner', 'spam'));
    const result = interpret(calls);
    expect(result.messages).toHaveLength(org.settings.max_messages_per_turn);
    expect(result.refusals).toHaveLength(1000 - org.settings.max_messages_per_turn);
    expect(result.refusals[0]?.reason).toMatch(/cap of 5 messages per turn/);
  });

  test('wrong argument types, unknown tools and bad memory keys are reported, not thrown', () => {
    const result = interpret([
      { id: '1', name: 'send_message', arguments: { to: 42, body: ['x'] } },
      { id: '2', name: 'delete_everything', arguments: {} },
      { id: '3', name: 'remember', arguments: { key: '../../etc', text: 'x' } },
      { id: '4', name: 'send_message', arguments: '{"to": "planner"', argumentsError: 'Unexpected end of JSON input' },
    ]);
    expect(result.messages).toEqual([]);
    expect(result.invalidCalls).toHaveLength(4);
    expect(result.invalidCalls[0]).toMatch(/send_message: to: .*expected/);
    expect(result.invalidCalls[1]).toMatch(/unknown tool "delete_everything"/);
    expect(result.invalidCalls[2]).toMatch(/key "..\/..\/etc" is not allowed/);
    expect(result.invalidCalls[3]).toMatch(/not valid JSON/);
  });

  test('a subject of megabytes is cut as a dropped file\'s is; a reply_to that is no id is dropped, and the model told', () => {
    const result = interpret([
      sendCall('planner', 'one', { subject: `Plan ${'x'.repeat(3_000_000)}`, reply_to: 'x'.repeat(5_000) }),
      sendCall('hr', 'two', { subject: 'Hiring', reply_to: 'your last message' }),
    ]);
    expect(result.messages.map((message) => message.to)).toEqual(['planner', 'hr']);
    expect(result.messages[0]?.subject).toMatch(/^Plan x+ \[lemming: 2999\d{3} more characters cut\]$/);
    expect(result.messages[0]?.subject?.length).toBeLessThanOrEqual(200);
    expect(result.messages.map((message) => message.replyTo)).toEqual([undefined, undefined]);
    expect(result.invalidCalls).toEqual([
      'send_message to planner: reply_to is 5000 characters, more than an id can be (at most 120); the message was sent without it',
      'send_message to hr: reply_to "your last message" is not a message id (ids look like "000012-manager-001"); the message was sent without it',
    ]);
  });

  test('a body of several megabytes is capped and says so', () => {
    const result = interpret([sendCall('planner', 'y'.repeat(5_000_000))]);
    expect(result.messages[0]?.body.length).toBeLessThan(org.settings.max_body_chars + 200);
    expect(result.messages[0]?.body).toMatch(/more characters were cut/);
  });

  test('text with no tool call is flagged', () => {
    expect(interpret([], 'I would tell the planner to do it.').textOnly).toBe(true);
    expect(interpret([], '').textOnly).toBe(false);
  });
});
