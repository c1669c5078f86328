import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createProviderFactory } from '../../src/providers/create-provider.js';
import { chatCompletion } from '../helpers/vendor-bodies.js';
import { startWireServer, type ReceivedRequest, type WireReply, type WireServer } from '../helpers/wire-server.js';
import { agentOf, answer, KEYS, OPENAI_KEY, ANTHROPIC_KEY, wireOrg } from './wire-org.js';
import { join } from 'node:path';
import { ProviderError } from '../../src/providers/provider-error.js';
import type { ProviderRequest, ToolCall } from '../../src/providers/provider.js';
import { ScriptedProvider, sendCall } from '../helpers/scripted-provider.js';
import { defaultFaultOrg, eventsOf, humanSends, readText, runOrg, runScripted, writeFile } from './fault-org.js';
import { checkInvariants } from './invariants.js';
import { lemming } from '../helpers/cli.js';

const stepOf = (request: ProviderRequest): number => (request.messages.length + 1) / 2;

function writeCall(path: string): ToolCall {
  return { id: `call_${path}`, name: 'write_file', arguments: { path, content: `# ${path}\n` } };
}

/** The manager with the workspace tools, asked something by the human. */
function actingManager(): string {
  const root = defaultFaultOrg();
  writeFile(root, 'agents/manager/resume.md', '---\ntitle: Engineering manager\nmodel: offline\ncredits: 0.5\ntools: [send_message, remember, read_file, write_file]\n---\nManage.\n');
  humanSends(root, 'manager', 'Write the plan down and tell me.');
  return root;
}

function ledgerCharges(root: string): Array<Record<string, unknown>> {
  if (!existsSync(join(root, 'org/state/ledger.jsonl'))) return [];
  return readText(root, 'org/state/ledger.jsonl')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((entry) => entry.type === 'charge');
}

describe('every call whose answer came back is charged', () => {
  test('a later step that fails ends the loop: the steps before it stand (their file, their message) and are charged', async () => {
    const root = actingManager();
    const provider = new ScriptedProvider((request) => {
      if (request.agent !== 'manager' || request.turn !== 1) return {};
      if (stepOf(request) === 1) return { toolCalls: [writeCall('plan.md'), sendCall('human', 'Writing the plan now.', { subject: 'Plan' })], usage: { inputTokens: 4000, outputTokens: 169, estimated: false } };
      return new ProviderError('local: the server answered 500 (it died)', { retryable: false, status: 500 });
    });
    const events = await runScripted(root, provider, { maxTurns: 1 });

    expect(eventsOf(events, 'agent-error')).toEqual([]);
    expect(eventsOf(events, 'turn-finished')).toHaveLength(1);
    expect(existsSync(join(root, 'agents/manager/workspace/plan.md'))).toBe(true);
    expect(existsSync(join(root, 'agents/manager/outbox/000001-001-human.md'))).toBe(true);
    expect(ledgerCharges(root).filter((charge) => charge.agent === 'manager')).toMatchObject([{ turn: 1, input_tokens: 4000, output_tokens: 169 }]);
    expect(eventsOf(events, 'agent-note').map((note) => note.message)).toContainEqual(expect.stringContaining('step 2 failed (local: the server answered 500 (it died)); the 1 step(s) before it stand and are charged'));
    expect(checkInvariants(root, { idle: false })).toEqual([]);
  });

  test('a first step that fails charges nothing, writes nothing and leaves the mail waiting', async () => {
    const root = actingManager();
    const provider = new ScriptedProvider((request) => (request.agent === 'manager' ? new ProviderError('local: connection refused', { retryable: false }) : {}));
    const events = await runScripted(root, provider, { maxTurns: 1 });
    expect(eventsOf(events, 'agent-error').map((error) => error.agent)).toEqual(['manager']);
    expect(ledgerCharges(root)).toEqual([]);
    expect(checkInvariants(root, { idle: false })).toEqual([]);
  });
});

