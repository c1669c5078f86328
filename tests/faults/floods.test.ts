import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { formatEvent } from '../../src/cli/format-event.js';
import { groupRefusals } from '../../src/engine/turn/refusal-groups.js';
import { createProviderFactory } from '../../src/providers/create-provider.js';
import { chatCompletion } from '../helpers/vendor-bodies.js';
import { startWireServer, type WireServer } from '../helpers/wire-server.js';
import { eventsOf, humanSends, runOrg } from './fault-org.js';
import { checkInvariants } from './invariants.js';
import { logEvents, readOrgRecord } from './org-record.js';
import { agentOf, answer, KEYS, OPENAI_KEY, ANTHROPIC_KEY, wireOrg } from './wire-org.js';

describe('floods and cut answers', () => {
  let server: WireServer;
  let managerCalls = 0;
  beforeAll(async () => {
    server = await startWireServer((request) => {
      if (agentOf(request) !== 'manager' || (managerCalls += 1) > 1) return answer(request, undefined, true);
      // The answer stops at the output cap in the middle of its second tool call's arguments.
      return {
        body: chatCompletion({
          toolCalls: [
            { name: 'send_message', arguments: { to: 'coder', body: 'Build it.' } },
            { name: 'send_message', arguments: '{"to": "coder", "body": "And then' },
          ],
          finishReason: 'length',
          usage: { prompt_tokens: 200, completion_tokens: 256 },
        }),
      };
    });
  });
  afterAll(() => server.close());

  test('an action cut at the output cap is reported once, as cut, not also as an invalid call', async () => {
    const root = wireOrg(server.url);
    humanSends(root, 'manager', 'Build the thing.');
    const events = await runOrg(root, {}, { providerFactory: createProviderFactory({ root, env: KEYS }) });

    const notes = eventsOf(events, 'agent-note').filter((event) => event.agent === 'manager');
    expect(notes.filter((event) => event.turn === 1).map((event) => event.message)).toEqual([expect.stringMatching(/cut at the output cap .*an action it cut short was not carried out/)]);
    const record = readOrgRecord(root);
    expect(logEvents(record, 'manager', 'invalid-tool-call')).toEqual([]);
    expect(logEvents(record, 'manager', 'sent')).toMatchObject([{ to: 'coder' }]);
    // The manager never hears of its cut call as a tool call not carried out.
    const later = server.requests.filter((request) => agentOf(request) === 'manager').slice(1);
    expect(later.map((request) => JSON.stringify(request.body)).join('')).not.toMatch(/Tool calls not carried out/);
    expect(checkInvariants(root, { secrets: [OPENAI_KEY, ANTHROPIC_KEY] })).toEqual([]);
  });
});

describe('grouping refusals', () => {
  test('refusals of one reply for one reason are one line with the count and the first five recipients', () => {
    const refusals = ['a', 'b', 'a', 'c', 'd', 'e', 'f', 'g'].map((to) => ({ to, reason: 'over the cap' }));
    const groups = groupRefusals([{ to: 'x', reason: 'forbidden' }, ...refusals]);
    expect(groups).toEqual([
      { to: 'x', reason: 'forbidden', count: 1, recipients: ['x'] },
      { to: 'a', reason: 'over the cap', count: 8, recipients: ['a', 'b', 'c', 'd', 'e', '…'] },
    ]);
    const [, flood] = groups;
    const { recipients, count, ...rest } = flood as NonNullable<typeof flood>;
    expect(formatEvent({ type: 'message-refused', turn: 3, from: 'manager', ...rest, count, recipients })).toBe(
      '[turn 3] refused manager -> a, b, c, d, e, … (8 messages): over the cap',
    );
  });
});
