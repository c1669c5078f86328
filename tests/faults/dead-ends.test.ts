import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { readHumanNotices } from '../../src/engine/human/human-inbox.js';
import { ScriptedProvider, sendCall } from '../helpers/scripted-provider.js';
import { defaultFaultOrg, eventsOf, humanSends, inboxOf, requestsOf, runScripted } from './fault-org.js';
import { checkInvariants } from './invariants.js';

describe('an agent that never acts on its mail', () => {
  test('text without any action, twice: the human who asked is told once, with the agent last words', async () => {
    const root = defaultFaultOrg();
    humanSends(root, 'manager', 'Plan the release.');
    let calls = 0;
    const provider = new ScriptedProvider((request) => (request.agent === 'manager' ? { text: `Let me think about the release (${(calls += 1)}).` } : {}));
    const events = await runScripted(root, provider);

    expect(requestsOf(provider, 'manager')).toHaveLength(2);
    const notices = readHumanNotices(root).filter((notice) => notice.subject === 'manager has not acted on your message');
    expect(notices).toHaveLength(1);
    expect(notices[0]?.body).toMatch(/in 2 calls in a row did nothing with them/);
    expect(notices[0]?.body).toMatch(/000000-human-001/);
    expect(notices[0]?.body).toMatch(/Its last words:\nLet me think about the release \(2\)\./);
    expect(eventsOf(events, 'run-finished')[0]?.reason).toBe('idle');
    expect(checkInvariants(root, { requests: provider.requests })).toEqual([]);
  });

  test('a call that fails twice: the agent that sent the mail is told the model failed, with the error, never that the agent did nothing', async () => {
    const root = defaultFaultOrg();
    humanSends(root, 'manager', 'Plan the release.');
    const provider = new ScriptedProvider((request) => {
      if (request.agent === 'planner') return new Error('the model ran out of memory');
      if (request.agent === 'manager' && request.turn === 1) return { toolCalls: [sendCall('planner', 'Split the release into tasks.', { subject: 'Tasks' })] };
      return {};
    });
    await runScripted(root, provider, { maxTurns: 4 });

    // Turns 2 and 3 fail; in turn 4 the manager reads why.
    const inbox = inboxOf(requestsOf(provider, 'manager').find((request) => request.turn === 4));
    const notice = inbox.find((item) => item.subject === 'planner could not act on your message: its model failed');
    expect(notice?.body).toMatch(/planner was shown your message\(s\), and its model failed in 2 calls in a row/);
    expect(notice?.body).toMatch(/000001-manager-001 \("Tasks"\)/);
    expect(notice?.body).toMatch(/The last failure:\nthe model ran out of memory/);
    expect(notice?.body).not.toMatch(/did nothing|last words/);
    expect(readHumanNotices(root).filter((item) => item.subject.includes('has not acted') || item.subject.includes('could not act'))).toEqual([]);
  });

  test('a model whose server answers 404: the human who asked is told the model failed and how, not that the manager did nothing', async () => {
    const root = defaultFaultOrg();
    humanSends(root, 'manager', 'Plan the release.');
    const provider = new ScriptedProvider((request) => (request.agent === 'manager' ? new Error('404 Not Found: the model "gpt-4o-mni" does not exist') : {}));
    await runScripted(root, provider, { maxTurns: 3 });
    const notices = readHumanNotices(root).filter((notice) => notice.subject.startsWith('manager '));
    expect(notices.map((notice) => notice.subject)).toContain('manager could not act on your message: its model failed');
    expect(notices.find((notice) => notice.subject.includes('could not act'))?.body).toMatch(/The last failure:\n404 Not Found: the model "gpt-4o-mni" does not exist/);
    expect(notices.filter((notice) => /has not acted|did nothing/.test(`${notice.subject}\n${notice.body}`))).toEqual([]);
  });

  test('one call answered without acting and one that failed: the count says how many failed, and the last failure is quoted', async () => {
    const root = defaultFaultOrg();
    humanSends(root, 'manager', 'Plan the release.');
    const provider = new ScriptedProvider((request) =>
      request.agent !== 'manager' ? {} : request.turn === 1 ? { text: 'Let me think.' } : new Error('503 Service Unavailable'),
    );
    await runScripted(root, provider, { maxTurns: 2 });
    const notice = readHumanNotices(root).find((item) => item.subject === 'manager has not acted on your message');
    expect(notice?.body).toMatch(/in 2 calls in a row did nothing with them \(1 of them failed\)/);
    expect(notice?.body).toMatch(/The last failure:\n503 Service Unavailable/);
  });

  test('an agent that acts is never reported', async () => {
    const root = defaultFaultOrg();
    humanSends(root, 'manager', 'Plan the release.');
    const provider = new ScriptedProvider((request) =>
      request.agent === 'manager' && request.turn === 1 ? { text: 'Thinking.' } : request.agent === 'manager' && request.turn === 2 ? { toolCalls: [sendCall('human', 'Here is the plan.')] } : {},
    );
    await runScripted(root, provider);
    expect(readHumanNotices(root).filter((item) => item.subject.includes('has not acted'))).toEqual([]);
  });
});