describe('an answer the server counted but lemming cannot use is charged', () => {
  let server: WireServer;
  const script = new Map<string, Array<(request: ReceivedRequest) => WireReply>>();
  beforeAll(async () => {
    server = await startWireServer((request) => (script.get(agentOf(request))?.shift() ?? ((quiet: ReceivedRequest) => answer(quiet)))(request));
  });
  afterAll(() => server.close());
  /** `choices: []` with the usage the server counted, as a real server sent it. */
  const empty = (prompt: number, completion: number) => (): WireReply => ({ body: { id: 'x', object: 'chat.completion', choices: [], usage: { prompt_tokens: prompt, completion_tokens: completion } } });
  const run = (root: string) => runOrg(root, { maxTurns: 1 }, { providerFactory: createProviderFactory({ root, env: KEYS }) });

  test('as the failed second step of a loop: both steps are charged, the first step\'s file stands', async () => {
    const root = wireOrg(server.url);
    writeFile(root, 'agents/manager/resume.md', '---\ntitle: Manager\nmodel: flaky-openai\ncredits: 10\ntools: [send_message, write_file]\n---\nWrite, then report.\n');
    humanSends(root, 'manager', 'Write the plan.');
    script.set('manager', [
      () => ({ body: chatCompletion({ toolCalls: [{ name: 'write_file', arguments: { path: 'plan.md', content: '# Plan\n' } }], usage: { prompt_tokens: 4000, completion_tokens: 169 } }) }),
      empty(4200, 0),
    ]);
    const events = await run(root);
    expect(existsSync(join(root, 'agents/manager/workspace/plan.md'))).toBe(true);
    // 8,200 in at 1,000 and 169 out at 4,000 per million.
    expect(ledgerCharges(root)).toMatchObject([{ agent: 'manager', input_tokens: 8200, output_tokens: 169, credits: 8.876 }]);
    expect(eventsOf(events, 'agent-note').map((note) => note.message)).toContainEqual(expect.stringContaining('step 2 failed (flaky-openai: the server\'s answer is not a chat completion'));
    expect(checkInvariants(root, { idle: false, secrets: [OPENAI_KEY, ANTHROPIC_KEY] })).toEqual([]);
  });

  test('as a call that fails: charged, its mail waits, and the error says why', async () => {
    const root = wireOrg(server.url);
    humanSends(root, 'manager', 'Plan it.');
    script.set('manager', [empty(500, 7)]);
    const events = await run(root);
    expect(eventsOf(events, 'agent-error').map((error) => error.agent)).toEqual(['manager']);
    expect(ledgerCharges(root)).toMatchObject([{ agent: 'manager', model: 'flaky-openai', input_tokens: 500, output_tokens: 7, credits: 0.528 }]);
    expect(checkInvariants(root, { idle: false, secrets: [OPENAI_KEY, ANTHROPIC_KEY] })).toEqual([]);
  });

  test('reporting 0 tokens for a long prompt: its input is charged at least 1 token for every 8 of lemming\'s estimate of the request, and the human told', async () => {
    const root = wireOrg(server.url);
    // 10,000 characters of mail: lemming's estimate of the prompt is more than 2,500 tokens, 1 in 8 of them more than 312.
    humanSends(root, 'manager', `Read this through. ${'The plan has many parts. '.repeat(400)}`);
    script.set('manager', [empty(0, 0)]);
    const events = await run(root);
    expect(eventsOf(events, 'agent-error').map((error) => error.agent)).toEqual(['manager']);
    const charges = ledgerCharges(root);
    // Before: no line at all, the call free however long its prompt.
    expect(charges).toHaveLength(1);
    const charge = charges[0] as { input_tokens: number; output_tokens: number; credits: number; estimated?: boolean };
    expect(charge.input_tokens).toBeGreaterThan(312);
    expect(charge).toMatchObject({ agent: 'manager', model: 'flaky-openai', output_tokens: 0, estimated: true, credits: charge.input_tokens * 1000 / 1e6 });
    const inbox = lemming(root, ['inbox']).stdout;
    expect(inbox).toMatch(/from lemming: manager's reported usage was corrected/);
    expect(inbox).toContain(`flaky-openai reported 0 input tokens; counted as ${charge.input_tokens}, the fewest a server is believed to count for the request: 1 token for every 8 of lemming's estimate of it`);
    expect(checkInvariants(root, { idle: false, secrets: [OPENAI_KEY, ANTHROPIC_KEY] })).toEqual([]);
  });

  test('before a fallback answers: each model\'s answer at its own prices, in one charge', async () => {
    const root = wireOrg(server.url);
    writeFile(root, 'agents/manager/resume.md', '---\ntitle: Manager\nmodel: [flaky-openai, flaky-anthropic]\ncredits: 10\n---\nReport.\n');
    humanSends(root, 'manager', 'Plan it.');
    script.set('manager', [empty(500, 7), (request) => answer(request, { to: 'human', body: 'Planned.' })]);
    await run(root);
    // 500 in and 7 out at 1,000/4,000, then 300 in and 40 out at 2,000/8,000 per million.
    expect(ledgerCharges(root)).toMatchObject([
      {
        agent: 'manager',
        model: 'flaky-anthropic',
        input_tokens: 800,
        output_tokens: 47,
        credits: 1.448,
        models: { 'flaky-openai': { input_tokens: 500, output_tokens: 7, credits: 0.528 }, 'flaky-anthropic': { input_tokens: 300, output_tokens: 40, credits: 0.92 } },
      },
    ]);
    expect(checkInvariants(root, { idle: false, secrets: [OPENAI_KEY, ANTHROPIC_KEY] })).toEqual([]);
  });
});
