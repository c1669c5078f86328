import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { readLog } from '../../src/engine/record/agent-log.js';
import { ScriptedProvider, sendCall } from '../helpers/scripted-provider.js';
import { defaultOrg, humanSends, listOutbox, ofType, runEngine } from '../helpers/temp-org.js';

describe("a person removing an agent's folders while the org runs", () => {
  // The manager's folder was made or written by this process at turn 1; a person removes it while the manager thinks at turn 3.
  test.each(['logs', 'outbox'])("the manager's %s/ removed between two of its turns is made again, and the turn succeeds", async (folder) => {
    const root = defaultOrg();
    humanSends(root, 'manager', 'Start.');
    // Manager and planner pass a message back and forth, so both are called in several turns of one process.
    const provider = new ScriptedProvider((request) => {
      if (request.agent === 'manager' && request.turn === 3) rmSync(join(root, 'agents/manager', folder), { recursive: true, force: true });
      if (request.agent === 'manager') return { toolCalls: [sendCall('planner', `ping ${request.turn}`)] };
      if (request.agent === 'planner' && request.turn < 4) return { toolCalls: [sendCall('manager', `pong ${request.turn}`)] };
      return {};
    });
    const events = await runEngine(root, { maxTurns: 5 }, { providerFactory: () => provider });
    expect(ofType(events, 'agent-error')).toEqual([]);
    expect(listOutbox(root, 'manager')).toContain('000003-001-planner.md');
    expect(provider.requests.filter((request) => request.agent === 'planner').map((request) => request.turn)).toEqual([2, 4]);
    expect(existsSync(join(root, 'agents/manager/logs/activity.jsonl'))).toBe(true);
    const sentAt = readLog(root, 'manager').filter((entry) => entry.event === 'sent').map((entry) => entry.turn);
    expect(sentAt).toEqual(folder === 'logs' ? [3] : [1, 3]);
  });
});