describe('dead ends across a crash', () => {
  test('a turn stopped once its calls were answered keeps each count in its journal: the next run finishes it, counting once and telling the human once', async () => {
    const root = defaultFaultOrg();
    humanSends(root, 'manager', 'Plan the release.');
    const stop = new AbortController();
    const thinking = (request: { agent: string; turn: number }) => {
      // The stop comes while the manager's second call is in flight: its answer is journaled and applied, the turn is not committed.
      if (request.agent === 'manager' && request.turn === 2) stop.abort();
      return request.agent === 'manager' ? { text: `Thinking (turn ${request.turn}).` } : {};
    };
    const first = new ScriptedProvider(thinking);
    await runScripted(root, first, { signal: stop.signal });
    expect(requestsOf(first, 'manager').map((request) => request.turn)).toEqual([1, 2]);
    // The file is written at a turn's end: it still holds turn 1's count, and the journal holds turn 2's.
    const saved = JSON.parse(readFileSync(join(root, 'org/state/dead-ends.json'), 'utf8')) as { agents: Record<string, { calls: number }> };
    expect(saved.agents.manager?.calls).toBe(1);
    expect(readHumanNotices(root).filter((notice) => notice.subject === 'manager has not acted on your message')).toEqual([]);

    const second = new ScriptedProvider(thinking);
    await runScripted(root, second);
    // Turn 2 is finished from its journal, not asked again; its count is taken once.
    expect(requestsOf(second, 'manager')).toEqual([]);
    const after = JSON.parse(readFileSync(join(root, 'org/state/dead-ends.json'), 'utf8')) as { agents: Record<string, { calls: number; lastTurn: number }> };
    expect(after.agents.manager).toMatchObject({ calls: 2, lastTurn: 2 });
    const notices = readHumanNotices(root).filter((notice) => notice.subject === 'manager has not acted on your message');
    expect(notices).toHaveLength(1);
    expect(notices[0]?.body).toMatch(/in 2 calls in a row did nothing with them/);
    expect(checkInvariants(root, { requests: [...first.requests, ...second.requests] })).toEqual([]);
  });

  test('a turn finished after a crash counts its call once and makes the same notices again, not new ones', async () => {
    const { DeadEnds } = await import('../../src/engine/turn/dead-ends.js');
    const { loadOrg } = await import('../../src/org/load-org-once.js');
    const root = defaultFaultOrg();
    const { org } = loadOrg(root);
    const shown = [{ kind: 'message' as const, id: '000000-human-001', from: 'human', to: 'manager', turn: 0, file: 'agents/human/outbox/000000-001-manager.md', priority: 'normal' as const }];
    const call = { acted: false, shown, lastText: 'Thinking.' };
    const first = DeadEnds.load(root);
    expect(first.record(org, 'manager', 1, call).humanNotices).toEqual([]);
    first.save();
    const told = DeadEnds.load(root).record(org, 'manager', 2, call);
    expect(told.humanNotices).toHaveLength(1);
    // Saved, then killed before the turn committed: the turn is finished again by a new process.
    const second = DeadEnds.load(root);
    second.record(org, 'manager', 2, call);
    second.save();
    const again = DeadEnds.load(root);
    const retold = again.record(org, 'manager', 2, call);
    expect(retold).toEqual(told);
    expect(retold.humanNotices[0]?.body).toMatch(/in 2 calls in a row/);
  });
});
