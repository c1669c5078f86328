import { describe, expect, test } from 'vitest';
import { agentLoads } from '../../src/analysis/network/agent-load.js';
import { edgeUsage } from '../../src/analysis/network/edge-use.js';
import { readOrgRecords } from '../../src/analysis/records/read-records.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import { runNetwork } from '../../src/reference/read-networks.js';
import type { ProviderRequest } from '../../src/providers/provider.js';
import { ScriptedProvider, sendCall } from '../helpers/scripted-provider.js';
import { defaultOrg, humanSends, inboxOf, listOutbox, ofType, read, runEngine, write } from '../helpers/temp-org.js';

const withProvider = (provider: ScriptedProvider) => ({ providerFactory: () => provider });
const firstCall = (provider: ScriptedProvider, agent: string): ProviderRequest | undefined => provider.requests.find((request) => request.agent === agent);

describe('a message to several people (to: and cc: lists)', () => {
  test('one file in the sender outbox; each recipient and copy reads it once; the call is charged once', async () => {
    const root = defaultOrg();
    humanSends(root, 'manager', 'go');
    const provider = new ScriptedProvider((request) =>
      request.agent === 'manager' && request.turn === 1 ? { toolCalls: [sendCall(['planner', 'hr'], 'the plan', { subject: 'Plan', cc: ['janitor'] })] } : {},
    );
    const events = await runEngine(root, { maxTurns: 3 }, withProvider(provider));
    expect(listOutbox(root, 'manager')).toEqual(['000001-001-planner+2.md']);
    const text = read(root, 'agents/manager/outbox/000001-001-planner+2.md');
    expect(text).toMatch(/^to: \[planner, hr\]$/m);
    expect(text).toMatch(/^cc: \[janitor\]$/m);
    for (const reader of ['planner', 'hr', 'janitor']) {
      const inbox = inboxOf(firstCall(provider, reader));
      expect(inbox.map((item) => [item.id, item.from, item.subject, item.to, item.cc])).toEqual([['000001-manager-001', 'manager', 'Plan', 'planner, hr', 'janitor']]);
    }
    // Read once each: no one is called for it a second time.
    expect(provider.requests.filter((request) => ['planner', 'hr', 'janitor'].includes(request.agent))).toHaveLength(3);
    const charges = read(root, 'org/state/ledger.jsonl').split('\n').filter((line) => line.includes('"charge"') && line.includes('"manager"'));
    expect(charges).toHaveLength(1);
    expect(ofType(events, 'message-refused')).toEqual([]);
    // The network measures count the one message as three edges, as email data counts a message to three people.
    expect(runNetwork(root).network.edges.map(([from, to]) => `${from}>${to}`).sort()).toEqual(['manager>hr', 'manager>janitor', 'manager>planner']);
    const { org } = loadOrg(root);
    const used = edgeUsage(readOrgRecords(org)).used.map((edge) => `${edge.from}>${edge.to}:${edge.messages}`);
    expect(used.sort()).toEqual(['human>manager:1', 'manager>hr:1', 'manager>janitor:1', 'manager>planner:1']);
    expect(agentLoads(readOrgRecords(org)).find((load) => load.agent === 'manager')).toMatchObject({ messagesOut: 1 });
  });

  test('a name the chart refuses refuses the whole message: no file, and the notice names who and why', async () => {
    const root = defaultOrg();
    humanSends(root, 'manager', 'go');
    const provider = new ScriptedProvider((request) =>
      request.agent === 'manager' && request.turn === 1 ? { toolCalls: [sendCall('planner', 'the plan', { subject: 'Plan', cc: ['coder_01'] })] } : {},
    );
    const events = await runEngine(root, { maxTurns: 2 }, withProvider(provider));
    expect(listOutbox(root, 'manager')).toEqual([]);
    expect(firstCall(provider, 'planner')).toBeUndefined();
    expect(ofType(events, 'message-refused')[0]).toMatchObject({ from: 'manager', to: 'coder_01', reason: expect.stringContaining('manager may not send to coder_01') });
    const notice = inboxOf(provider.requests.filter((request) => request.agent === 'manager')[1])[0];
    expect(notice?.body).toMatch(/coder_01/);
  });

  test('a file a person drops with a to: list reaches each name; a copy to a name the chart refuses holds the whole file back', async () => {
    const root = defaultOrg();
    write(root, 'agents/manager/outbox/note.md', '---\nto: [planner, hr]\nsubject: Both\n---\nfor you two\n');
    write(root, 'agents/manager/outbox/other.md', '---\nto: planner\ncc: [coder_01]\nsubject: Leak\n---\nnot for coder_01\n');
    const provider = new ScriptedProvider(() => ({}));
    const events = await runEngine(root, { maxTurns: 1 }, withProvider(provider));
    expect(inboxOf(firstCall(provider, 'planner')).map((item) => item.subject)).toEqual(['Both']);
    expect(inboxOf(firstCall(provider, 'hr')).map((item) => item.subject)).toEqual(['Both']);
    expect(firstCall(provider, 'coder_01')).toBeUndefined();
    expect(ofType(events, 'message-refused').map((event) => event.to)).toEqual(['coder_01']);
  });

  test('a send_message with a to: that is neither a name nor a list of names is an invalid call, said to the model', async () => {
    const root = defaultOrg();
    humanSends(root, 'manager', 'go');
    const provider = new ScriptedProvider((request) => (request.agent === 'manager' && request.turn === 1 ? { toolCalls: [sendCall([], 'x'), sendCall('planner', 'y', { cc: 'hr' })] } : {}));
    const events = await runEngine(root, { maxTurns: 1 }, withProvider(provider));
    const notes = ofType(events, 'agent-note').filter((event) => event.invalidCall).map((event) => event.message);
    expect(notes).toEqual([expect.stringMatching(/to: .*at least one/), expect.stringMatching(/cc: expected a list of names/)]);
    expect(listOutbox(root, 'manager')).toEqual([]);
  });
});
