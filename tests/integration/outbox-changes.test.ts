import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { sendAsHuman } from '../../src/engine/human/send-as-human.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import type { ProviderRequest } from '../../src/providers/provider.js';
import { ScriptedProvider, sendCall } from '../helpers/scripted-provider.js';
import { defaultOrg, inboxOf, listOutbox, ofType, runEngine, write } from '../helpers/temp-org.js';

describe('a person changing an outbox while the org runs', () => {
  test('deleting a delivered file delivers nothing again', async () => {
    const root = defaultOrg();
    sendAsHuman(root, loadOrg(root).org, { to: 'manager', body: 'Plan it.' });
    await runEngine(root);
    expect(listOutbox(root, 'manager')).toEqual(['000001-001-planner.md', '000005-001-human.md']);
    rmSync(join(root, 'agents/manager/outbox/000005-001-human.md'));
    const provider = new ScriptedProvider(() => ({}));
    const events = await runEngine(root, { maxTurns: 3 }, { providerFactory: () => provider });
    expect(provider.requests).toEqual([]);
    expect(ofType(events, 'message-delivered')).toEqual([]);
    expect(ofType(events, 'run-finished')[0]).toMatchObject({ reason: 'idle', turns: 0 });
  });

  test('a file dropped into an outbox while its agent is being called is delivered at the next turn', async () => {
    const root = defaultOrg();
    sendAsHuman(root, loadOrg(root).org, { to: 'manager', body: 'go' });
    const provider = new ScriptedProvider(async (request) => {
      if (request.agent === 'manager' && request.turn === 1) {
        write(root, 'agents/manager/outbox/handwritten.md', '---\nto: hr\nsubject: By hand\n---\nWritten while the manager was thinking.\n');
        return { toolCalls: [sendCall('planner', 'plan it')] };
      }
      return {};
    });
    await runEngine(root, {}, { providerFactory: () => provider });
    const hr = provider.requests.filter((request) => request.agent === 'hr');
    expect(hr).toHaveLength(1);
    expect(inboxOf(hr[0] as ProviderRequest).map((item) => item.subject)).toEqual(['By hand']);
    expect(provider.requests.filter((request) => request.agent === 'planner')).toHaveLength(1);
  });

  test('a file dropped under a low name after the last scan is still found, and nothing old comes with it', async () => {
    const root = defaultOrg();
    sendAsHuman(root, loadOrg(root).org, { to: 'manager', body: 'Plan it.' });
    await runEngine(root);
    write(root, 'agents/manager/outbox/000000-009-hr.md', '---\nto: hr\nsubject: Late but low\n---\nHello.\n');
    const provider = new ScriptedProvider(() => ({}));
    await runEngine(root, {}, { providerFactory: () => provider });
    expect(provider.requests.map((request) => request.agent)).toEqual(['hr']);
    expect(inboxOf(provider.requests[0] as ProviderRequest).map((item) => item.subject)).toEqual(['Late but low']);
  });
});
