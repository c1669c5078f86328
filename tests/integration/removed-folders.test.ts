import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { readLog } from '../../src/engine/record/agent-log.js';
import { ScriptedProvider, sendCall } from '../helpers/scripted-provider.js';
import { defaultOrg, humanSends, listOutbox, ofType, runEngine } from '../helpers/temp-org.js';

/** Manager and planner pass a message back and forth, so both are called in several turns of one process. */
function pingPong(onCall: (agent: string, turn: number) => void): ScriptedProvider {
  return new ScriptedProvider((request) => {
    onCall(request.agent, request.turn);
    if (request.agent === 'manager') return { toolCalls: [sendCall('planner', `ping ${request.turn}`)] };
    if (request.agent === 'planner' && request.turn < 4) return { toolCalls: [sendCall('manager', `pong ${request.turn}`)] };
    return {};
  });
}

describe("a person removing an agent's folders while the org runs", () => {
  test('a logs folder removed between two of its agent\'s turns is made again, and the turn succeeds', async () => {
    const root = defaultOrg();
    humanSends(root, 'manager', 'Start.');
    const provider = pingPong((agent, turn) => {
      // The manager's logs/ was made by this process at turn 1; a person removes it while it thinks at turn 3.
      if (agent === 'manager' && turn === 3) rmSync(join(root, 'agents/manager/logs'), { recursive: true, force: true });
    });
    const events = await runEngine(root, { maxTurns: 5 }, { providerFactory: () => provider });
    expect(ofType(events, 'agent-error')).toEqual([]);
    expect(existsSync(join(root, 'agents/manager/logs/activity.jsonl'))).toBe(true);
    expect(readLog(root, 'manager').filter((entry) => entry.event === 'sent').map((entry) => entry.turn)).toEqual([3]);
    expect(listOutbox(root, 'manager')).toContain('000003-001-planner.md');
  });

  test('an outbox removed between two of its agent\'s turns is made again, and the reply is delivered', async () => {
    const root = defaultOrg();
    humanSends(root, 'manager', 'Start.');
    const provider = pingPong((agent, turn) => {
      if (agent === 'manager' && turn === 3) rmSync(join(root, 'agents/manager/outbox'), { recursive: true, force: true });
    });
    const events = await runEngine(root, { maxTurns: 5 }, { providerFactory: () => provider });
    expect(ofType(events, 'agent-error')).toEqual([]);
    expect(listOutbox(root, 'manager')).toEqual(['000003-001-planner.md']);
    expect(provider.requests.filter((request) => request.agent === 'planner').map((request) => request.turn)).toEqual([2, 4]);
  });
});
