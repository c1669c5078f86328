import { describe, expect, test } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { driveUntilReply } from '../../src/engine/human/drive-until-reply.js';
import { readHumanNotices } from '../../src/engine/human/human-inbox.js';
import { readLog } from '../../src/engine/record/agent-log.js';
import { ScriptedProvider, sendCall } from '../helpers/scripted-provider.js';
import { resume } from '../helpers/org-files.js';
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

    expect(eventsOf(events, 'run-finished')[0]).toMatchObject({ reason: 'held', heldBy: ['budget'], stranded: ['planner'] });
    const told = inboxOf(requestsOf(provider, 'manager').at(-1)).map((item) => `${item.from}: ${item.body}`);
    expect(told).toEqual([expect.stringMatching(/^lemming: planner has 0\.0000001 credits left, and its next call would cost about [0-9.]+; it will not be called until it has more/)]);
    const skipped = readLog(root, 'planner', 20).filter((entry) => entry.event === 'skipped');
    expect(skipped).toEqual([
      expect.objectContaining({ turn: 2, reason: 'insufficient-credits', balance: 0.0000001, needed: expect.any(Number), waiting: 1, told: 'manager' }),
    ]);
    expect(checkInvariants(root, { requests: provider.requests })).toEqual([]);
  });

  test('an agent with no credits at all when its first mail arrives: the run does not end before its manager is told', async () => {
    const root = defaultFaultOrg();
    writeFile(root, 'agents/planner/resume.md', resume({ title: 'Planner', model: 'offline', credits: '0' }));
    humanSends(root, 'manager', 'go');
    const provider = delegating();
    const events = await runScripted(root, provider);

    // Turn 2 finds it at zero and tells the manager (the run used to end idle before that turn); turn 3 the manager reads it.
    expect(eventsOf(events, 'agent-skipped').map((event) => `${event.turn}:${event.agent}:${event.reason}`)).toEqual(['2:planner:out-of-credits', '3:planner:out-of-credits']);
    expect(eventsOf(events, 'run-finished')[0]).toMatchObject({ reason: 'held', heldBy: ['budget'], stranded: ['planner'] });
    expect(inboxOf(requestsOf(provider, 'manager').at(-1)).map((item) => `${item.from}: ${item.body}`)).toEqual([expect.stringMatching(/^lemming: planner has 0\.0000 credits left; it will not be called/)]);
    expect(readLog(root, 'planner', 20).filter((entry) => entry.event === 'skipped')).toEqual([expect.objectContaining({ turn: 2, reason: 'out-of-credits', told: 'manager' })]);
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

  test('a chat drive that gets its reply runs on until the manager of an agent stranded in the meantime has been told', async () => {
    const root = defaultFaultOrg();
    shortPlanner(root);
    humanSends(root, 'manager', 'go');
    // The manager answers the human and hands the work on in the same turn: the reply would end the drive.
    const provider = new ScriptedProvider((request) =>
      request.agent === 'manager' && /from="human"/.test(request.messages[0]?.content ?? '') ? { toolCalls: [sendCall('human', 'On it.'), sendCall('planner', 'plan it')] } : {},
    );
    const engine = Engine.open({ root, providerFactory: () => provider, clock: () => new Date('2026-01-01T00:00:00.000Z') });
    let outcome;
    try {
      const drive = driveUntilReply(engine, { maxTurns: 10 });
      for (let next = await drive.next(); ; next = await drive.next()) {
        if (next.done) {
          outcome = next.value;
          break;
        }
      }
    } finally {
      engine.close();
    }

    // Turn 1 replies; turn 2 finds the planner short and tells the manager; turn 3 the manager reads it.
    expect(outcome).toMatchObject({ reason: 'replied', turns: 3, replies: ['000001-manager-001'] });
    expect(inboxOf(requestsOf(provider, 'manager').at(-1)).map((item) => item.from)).toEqual(['lemming']);
    expect(readLog(root, 'planner', 20).filter((entry) => entry.event === 'skipped')).toEqual([expect.objectContaining({ turn: 2, told: 'manager' })]);
  });
});
