import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import type { EngineEvent } from '../../src/engine/events.js';
import { readHumanInbox } from '../../src/engine/human/human-inbox.js';
import { orgStatus } from '../../src/engine/human/org-status.js';
import { Notifier } from '../../src/notify/notifier.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import { runSummary } from '../../src/cli/print-events.js';
import { lemming } from '../helpers/cli.js';
import { ScriptedProvider, sendCall } from '../helpers/scripted-provider.js';
import { defaultOrg, humanSends, ofType, read, runEngine, write } from '../helpers/temp-org.js';
import { wireServerPerTest } from '../helpers/wire-server.js';

const webhook = wireServerPerTest();

/**
 * manager hands the task to planner, then planner and coder_01 ask each other for ever: one call a
 * turn, each 100 tokens in and 10 out, 0.00035 credits at the offline entry's prices.
 */
function loopingModel(): ScriptedProvider {
  let round = 0;
  return new ScriptedProvider((request) => {
    round += 1;
    if (request.agent === 'manager') return { toolCalls: [sendCall('planner', 'Please plan the login page.')] };
    if (request.agent === 'planner') return { toolCalls: [sendCall('coder_01', `Which framework do you want? (${round})`)] };
    if (request.agent === 'coder_01') return { toolCalls: [sendCall('planner', `Which do you suggest? (${round})`)] };
    return {};
  });
}

/** The default org without janitor's schedule: only mail wakes anyone, so each turn has the one call of the loop. */
function mailOnlyOrg(): string {
  const root = defaultOrg();
  write(root, 'agents/janitor/resume.md', read(root, 'agents/janitor/resume.md').replace(/^schedule: .*\n/m, ''));
  return root;
}

function withBudget(root: string, budget: string): void {
  const text = read(root, 'org/org.yaml').replace(/\nbudget:.*\n/, '\n');
  write(root, 'org/org.yaml', `${text}\nbudget: ${budget}\n`);
}

