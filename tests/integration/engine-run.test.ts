import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { readHumanInbox } from '../../src/engine/human/human-inbox.js';
import { sendAsHuman } from '../../src/engine/human/send-as-human.js';
import { parseMessage } from '../../src/mailbox/message-format.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import { defaultOrg, listOutbox, ofType, read, runEngine } from '../helpers/temp-org.js';

function ledgerLines(root: string): Array<Record<string, unknown>> {
  return read(root, 'org/state/ledger.jsonl')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('the default org on the offline model', () => {
  test('a task from the human goes down the chart and the report comes back up, then the org is idle', async () => {
    const root = defaultOrg();
    sendAsHuman(root, loadOrg(root).org, { to: 'manager', subject: 'Plan the first release', body: 'Plan it and build it.' });
    const events = await runEngine(root);

    const finished = ofType(events, 'run-finished')[0];
    expect(finished).toMatchObject({ reason: 'idle', turns: 5 });
    expect(listOutbox(root, 'manager')).toEqual(['000001-001-planner.md', '000005-001-human.md']);
    expect(listOutbox(root, 'planner')).toEqual(['000002-001-coder_01.md', '000004-001-manager.md']);
    expect(listOutbox(root, 'coder_01')).toEqual(['000003-001-planner.md']);
    const inbox = readHumanInbox(root, loadOrg(root).org);
    expect(inbox.messages).toHaveLength(1);
    expect(inbox.messages[0]).toMatchObject({ from: 'manager', subject: 'Re: Plan the first release', replyTo: '000000-human-001', unread: true });
    expect(inbox.messages[0]?.body).toContain('Done: Plan the first release.');
  });

  test('turns are barriers: mail written in turn t is read in turn t + 1, never sooner', async () => {
    const root = defaultOrg();
    sendAsHuman(root, loadOrg(root).org, { to: 'manager', body: 'Plan it.' });
    const events = await runEngine(root);
    const calledIn = ofType(events, 'agent-called').map((event) => `${event.turn}:${event.agent}`);
    expect(calledIn).toEqual(['1:manager', '2:planner', '3:coder_01', '4:planner', '5:janitor', '5:manager']);
  });

  test('every message file parses, sits in its sender outbox, and carries the usage of the call that wrote it', async () => {
    const root = defaultOrg();
    sendAsHuman(root, loadOrg(root).org, { to: 'manager', body: 'Plan it.' });
    await runEngine(root);
    const ids = new Set<string>();
    for (const agent of readdirSync(join(root, 'agents'))) {
      for (const name of listOutbox(root, agent)) {
        expect(name).toMatch(/^\d{6}-\d{3}-[a-z0-9_]+\.md$/);
        const parsed = parseMessage(readFileSync(join(root, 'agents', agent, 'outbox', name), 'utf8'));
        if (!('message' in parsed)) throw new Error(`${agent}/${name}: ${parsed.error}`);
        expect(parsed.message.claimedFrom).toBe(agent);
        expect(ids.has(parsed.message.id ?? '')).toBe(false);
        ids.add(parsed.message.id ?? '');
        if (agent !== 'human') expect(parsed.message.usage?.credits).toBeGreaterThan(0);
      }
    }
    expect(ids.size).toBe(6);
  });

  test('the ledger charges tokens x price, once per call, and the log and events agree with it', async () => {
    const root = defaultOrg();
    sendAsHuman(root, loadOrg(root).org, { to: 'manager', body: 'Plan it.' });
    const events = await runEngine(root);
    const charges = ledgerLines(root).filter((entry) => entry.type === 'charge');
    const keys = charges.map((entry) => `${String(entry.turn)}:${String(entry.agent)}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toHaveLength(ofType(events, 'agent-called').length);
    for (const charge of charges) {
      const expected = ((charge.input_tokens as number) * 2.5 + (charge.output_tokens as number) * 10) / 1_000_000;
      expect(charge.credits).toBeCloseTo(expected, 9);
    }
    const fromLedger = charges.reduce((sum, entry) => sum + (entry.credits as number), 0);
    const fromEvents = ofType(events, 'credits-charged').reduce((sum, event) => sum + event.credits, 0);
    const fromLogs = ['manager', 'planner', 'coder_01', 'janitor'].flatMap((agent) =>
      read(root, `agents/${agent}/logs/activity.jsonl`)
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { event: string; credits?: number })
        .filter((entry) => entry.event === 'charged'),
    );
    expect(fromEvents).toBeCloseTo(fromLedger, 12);
    expect(fromLogs.reduce((sum, entry) => sum + (entry.credits ?? 0), 0)).toBeCloseTo(fromLedger, 12);
  });

  test('an idle org runs no turn and calls no one', async () => {
    const root = defaultOrg();
    const events = await runEngine(root);
    expect(ofType(events, 'run-finished')[0]).toMatchObject({ reason: 'idle', turns: 0 });
    expect(ofType(events, 'agent-called')).toEqual([]);
  });

  test('the same inputs give the same files, byte for byte', async () => {
    const clock = () => new Date('2026-11-21T00:00:00.000Z');
    const contents = async () => {
      const root = defaultOrg();
      sendAsHuman(root, loadOrg(root).org, { to: 'manager', body: 'Plan it.' }, clock());
      await runEngine(root, {}, { clock });
      return ['manager', 'planner', 'coder_01'].flatMap((agent) => listOutbox(root, agent).map((name) => read(root, `agents/${agent}/outbox/${name}`)));
    };
    expect(await contents()).toEqual(await contents());
  });
});
