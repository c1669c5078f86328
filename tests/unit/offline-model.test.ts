import { describe, expect, test } from 'vitest';
import { buildPrompt } from '../../src/engine/turn/build-prompt.js';
import { stepTurns } from '../../src/engine/turn/step-conversation.js';
import type { ToolCall } from '../../src/providers/provider.js';
import { loadOrg } from '../../src/org/load-org.js';
import { OfflineProvider } from '../../src/providers/offline/offline-provider.js';
import { estimateTokens } from '../../src/providers/token-estimate.js';
import { defaultOrg } from '../helpers/temp-org.js';

const { org } = loadOrg(defaultOrg());

function requestFor(agentName: string, inbox: Parameters<typeof buildPrompt>[0]['inbox'], memory = new Map<string, string>()) {
  const agent = org.agents.get(agentName);
  if (!agent) throw new Error(agentName);
  return buildPrompt({ org, agent, modelKey: 'offline', turn: 3, inbox, memory, reason: 'mail' }).request;
}

describe('the offline model', () => {
  const task = { id: '000000-human-001', from: 'human', turn: 0, priority: 'normal' as const, subject: 'Plan the first release', body: 'Break the work into tasks and build it.' };

  test('hands a task to the best-matching member of its team and notes who asked', async () => {
    const response = await new OfflineProvider().generate(requestFor('manager', [task]));
    expect(response.toolCalls.map((call) => call.name)).toEqual(['send_message', 'remember']);
    expect(response.toolCalls[0]?.arguments).toMatchObject({ to: 'planner', subject: 'Plan the first release' });
    expect(response.toolCalls[1]?.arguments).toMatchObject({ key: 'task-plan-the-first-release', text: expect.stringContaining('asker: human') });
  });

  test('does the work itself when it has no team, saves it in its workspace, and replies to whoever asked with the path', async () => {
    const request = requestFor('coder_01', [{ ...task, from: 'planner', id: '000002-planner-001' }]);
    const first = await new OfflineProvider().generate(request);
    expect(first.toolCalls.map((call) => call.name)).toEqual(['write_file']);
    expect(first.toolCalls[0]?.arguments).toMatchObject({ path: 'work/plan-the-first-release.md', content: expect.stringContaining('Done: Plan the first release.') });
    const results = [{ call: first.toolCalls[0] as ToolCall, result: { isError: false, content: 'wrote 300 bytes to work/plan-the-first-release.md' } }];
    const second = await new OfflineProvider().generate({ ...request, messages: [...request.messages, ...stepTurns(first, results, 6)] });
    expect(second.toolCalls).toHaveLength(1);
    expect(second.toolCalls[0]?.arguments).toMatchObject({ to: 'planner', subject: 'Re: Plan the first release', reply_to: '000002-planner-001' });
    expect(String((second.toolCalls[0]?.arguments as { body: string }).body)).toContain('The file: agents/coder_01/workspace/work/plan-the-first-release.md');
  });

  test('passes a report up to whoever asked, then forgets the task; an unexpected report gets silence', async () => {
    const note = new Map([['task-plan-the-first-release', 'asker: human\nasker_message: 000000-human-001\ndelegate: planner']]);
    const report = { id: '000004-planner-001', from: 'planner', turn: 4, priority: 'normal' as const, subject: 'Re: Plan the first release', body: 'Done: it.' };
    const response = await new OfflineProvider().generate(requestFor('manager', [report], note));
    expect(response.toolCalls[0]?.arguments).toMatchObject({ to: 'human', reply_to: '000000-human-001' });
    expect(response.toolCalls[1]?.arguments).toEqual({ key: 'task-plan-the-first-release', text: '' });
    const silent = await new OfflineProvider().generate(requestFor('manager', [report]));
    expect(silent.toolCalls).toEqual([]);
  });

  test('is deterministic, and its usage is the documented estimate of the real text', async () => {
    const request = requestFor('manager', [task]);
    const first = await new OfflineProvider().generate(request);
    const second = await new OfflineProvider().generate(request);
    expect(JSON.stringify(first)).toBe(JSON.stringify(second));
    expect(first.usage.estimated).toBe(true);
    expect(first.usage.inputTokens).toBeGreaterThanOrEqual(estimateTokens(request.system) + estimateTokens(request.messages[0]?.content ?? ''));
    expect(first.usage.outputTokens).toBeGreaterThan(estimateTokens(String((first.toolCalls[0]?.arguments as { body: string }).body)));
  });

  test('ignores notices from the engine', async () => {
    const notice = { id: '000003-lemming-refused-manager-1', from: 'lemming', turn: 3, priority: 'high' as const, subject: 'Not delivered', body: 'x' };
    expect((await new OfflineProvider().generate(requestFor('manager', [notice]))).toolCalls).toEqual([]);
  });
});
