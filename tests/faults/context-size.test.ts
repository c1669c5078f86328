import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createProviderFactory } from '../../src/providers/create-provider.js';
import { startWireServer, type ReceivedRequest, type WireServer } from '../helpers/wire-server.js';
import { eventsOf, humanSends, runOrg } from './fault-org.js';
import { checkInvariants } from './invariants.js';
import { logEvents, readOrgRecord } from './org-record.js';
import { agentOf, answer, KEYS, OPENAI_KEY, ANTHROPIC_KEY, wireOrg } from './wire-org.js';

/** How many messages a request's prompt shows. */
function shownIn(request: ReceivedRequest): number {
  const user = String(request.body.messages?.at(-1)?.content ?? '');
  return (user.match(/<message id=/g) ?? []).length;
}

describe('a server whose context is smaller than the registry says', () => {
  let server: WireServer;
  beforeAll(async () => {
    // Like llama.cpp with a small context: a prompt showing more than one message does not fit.
    server = await startWireServer((request) => {
      if (agentOf(request) === 'manager' && shownIn(request) > 1) {
        return { status: 400, body: { error: { code: 400, message: 'the request exceeds the available context size, try increasing it', type: 'exceed_context_size_error' } } };
      }
      return agentOf(request) === 'manager' ? answer(request, { to: 'human', body: 'On it.' }) : answer(request);
    });
  });
  afterAll(() => server.close());

  test('a context-length error is tried once more with fewer messages; the rest wait and the prompt says so; nothing counts as a failure', async () => {
    const root = wireOrg(server.url);
    for (const body of ['First task.', 'Second task.', 'Third task.']) humanSends(root, 'manager', body);
    const events = await runOrg(root, {}, { providerFactory: createProviderFactory({ root, env: KEYS }) });

    expect(eventsOf(events, 'agent-error')).toEqual([]);
    const manager = server.requests.filter((request) => agentOf(request) === 'manager');
    // Turn 1: three shown, refused; one shown, answered. Turn 2: two, refused; one, answered. Turn 3: one.
    expect(manager.map(shownIn)).toEqual([3, 1, 2, 1, 1]);
    expect(String(manager[1]?.body.messages.at(-1).content)).toMatch(/2 more message\(s\) are waiting and will be shown in a later turn: your context holds 1 messages/);
    const record = readOrgRecord(root);
    expect(logEvents(record, 'manager', 'note').map((entry) => entry.message)).toEqual([
      expect.stringMatching(/^the server said the prompt did not fit its context \(.*exceeds the available context size.*\); asked again showing 1 of 3 message\(s\), the rest wait/),
      expect.stringMatching(/asked again showing 1 of 2 message\(s\)/),
    ]);
    expect(logEvents(record, 'manager', 'read').flatMap((entry) => entry.ids as string[])).toHaveLength(3);
    expect(checkInvariants(root, { secrets: [OPENAI_KEY, ANTHROPIC_KEY] })).toEqual([]);
  });
});
