import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { readHumanInbox } from '../../src/engine/human/human-inbox.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import { createProviderFactory } from '../../src/providers/create-provider.js';
import { recordingSleep } from '../helpers/provider-requests.js';
import { humanSends, ofType, runEngine, tempDir } from '../helpers/temp-org.js';
import { allFiles } from '../helpers/org-snapshot.js';
import { checkInvariants } from '../faults/invariants.js';
import { lemming } from '../helpers/cli.js';
import { chargeLines, outsideOrg, sendBlock } from './outside-org.js';

/** The human's inbox, as `lemming inbox` shows it. */
function inbox(root: string) {
  return readHumanInbox(root, loadOrg(root).org).messages;
}

/** Every file an engine writes for the org (message files, logs, traces, state), byte for byte. */
function orgBytes(root: string): Record<string, string> {
  const files = allFiles(root).filter((file) => /^(agents\/[^/]+\/(outbox|workspace|memory)\/|org\/state\/(ledger|taken))/.test(file));
  return Object.fromEntries(files.map((file) => [file, readFileSync(join(root, file), 'latin1')]));
}

describe('an agent program as a member (provider: command)', () => {
  test('the plain-text prompt on stdin, in the agent workspace; its blocks are carried out and its usage line is charged, with the price per call', async () => {
    const org = outsideOrg({ provider: 'command' });
    org.plan({ manager: [{ say: `On it.\n${sendBlock('human', 'Hello from a program.', 'Hi')}{"usage": {"input_tokens": 1200, "output_tokens": 30}}\n` }] });
    humanSends(org.root, 'manager', 'Say hello.', 'Greeting');
    const events = await runEngine(org.root);

    const [call] = org.calls();
    expect(call).toMatchObject({ agent: 'manager', turn: 1, step: 1, cwd: join(org.root, 'agents', 'manager', 'workspace') });
    // The system prompt with the text format's instructions, then the inbox under its heading.
    expect(call?.stdin).toMatch(/^You are manager, Manager, in the organisation "outside"\./);
    expect(call?.stdin).toContain('## How to write your actions');
    expect(call?.stdin).toMatch(/\n--- user ---\nTurn 1\. You have 1 new message\(s\)\.[\s\S]*Say hello\./);
    expect(inbox(org.root)).toMatchObject([{ from: 'manager', subject: 'Hi', body: 'Hello from a program.', model: 'agent' }]);
    // 1200 × 1 + 30 × 2 per million, and 0.01 for the call; the usage line is not part of the text.
    expect(chargeLines(org.root)).toMatchObject([{ turn: 1, agent: 'manager', model: 'agent', input_tokens: 1200, output_tokens: 30, credits: 0.01126 }]);
    expect(chargeLines(org.root)[0]?.estimated).toBeUndefined();
    expect(ofType(events, 'run-finished')[0]).toMatchObject({ reason: 'idle' });
    expect(checkInvariants(org.root)).toEqual([]);
  });

  test('the JSON prompt: messages and tool definitions on stdin, JSON tool calls back, a step after a tool result; no usage is estimated and marked', async () => {
    const org = outsideOrg({ provider: 'command', prompt: 'json', reply: 'json' });
    org.plan({
      manager: [
        { json: { text: 'Writing it down first.', tool_calls: [{ name: 'write_file', arguments: { path: 'plan.md', content: '# Plan\n' } }] } },
        { json: { tool_calls: [{ id: 'call_9', name: 'send_message', arguments: JSON.stringify({ to: 'human', subject: 'Planned', body: 'See plan.md.' }) }] } },
      ],
    });
    humanSends(org.root, 'manager', 'Plan it.');
    await runEngine(org.root);

    const calls = org.calls();
    expect(calls.map((call) => call.step)).toEqual([1, 2]);
    const first = JSON.parse(calls[0]?.stdin ?? '{}') as Record<string, unknown>;
    expect(first).toMatchObject({ lemming: 1, agent: 'manager', turn: 1, step: 1, model_key: 'agent', model: 'command', max_output_tokens: null });
    expect((first.tools as Array<{ name: string }>).map((tool) => tool.name)).toEqual(expect.arrayContaining(['send_message', 'remember', 'write_file', 'read_file']));
    expect(first.messages).toEqual([{ role: 'user', content: expect.stringContaining('Plan it.') }]);
    expect(String(first.system)).not.toContain('## How to write your actions');
    const second = JSON.parse(calls[1]?.stdin ?? '{}') as { step: number; messages: Array<{ role: string; content: string }> };
    expect(second.messages.map((message) => message.role)).toEqual(['user', 'assistant', 'user']);
    expect(second.messages[2]?.content).toContain('<tool_result name="write_file"');
    expect(readFileSync(join(org.root, 'agents', 'manager', 'workspace', 'plan.md'), 'utf8')).toBe('# Plan\n');
    expect(inbox(org.root)).toMatchObject([{ subject: 'Planned', body: 'See plan.md.' }]);
    // Two answers: two prices per call, on top of tokens lemming estimated and says so.
    const [charge] = chargeLines(org.root);
    expect(charge).toMatchObject({ turn: 1, agent: 'manager', estimated: true });
    expect(charge?.credits).toBeCloseTo(0.02 + ((charge?.input_tokens ?? 0) * 1 + (charge?.output_tokens ?? 0) * 2) / 1e6, 9);
    expect(checkInvariants(org.root)).toEqual([]);
  });

  test('`reply: json` with the plain-text prompt (the documented JSON reply): its tool_calls are carried out through `lemming run`, and the log says where the calls came from', () => {
    const org = outsideOrg({ provider: 'command', reply: 'json' });
    org.plan({ manager: [{ json: { text: 'Replying to the human.', tool_calls: [{ name: 'send_message', arguments: { to: 'human', subject: 'Hi', body: 'Hello from a JSON reply.' } }], usage: { input_tokens: 900, output_tokens: 40 } } }] });
    humanSends(org.root, 'manager', 'Say hello.', 'Greeting');
    const ran = lemming(org.root, ['run', '--plain']);
    expect(ran.status, ran.stderr).toBe(0);
    // The program read the plain-text prompt (how to write actions as blocks included), and answered JSON.
    expect(org.calls()[0]?.stdin).toContain('## How to write your actions');
    expect(inbox(org.root)).toMatchObject([{ from: 'manager', subject: 'Hi', body: 'Hello from a JSON reply.' }]);
    expect(chargeLines(org.root)).toMatchObject([{ turn: 1, agent: 'manager', model: 'agent', input_tokens: 900, output_tokens: 40 }]);
    const log = readFileSync(join(org.root, 'agents', 'manager', 'logs', 'activity.jsonl'), 'utf8');
    expect(log).toContain('read 1 action(s) from the tool_calls of its JSON reply');
    expect(log).not.toContain('tool_calling');
    expect(checkInvariants(org.root)).toEqual([]);
  });

  test('`reply: json` whose text holds action blocks and no tool_calls: the blocks are read, and the note names the entry\'s prompt, not a setting it cannot have', async () => {
    const org = outsideOrg({ provider: 'command', reply: 'json' });
    org.plan({ manager: [{ json: { text: `On it.\n${sendBlock('human', 'Blocks in a JSON reply.', 'Blocks')}` } }] });
    humanSends(org.root, 'manager', 'Say hello.');
    await runEngine(org.root);
    expect(inbox(org.root)).toMatchObject([{ subject: 'Blocks', body: 'Blocks in a JSON reply.' }]);
    const log = readFileSync(join(org.root, 'agents', 'manager', 'logs', 'activity.jsonl'), 'utf8');
    expect(log).toContain('models.agent.prompt is text');
    expect(log).not.toContain('tool_calling');
  });

  test('recorded, then replayed into a copy with no program run: the same message files, workspace and ledger, byte for byte', async () => {
    const org = outsideOrg({ provider: 'command', prompt: 'json', reply: 'json' });
    org.plan({
      manager: [
        { json: { tool_calls: [{ name: 'write_file', arguments: { path: 'notes.md', content: 'noted\n' } }], usage: { input_tokens: 500, output_tokens: 20 } } },
        { json: { text: 'done', tool_calls: [{ name: 'send_message', arguments: { to: 'human', body: 'Written.' } }] } },
        { say: sendBlock('human', 'And again.') },
      ],
    });
    humanSends(org.root, 'manager', 'Take a note.');
    const copy = tempDir('lemming-replay-');
    cpSync(org.root, copy, { recursive: true });
    const cassette = join(tempDir('lemming-cassette-'), 'run.jsonl');
    const clock = () => new Date('2026-03-01T00:00:00.000Z');
    await runEngine(org.root, {}, { clock, providerFactory: createProviderFactory({ root: org.root, record: cassette, clock }) });
    const asked = org.calls().length;
    expect(asked).toBe(2);

    const replayed = await runEngine(copy, {}, { clock, providerFactory: createProviderFactory({ root: copy, replay: cassette }) });
    expect(ofType(replayed, 'agent-error')).toEqual([]);
    expect(org.calls()).toHaveLength(asked);
    expect(orgBytes(copy)).toEqual(orgBytes(org.root));
    expect(Object.keys(orgBytes(copy))).toContain('agents/manager/workspace/notes.md');
  });

  test('retries and fallbacks work for a program as for any model: a program that keeps failing is tried again, then the next model answers', async () => {
    const org = outsideOrg({ provider: 'command', max_retries: 1 }, { managerModel: '[agent, offline]' });
    const failing = { exit: 2, stderr: 'upstream model refused\n' };
    // Each step of the turn asks the program first: it fails twice (one retry), and the offline model answers.
    org.plan({ manager: [failing, failing, failing, failing] });
    humanSends(org.root, 'manager', 'Report please.');
    const sleeps = recordingSleep();
    await runEngine(org.root, { maxTurns: 1 }, { providerFactory: createProviderFactory({ root: org.root, sleep: sleeps.sleep }) });
    expect(org.calls().map((call) => call.step)).toEqual([1, 1, 2, 2]);
    expect(sleeps.waits).toHaveLength(2);
    const log = readFileSync(join(org.root, 'agents', 'manager', 'logs', 'activity.jsonl'), 'utf8');
    expect(log).toMatch(/answered by fallback model offline after: agent failed: agent: \S+ exited with code 2; it said: upstream model refused \(gave up after 2 attempts\)/);
    // Failed runs of the program answered nothing: only the offline model's answers are charged.
    expect(chargeLines(org.root)).toMatchObject([{ model: 'offline' }]);
    expect(checkInvariants(org.root)).toEqual([]);
  });
});
