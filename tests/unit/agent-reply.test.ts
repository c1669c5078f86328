import { describe, expect, test } from 'vitest';
import { agentCall, agentPromptText, stepOf } from '../../src/providers/agent-protocol/agent-call.js';
import { readAgentReply, UnusableReply } from '../../src/providers/agent-protocol/agent-reply.js';
import { TOOL_DEFINITIONS } from '../../src/engine/turn/tools.js';
import { engineRequest } from '../helpers/provider-requests.js';

const tools = [TOOL_DEFINITIONS.send_message, TOOL_DEFINITIONS.remember];

describe("an outside agent's answer", () => {
  test('text: the usage line is taken out and read; blocks are read when tools were offered natively', () => {
    const reply = readAgentReply('Done.\n=== send_message\nto: human\nbody:\nHi\n=== end\n{"usage": {"input_tokens": 10, "output_tokens": 2}}\n', 'text', tools);
    expect(reply).toEqual({ text: 'Done.', toolCalls: [{ id: 'text_1', name: 'send_message', arguments: { to: 'human', body: 'Hi' } }], usage: { inputTokens: 10, outputTokens: 2 } });
    // A JSON line that says more than its usage is text like any other.
    expect(readAgentReply('{"usage": {"input_tokens": 1}, "note": "x"}', 'text', []).text).toBe('{"usage": {"input_tokens": 1}, "note": "x"}');
  });

  test("JSON: what `claude -p --output-format json` prints is read (its result, Anthropic's split of cached tokens, is_error)", () => {
    const claude = { type: 'result', subtype: 'success', is_error: false, result: '=== remember\nkey: plan\ntext:\nShip it.\n=== end', usage: { input_tokens: 3, cache_read_input_tokens: 1200, cache_creation_input_tokens: 300, output_tokens: 90 }, total_cost_usd: 0.01 };
    expect(readAgentReply(JSON.stringify(claude), 'json', [])).toEqual({ text: claude.result, toolCalls: [], usage: { inputTokens: 1503, outputTokens: 90, cachedInputTokens: 1200, cacheWriteTokens: 300 } });
    expect(() => readAgentReply(JSON.stringify({ ...claude, is_error: true, result: 'Credit balance is too low' }), 'json', [])).toThrow(/reported an error: Credit balance is too low/);
  });

  test('JSON tool calls: arguments as an object or a JSON string, in OpenAI\'s `function` form too; arguments that do not parse are marked', () => {
    const reply = readAgentReply(
      JSON.stringify({ tool_calls: [{ name: 'remember', arguments: { key: 'a', text: 'b' } }, { id: 'x', function: { name: 'send_message', arguments: '{"to":"human","body":"hi"}' } }, { name: 'remember', arguments: '{broken' }] }),
      'json',
      tools,
    );
    expect(reply.toolCalls).toEqual([
      { id: 'call_1', name: 'remember', arguments: { key: 'a', text: 'b' } },
      { id: 'x', name: 'send_message', arguments: { to: 'human', body: 'hi' } },
      { id: 'call_3', name: 'remember', arguments: '{broken', argumentsError: expect.any(String) },
    ]);
  });

  test('unusable answers say what came back, and keep the usage reported with them', () => {
    for (const [output, said] of [
      ['[1, 2]', /JSON that is not an object \(an array\)/],
      ['{"tool_calls": {"name": "x"}}', /"tool_calls" that is not a list/],
      ['{"tool_calls": [{"arguments": {}}]}', /tool_calls\[0\] without a "name"/],
      ['', /answered nothing/],
    ] as const) {
      expect(() => readAgentReply(output, 'json', [])).toThrow(said);
    }
    try {
      readAgentReply('{"usage": {"input_tokens": 50, "output_tokens": 5}}', 'json', []);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(UnusableReply);
      expect((error as UnusableReply).reported).toMatchObject({ inputTokens: 50, outputTokens: 5 });
    }
  });
});

describe('the call an outside agent is given', () => {
  test('its step is one more than the answers in the conversation; the plain text heads each turn', () => {
    const request = engineRequest({ messages: [{ role: 'user', content: 'Inbox' }, { role: 'assistant', content: 'Called read_file' }, { role: 'user', content: 'Result' }] });
    expect(stepOf(request)).toBe(2);
    expect(agentCall(request)).toMatchObject({ lemming: 1, agent: 'manager', turn: 1, step: 2, model_key: 'main', model: 'test-model', max_output_tokens: null });
    expect(agentPromptText(request)).toBe(`${request.system}\n\n--- user ---\nInbox\n\n--- assistant ---\nCalled read_file\n\n--- user ---\nResult\n`);
  });
});
