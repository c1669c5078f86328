import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { lemming } from '../helpers/cli.js';
import { defaultFaultOrg, humanSends } from './fault-org.js';
import { checkInvariants } from './invariants.js';
import { scratchDir } from './scratch.js';

/** The manager's request in a cassette: what its model was asked in turn 1. */
function managerRequest(cassette: string): Record<string, unknown> {
  const lines = readFileSync(cassette, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { request: Record<string, unknown> });
  const found = lines.find((line) => line.request.agent === 'manager');
  if (!found) throw new Error(`no call of the manager in ${cassette}`);
  return found.request;
}

function plannedCall(root: string): { prompt?: string; deferred: number; limit?: unknown } {
  const plan = JSON.parse(readFileSync(join(root, 'org/state/journal.jsonl'), 'utf8').split('\n')[0] ?? '{}') as { calls: Array<{ agent: string; prompt?: string; deferred: number; limit?: unknown }> };
  const call = plan.calls.find((entry) => entry.agent === 'manager');
  if (!call) throw new Error('the plan has no call of the manager');
  return call;
}

/** An org whose manager has 25 unread messages (20 are shown, 5 wait), killed after the manager's answer arrived and before it was journaled. */
function crashedWithMailWaiting(): { root: string; before: Record<string, unknown> } {
  const root = defaultFaultOrg();
  for (let index = 1; index <= 25; index += 1) humanSends(root, 'manager', `Task ${index}: please look into item ${index}.`);
  const cassette = join(scratchDir(), 'before.jsonl');
  const killed = lemming(root, ['run-once', '--record', cassette], { LEMMING_CRASH_AT: 'after-answer:1' });
  expect(killed.signal).toBe('SIGKILL');
  return { root, before: managerRequest(cassette) };
}

describe('a recovered turn asks the question it asked before', () => {
  test('killed between the answer and its journal with more mail than a prompt shows: the same prompt, byte for byte, the waiting count included', () => {
    const { root, before } = crashedWithMailWaiting();
    const planned = plannedCall(root);
    expect(planned).toMatchObject({ deferred: 5, limit: { messages: 20 } });
    expect(planned.prompt).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(JSON.stringify(before.messages)).toContain('(5 more message(s) are waiting and will be shown in a later turn');

    const cassette = join(scratchDir(), 'after.jsonl');
    const recovered = lemming(root, ['run-once', '--record', cassette]);
    expect(recovered.status).toBe(0);
    expect(recovered.stdout).not.toContain('is not the one planned');
    expect(managerRequest(cassette)).toEqual(before);
    expect(checkInvariants(root, { idle: false })).toEqual([]);
  });

  test('a note edited while the engine was down makes another prompt: the run says so', () => {
    const { root } = crashedWithMailWaiting();
    writeFileSync(join(root, 'agents/manager/memory/edited-by-hand.md'), 'A note a person added while the engine was down.\n');
    const recovered = lemming(root, ['run-once']);
    expect(recovered.status).toBe(0);
    expect(recovered.stdout).toContain("manager's prompt for this interrupted turn is not the one planned");
  });
});
