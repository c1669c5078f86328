import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { loadState } from '../../src/engine/record/state-store.js';
import { readHumanInbox } from '../../src/engine/human/human-inbox.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import type { ProviderRequest } from '../../src/providers/provider.js';
import { ScriptedProvider, sendCall } from '../helpers/scripted-provider.js';
import { charges } from '../helpers/org-snapshot.js';
import { defaultOrg, humanSends, inboxOf, ofType, runEngine } from '../helpers/temp-org.js';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

function orgWithRules(rules: string): string {
  const root = defaultOrg();
  roots.push(root);
  writeFileSync(join(root, 'org/routing.yaml'), rules);
  return root;
}

/** Every agent reads and does nothing. */
const silent = (): ScriptedProvider => new ScriptedProvider(() => ({}));
const clock = () => new Date('2026-01-01T00:00:00.000Z');
const requestsOf = (provider: ScriptedProvider, agent: string): ProviderRequest[] => provider.requests.filter((request) => request.agent === agent);
const outbox = (root: string, agent: string): string[] => readdirSync(join(root, 'agents', agent, 'outbox')).filter((name) => name.endsWith('.md')).sort();

describe('forwarding', () => {
  test('mail on a topic reaches the rule’s target as a copy from the recipient, written by the engine and charged nothing', async () => {
    const root = orgWithRules('forward:\n  - name: money\n    mail_to: manager\n    about: [budget]\n    forward_to: hr\n');
    humanSends(root, 'manager', 'Please check the Budget for Q3.', 'Q3');
    humanSends(root, 'manager', 'The budgetary committee meets today.', 'Not a match');
    const provider = silent();
    const events = await runEngine(root, {}, { providerFactory: () => provider, clock });
    // The manager still reads both; hr is shown the one copy, from manager, with the original's text.
    expect(inboxOf(requestsOf(provider, 'manager')[0]).map((item) => item.subject)).toEqual(['Q3', 'Not a match']);
    const hrInbox = inboxOf(requestsOf(provider, 'hr')[0]);
    expect(hrInbox).toHaveLength(1);
    expect(hrInbox[0]).toMatchObject({ from: 'manager', subject: 'Fwd: Q3' });
    expect(hrInbox[0]?.body).toContain('under the rule "money" of org/routing.yaml, without a model call: message 000000-human-001 from human to manager');
    expect(hrInbox[0]?.body).toContain('Please check the Budget for Q3.');
    expect(outbox(root, 'manager')).toEqual(['000001-001-hr.md']);
    const file = readFileSync(join(root, 'agents/manager/outbox/000001-001-hr.md'), 'utf8');
    expect(file).not.toContain('usage:');
    expect(file).not.toContain('model:');
    // Charges: one per model call (manager, then hr), none for the forward.
    expect(charges(root).map((charge) => charge.split(':').slice(0, 2).join(':'))).toEqual(['1:manager', '2:hr']);
    expect(provider.requests).toHaveLength(2);
    expect(ofType(events, 'message-delivered').filter((event) => event.message.from === 'manager').map((event) => event.message.to)).toEqual(['hr']);
  });

  test('mail from a sender is forwarded, after the recipient’s own messages of the turn', async () => {
    const root = orgWithRules('forward:\n  - mail_to: manager\n    from: human\n    forward_to: planner\n');
    humanSends(root, 'manager', 'Ship it.', 'Release');
    const provider = new ScriptedProvider((request) => (request.agent === 'manager' && request.turn === 1 ? { toolCalls: [sendCall('human', 'On it.', { reply_to: '000000-human-001' })] } : {}));
    await runEngine(root, {}, { providerFactory: () => provider, clock });
    expect(outbox(root, 'manager')).toEqual(['000001-001-human.md', '000001-002-planner.md']);
    expect(inboxOf(requestsOf(provider, 'planner')[0]).map((item) => [item.id, item.from, item.subject])).toEqual([['000001-manager-002', 'manager', 'Fwd: Release']]);
  });

  test('a rule the chart refuses forwards nothing; the run says why', async () => {
    const root = orgWithRules('forward:\n  - mail_to: manager\n    from: human\n    forward_to: coder_01\n');
    humanSends(root, 'manager', 'Ship it.', 'Release');
    const provider = silent();
    const events = await runEngine(root, {}, { providerFactory: () => provider, clock });
    expect(provider.requests.map((request) => request.agent)).toEqual(['manager']);
    // The place is said once, with its line: `org/routing.yaml:3`, never again inside the message.
    const warning = ofType(events, 'warning').find((event) => event.file?.startsWith('org/routing.yaml:'));
    expect(warning?.message).not.toContain('org/routing.yaml');
    expect(warning?.message).toContain('forward.0.forward_to: this rule is refused: manager may not send to coder_01 (chart.yaml: agents.manager.send_to)');
    expect(warning?.message).toContain('no routing rule applies until it is fixed');
  });
});

