import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ProviderError } from '../../src/providers/provider-error.js';
import type { ProviderRequest, ToolCall } from '../../src/providers/provider.js';
import { ScriptedProvider, sendCall } from '../helpers/scripted-provider.js';
import { defaultFaultOrg, eventsOf, humanSends, readText, runScripted, writeFile } from './fault-org.js';
import { checkInvariants } from './invariants.js';

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
