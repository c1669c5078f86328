import { describe, expect, test } from 'vitest';
import { CallTraces, readCallTrace } from '../../src/engine/record/call-trace.js';
import type { ChatTurn, ProviderRequest, ProviderResponse } from '../../src/providers/provider.js';
import { tempDir } from '../helpers/org-files.js';

const request = (messages: ChatTurn[], turn = 4): ProviderRequest => ({ modelKey: 'm', model: 'm-1', system: 'You are a.', messages, tools: [], agent: 'a', turn });
const answer = (text: string): ProviderResponse => ({ text, toolCalls: [], usage: { inputTokens: 10, outputTokens: 2, estimated: false }, modelKey: 'm' });
const inbox: ChatTurn = { role: 'user', content: '<message>hi</message>' };
const step2: ChatTurn[] = [inbox, { role: 'assistant', content: '[called look]' }, { role: 'user', content: '<tool_result>seen</tool_result>' }];

describe('call traces with steps', () => {
  test('a request that extends the turn’s traced one is its next step; the earlier answers are kept', () => {
    const root = tempDir();
    const traces = new CallTraces(root);
    traces.record(5, request([inbox]), answer('one'), 't1');
    expect(readCallTrace(root, 'a', 4)?.steps).toBeUndefined();
    traces.record(5, request(step2), answer('two'), 't2');
    const trace = readCallTrace(root, 'a', 4);
    expect(trace?.steps?.map((step) => [step.step, step.at, step.messages, step.response.text])).toEqual([
      [1, 't1', 1, 'one'],
      [2, 't2', 3, 'two'],
    ]);
    expect(trace?.response.text).toBe('two');
    expect(trace?.request.messages).toEqual(step2);
  });

  test('a request that does not extend it (a smaller prompt asked again, another turn) starts over', () => {
    const root = tempDir();
    const traces = new CallTraces(root);
    traces.record(5, request(step2), answer('two'), 't2');
    traces.record(5, request([{ role: 'user', content: 'shorter' }, { role: 'assistant', content: 'x' }, { role: 'user', content: 'y' }]), answer('again'), 't3');
    expect(readCallTrace(root, 'a', 4)?.steps).toBeUndefined();
    expect(readCallTrace(root, 'a', 4)?.response.text).toBe('again');
  });
});