describe('escalation', () => {
  test('mail unanswered for N turns is raised to the recipient’s manager once, after N turns', async () => {
    const root = orgWithRules('escalate:\n  after_turns: 2\n');
    // The manager hands the human's question on to planner (in its thread: that answers it); planner never answers.
    humanSends(root, 'manager', 'Are we on track?', 'Status');
    const answering = new ScriptedProvider((request) =>
      request.agent === 'manager' && request.turn === 1 ? { toolCalls: [sendCall('planner', 'Plan the release.', { subject: 'Plan' })] } : {},
    );
    const events = await runEngine(root, {}, { providerFactory: () => answering, clock });
    // planner never answers "Plan" (000001-manager-001, sent in turn 1): at the end of turn 3 it is raised to planner's manager.
    const state = loadState(join(root, 'org/state/engine.json'));
    expect(state.turn).toBe(4);
    expect(state.awaiting).toBeUndefined();
    const managerRequests = requestsOf(answering, 'manager');
    const raised = managerRequests.flatMap((request) => inboxOf(request)).filter((item) => item.from === 'lemming');
    // manager is both planner's manager and the sender: it is told once, as the manager.
    expect(raised).toHaveLength(1);
    expect(raised[0]?.subject).toBe('Escalated: planner has not answered manager');
    expect(raised[0]?.body).toContain('planner has not answered message 000001-manager-001 ("Plan") from manager, sent in turn 1, after 2 turn(s)');
    expect(ofType(events, 'agent-note').filter((event) => event.message.includes('raised to'))).toHaveLength(1);
    // The human's question was answered: nothing about it reaches the human.
    expect(readHumanInbox(root, loadOrg(root).org).notices.filter((notice) => notice.subject.startsWith('Escalated'))).toEqual([]);
  });

  test('mail across the chart is raised to the recipient’s manager and its sender is told; other priorities and reports up are not watched', async () => {
    const root = orgWithRules('escalate:\n  after_turns: 1\n  priorities: [urgent, high]\n');
    // hr may write to planner, across the chart.
    const chart = join(root, 'org/chart.yaml');
    writeFileSync(chart, readFileSync(chart, 'utf8').replace('    send_to: [manager]\n    read_from: [manager]\n  coder_01', '    send_to: [manager, planner]\n    read_from: [manager]\n  coder_01').replace('read_from: [manager, coder_01]', 'read_from: [manager, coder_01, hr]'));
    writeFileSync(join(root, 'agents/hr/outbox/note.md'), '---\nto: planner\nsubject: Need a decision\npriority: urgent\n---\nWhich database?\n');
    writeFileSync(join(root, 'agents/hr/outbox/low.md'), '---\nto: planner\nsubject: FYI\npriority: low\n---\nNothing urgent.\n');
    // A report up the chart waits for no answer, urgent or not.
    writeFileSync(join(root, 'agents/janitor/outbox/report.md'), '---\nto: manager\nsubject: Cleaned\npriority: urgent\n---\nDone.\n');
    const provider = silent();
    await runEngine(root, {}, { providerFactory: () => provider, clock });
    const told = (agent: string) => requestsOf(provider, agent).flatMap((request) => inboxOf(request)).filter((item) => item.from === 'lemming').map((item) => item.subject);
    expect(told('manager')).toEqual(['Escalated: planner has not answered hr']);
    expect(told('hr')).toEqual(['Raised to manager: Need a decision']);
    expect(readHumanInbox(root, loadOrg(root).org).notices).toEqual([]);
  });

  test('mail to an agent who reports to the human is raised to the human, who sent it: one notice', async () => {
    const root = orgWithRules('escalate:\n  after_turns: 1\n');
    humanSends(root, 'manager', 'Which database?', 'Need a decision');
    await runEngine(root, {}, { providerFactory: () => silent(), clock });
    const notices = readHumanInbox(root, loadOrg(root).org).notices;
    expect(notices.map((notice) => notice.subject)).toEqual(['Escalated: manager has not answered human']);
    expect(notices[0]?.body).toContain('manager has not answered message 000000-human-001 ("Need a decision") from human, sent in turn 0, after 1 turn(s)');
  });
});
