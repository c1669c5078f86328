import { renameSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { readHumanNotices } from '../../src/engine/human/human-inbox.js';
import { loadState } from '../../src/engine/record/state-store.js';
import { statePaths } from '../../src/engine/record/state-paths.js';
import { ScriptedProvider, sendCall } from '../helpers/scripted-provider.js';
import { defaultFaultOrg, humanSends, inboxOf, requestsOf, runScripted } from './fault-org.js';
import { scratchDir } from './scratch.js';

describe('mail waiting for an agent that has left the org', () => {
  test('goes back to each sender as one notice naming the unread messages, and waits no more', async () => {
    const root = defaultFaultOrg();
    humanSends(root, 'manager', 'Plan the release.');
    const provider = new ScriptedProvider((request) => {
      if (request.agent === 'manager' && request.turn === 1) return { toolCalls: [sendCall('planner', 'Split the release into tasks.', { subject: 'Tasks' })] };
      return {};
    });
    await runScripted(root, provider, { maxTurns: 1 });
    // The planner's folder goes before it could read the manager's message.
    renameSync(join(root, 'agents/planner'), join(scratchDir(), 'planner'));
    await runScripted(root, provider);

    const told = inboxOf(requestsOf(provider, 'manager').find((request) => request.turn === 3)).find((item) => item.subject === 'planner has left the org');
    expect(told?.body).toContain('000001-manager-001 ("Tasks")');
    expect(loadState(statePaths(root).state).pending.filter((item) => item.to === 'planner')).toEqual([]);
    expect(readHumanNotices(root).filter((notice) => notice.subject === 'planner has left the org')).toEqual([]);
  });
});