describe('a ceiling for the whole org (org.yaml budget:)', () => {
  test('the human is told at 50, 80 and 100 %, a webhook hears each, no new call starts at the ceiling, and raising it goes on', async () => {
    const server = await webhook(() => ({ status: 200, body: { ok: true } }));
    const root = mailOnlyOrg();
    withBudget(root, '{ credits: 0.002 }');
    write(root, 'org/org.yaml', `${read(root, 'org/org.yaml')}notify:\n  - { url_env: BUDGET_HOOK, on: [budget] }\n`);
    write(root, '.env', `BUDGET_HOOK=${server.url}/hooks/budget-c41f9e27\n`);
    humanSends(root, 'manager', 'Build the login page.');
    const notifier = new Notifier(root, () => loadOrg(root).org, (command) => `lemming ${command}`);
    const provider = loopingModel();
    const events = await runEngine(root, { maxTurns: 20 }, { providerFactory: () => provider });
    for (const event of events) notifier.observe(event);
    await notifier.settle(10_000);

    // 0.00035 a turn: 52.5 % after turn 3, 87.5 % after turn 5, 105 % after turn 6 (that turn's call was
    // under way when the ceiling was reached: the overshoot is that one call).
    expect(ofType(events, 'budget-warning').map((event) => [event.turn, event.share])).toEqual([
      [4, 0.5],
      [6, 0.8],
      [7, 1],
    ]);
    expect(provider.requests).toHaveLength(6);
    const held = ofType(events, 'agent-skipped');
    expect(held.map((event) => [event.turn, event.agent, event.reason, event.budget])).toEqual([[7, 'coder_01', 'budget', 'the org']]);
    expect(ofType(events, 'run-finished')[0]).toMatchObject({ reason: 'held', heldBy: ['ceiling'], lastTurn: 7, atCeiling: ['coder_01'] });
    expect(runSummary(ofType(events, 'run-finished')[0]!, root)).toContain('At a budget ceiling with mail waiting: coder_01 (raise `budget:` in org/org.yaml to go on).');

    const notices = readHumanInbox(root, loadOrg(root).org).notices.map((notice) => notice.subject);
    expect(notices).toEqual(
      expect.arrayContaining([
        'The org has spent 52 % of its budget, past its 50 % warning: 0.0010 of 0.0020 credits',
        'The org has spent 88 % of its budget, past its 80 % warning: 0.0018 of 0.0020 credits',
        'The org has reached its budget: 0.0021 of 0.0020 credits (105 %); no new model calls start',
      ]),
    );
    const received = server.requests.map((request) => request.body as { event: string; title: string; details: { share: number } });
    expect(received.map((body) => [body.event, body.details.share])).toEqual([
      ['budget', 0.5],
      ['budget', 0.8],
      ['budget', 1],
    ]);
    expect(received[2]?.title).toBe('the org has reached its budget: 0.0021 of 0.0020 credits (105 %); no new model calls start under it until org.yaml raises it');

    // status (as the API answers it) and its text say where the org stands.
    expect(orgStatus(loadOrg(root).org).budget).toEqual([{ spent: 0.0021, ceiling: 0.002, share: 1.05, state: 'stopped', warnAt: [0.5, 0.8, 1] }]);
    const status = lemming(root, ['status']);
    expect(status.stdout).toContain('budget of the org: 0.0021 of 0.0020 credits spent (105 %), reached: no new model calls start; raise budget.credits in org/org.yaml to go on');

    // Raised, the waiting mail is worked on again, and the 80 % of the new ceiling is still to come.
    withBudget(root, '{ credits: 0.004 }');
    const after = await runEngine(root, { maxTurns: 1 }, { providerFactory: () => provider });
    expect(ofType(after, 'agent-called').map((event) => event.agent)).toEqual(['coder_01']);
    expect(ofType(after, 'budget-warning')).toEqual([]);
    expect(orgStatus(loadOrg(root).org).budget?.[0]).toMatchObject({ spent: 0.00245, ceiling: 0.004, state: 'warned' });
  });

  test('an agent held at the ceiling that could not pay for its mail anyway ends the run held, not in empty turns to the turn cap', async () => {
    const root = mailOnlyOrg();
    // Two calls (manager, planner) pass the ceiling as planner hands coder_01 the task; coder_01 could not pay for it either.
    withBudget(root, '{ credits: 0.0006 }');
    write(root, 'agents/coder_01/resume.md', read(root, 'agents/coder_01/resume.md').replace(/^credits: .*$/m, 'credits: 0.0001'));
    humanSends(root, 'manager', 'Build the login page.');
    const provider = loopingModel();
    const events = await runEngine(root, { maxTurns: 20 }, { providerFactory: () => provider });
    expect(provider.requests.map((request) => request.agent)).toEqual(['manager', 'planner']);
    expect(ofType(events, 'agent-skipped').map((event) => [event.turn, event.agent, event.reason])).toEqual([[3, 'coder_01', 'budget']]);
    expect(ofType(events, 'run-finished')[0]).toMatchObject({ reason: 'held', heldBy: ['ceiling'], lastTurn: 3, atCeiling: ['coder_01'] });
    // Raised: the next turn plans coder_01, finds it cannot pay, and its manager is told, once; then the run ends held by coder_01's own credits.
    withBudget(root, '{ credits: 1 }');
    const after = await runEngine(root, { maxTurns: 20 }, { providerFactory: () => provider });
    const skipped = ofType(after, 'agent-skipped');
    expect(skipped[0]).toMatchObject({ turn: 4, agent: 'coder_01', reason: 'insufficient-credits' });
    expect(skipped.every((event) => event.reason === 'insufficient-credits')).toBe(true);
    expect(ofType(after, 'run-finished')[0]).toMatchObject({ reason: 'held', heldBy: ['budget'], stranded: ['coder_01'] });
    expect(provider.requests.filter((request) => request.agent === 'planner').at(-1)?.messages.map((turn) => turn.content).join('\n')).toContain('coder_01 is out of credits');
  });

  test('idle agents cost nothing: an org with a budget and no mail makes no call and charges nothing over turns', async () => {
    const root = mailOnlyOrg();
    withBudget(root, '{ credits: 1, departments: { planner: { credits: 0.5 } } }');
    const provider = loopingModel();
    const engine = Engine.open({ root, providerFactory: () => provider });
    const events: EngineEvent[] = [];
    try {
      for (let turn = 0; turn < 5; turn += 1) for await (const event of engine.turn()) events.push(event);
    } finally {
      engine.close();
    }
    expect(ofType(events, 'turn-finished')).toHaveLength(5);
    expect(provider.requests).toEqual([]);
    expect(ofType(events, 'turn-finished').reduce((sum, event) => sum + event.stats.inputTokens + event.stats.outputTokens + event.stats.credits, 0)).toBe(0);
    expect(existsSync(join(root, 'org/state/ledger.jsonl')) ? read(root, 'org/state/ledger.jsonl') : '').toBe('');
    expect(orgStatus(loadOrg(root).org).budget).toEqual([
      { spent: 0, ceiling: 1, share: 0, state: 'ok', warnAt: [0.5, 0.8, 1] },
      { department: 'planner', spent: 0, ceiling: 0.5, share: 0, state: 'ok', warnAt: [0.5, 0.8, 1] },
    ]);
  });

  test("a department's ceiling holds its lead and those under it, and nobody else", async () => {
    const root = mailOnlyOrg();
    // planner and coder_01 (who reports to planner) are the department; manager is not in it.
    withBudget(root, '{ departments: { planner: { credits: 0.0007, warn_at: [1] } } }');
    humanSends(root, 'manager', 'Build the login page.');
    const provider = loopingModel();
    const events = await runEngine(root, { maxTurns: 20 }, { providerFactory: () => provider });
    // planner (turn 2) and coder_01 (turn 3) spend 0.0007: planner is held at turn 4; manager's 0.00035 is not the department's.
    expect(ofType(events, 'budget-warning')).toEqual([{ type: 'budget-warning', turn: 4, department: 'planner', share: 1, spent: 0.0007, ceiling: 0.0007 }]);
    expect(ofType(events, 'agent-skipped').map((event) => [event.agent, event.budget])).toEqual([['planner', "planner's department"]]);
    const notice = readHumanInbox(root, loadOrg(root).org).notices.find((item) => item.subject.startsWith("Planner's department"));
    expect(notice?.body).toContain('Raise budget.departments.planner.credits in org/org.yaml to go on');
  });

  test('shares passed in one turn are told once, naming the highest passed and the real share spent', async () => {
    // A ceiling of 0.0002 and warnings at 50 and 80 %: manager's one call (0.00035) passes all three in turn 1.
    // Before, three notices came at once, the first "The org has spent 50 % of its budget: 0.0003 of 0.0002 credits".
    const root = mailOnlyOrg();
    withBudget(root, '{ credits: 0.0002 }');
    humanSends(root, 'manager', 'Build the login page.');
    const events = await runEngine(root, { maxTurns: 5 }, { providerFactory: () => loopingModel() });
    expect(ofType(events, 'budget-warning').map((event) => [event.turn, event.share, event.spent])).toEqual([[2, 1, 0.00035]]);
    expect(readHumanInbox(root, loadOrg(root).org).notices.map((notice) => notice.subject).filter((subject) => subject.includes('budget'))).toEqual([
      'The org has reached its budget: 0.0003 of 0.0002 credits (175 %); no new model calls start',
    ]);

    // Warnings at 25, 50 and 80 % of 0.0004: turn 1's call (87.5 %) passes the three; turn 2's the ceiling.
    const second = mailOnlyOrg();
    withBudget(second, '{ credits: 0.0004, warn_at: [0.25, 0.5, 0.8] }');
    humanSends(second, 'manager', 'Build the login page.');
    const warned = await runEngine(second, { maxTurns: 5 }, { providerFactory: () => loopingModel() });
    expect(ofType(warned, 'budget-warning').map((event) => [event.turn, event.share])).toEqual([
      [2, 0.8],
      [3, 1],
    ]);
    expect(readHumanInbox(second, loadOrg(second).org).notices.map((notice) => notice.subject).filter((subject) => subject.includes('budget'))).toEqual([
      'The org has spent 88 % of its budget, past its 80 % warning: 0.0003 of 0.0004 credits',
      'The org has reached its budget: 0.0007 of 0.0004 credits (175 %); no new model calls start',
    ]);
  });

  test('a department named for no agent, or a share past 1, is refused with the field and a valid value', () => {
    const root = mailOnlyOrg();
    withBudget(root, '{ departments: { plannr: { credits: 5 } } }');
    const run = lemming(root, ['validate']);
    expect(run.status).toBe(1);
    expect(run.stdout + run.stderr).toContain('budget.departments.plannr');
    expect(run.stdout + run.stderr).toContain('a department is keyed by its lead in org/chart.yaml');
    withBudget(root, '{ credits: 5, warn_at: [0.5, 80] }');
    const share = lemming(root, ['validate']);
    expect(share.status).toBe(1);
    expect(share.stdout + share.stderr).toContain('budget.warn_at');
  });
});
