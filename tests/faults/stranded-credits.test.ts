import { describe, expect, test } from 'vitest';
import { readHumanNotices } from '../../src/engine/human/human-inbox.js';
import { readLog } from '../../src/engine/record/agent-log.js';
import { ScriptedProvider, sendCall } from '../helpers/scripted-provider.js';
import { resume } from '../helpers/temp-org.js';
import { defaultFaultOrg, eventsOf, humanSends, inboxOf, readText, requestsOf, runScripted, writeFile } from './fault-org.js';
import { checkInvariants } from './invariants.js';

/** The manager hands every task from the human to the planner; everyone else is quiet. */
const delegating = () =>
  new ScriptedProvider((request) =>
    request.agent === 'manager' && /from="human"/.test(request.messages[0]?.content ?? '') ? { toolCalls: [sendCall('planner', 'plan it')] } : {},
  );

function shortPlanner(root: string): void {
  writeFile(root, 'agents/planner/resume.md', resume({ title: 'Planner', model: 'offline', credits: '0.0000001' }));
}

describe('an agent stranded with mail waiting and too few credits', () => {
  test('its manager is told before the run ends, and its own log says why it was not called and who was told', async () => {
    const root = defaultFaultOrg();
    shortPlanner(root);
    humanSends(root, 'manager', 'go');
    const provider = delegating();
    const events = await runScripted(root, provider);

    expect(eventsOf(events, 'run-finished')[0]).toMatchObject({ reason: 'idle', stranded: ['planner'] });
    const told = inboxOf(requestsOf(provider, 'manager').at(-1)).map((item) => `${item.from}: ${item.body}`);
    expect(told).toEqual([expect.stringMatching(/^lemming: planner has 0\.0000001 credits left, and its next call would cost about [0-9.]+; it will not be called until it has more/)]);
    const skipped = readLog(root, 'planner', 20).filter((entry) => entry.event === 'skipped');
    expect(skipped).toEqual([
      expect.objectContaining({ turn: 2, reason: 'insufficient-credits', balance: 0.0000001, needed: expect.any(Number), waiting: 1, told: 'manager' }),
    ]);
    expect(checkInvariants(root, { requests: provider.requests })).toEqual([]);
  });

  test('with no manager in the chart, the human is told rather than nobody', async () => {
    const root = defaultFaultOrg();
    shortPlanner(root);
    writeFile(root, 'org/chart.yaml', readText(root, 'org/chart.yaml').replace(/(\n {2}planner:\n {4}reports_to: )manager/, '$1null'));
    humanSends(root, 'manager', 'go');
    const provider = delegating();
    await runScripted(root, provider);

    const notices = readHumanNotices(root).map((notice) => `${notice.subject}: ${notice.body}`);
    expect(notices).toEqual([expect.stringMatching(/^planner is out of credits: planner has 0\.0000001 credits left.* planner reports to nobody in org\/chart\.yaml, so you are told/)]);
    expect(readLog(root, 'planner', 20).filter((entry) => entry.event === 'skipped')).toEqual([expect.objectContaining({ turn: 2, told: 'human' })]);
    expect(checkInvariants(root, { requests: provider.requests })).toEqual([]);
  });
});
