import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createProviderFactory } from '../../src/providers/create-provider.js';
import { recordingSleep } from '../helpers/provider-requests.js';
import { errorBody } from '../helpers/vendor-bodies.js';
import { startWireServer, type ReceivedRequest, type WireReply, type WireServer } from '../helpers/wire-server.js';
import { eventsOf, humanSends, runOrg } from './fault-org.js';
import { checkInvariants } from './invariants.js';
import { logEvents, readOrgRecord } from './org-record.js';
import { agentOf, answer, KEYS, OPENAI_KEY, ANTHROPIC_KEY, wireOrg } from './wire-org.js';

type Step = WireReply | ((request: ReceivedRequest) => WireReply);

describe('a model server that misbehaves', () => {
  let server: WireServer;
  const script = new Map<string, Step[]>();
  beforeAll(async () => {
    server = await startWireServer((request) => {
      const step = script.get(agentOf(request))?.shift() ?? ((quiet: ReceivedRequest) => answer(quiet, undefined, false));
      return typeof step === 'function' ? step(request) : step;
    });
  });
  afterAll(() => server.close());

  test('429 bursts with Retry-After, 500s, a hang past the timeout, a reset mid-body and missing usage: retried, or the mail waits; nothing lost or charged twice', async () => {
    // The coder's first call hangs past this timeout; the others are answered well within it, whatever the load.
    const root = wireOrg(server.url, { timeoutMs: 3000 });
    humanSends(root, 'manager', 'Build the thing.');
    script.set('manager', [
      { status: 429, headers: { 'retry-after': '2' }, body: errorBody('Rate limit reached', 'rate_limit_error') },
      { status: 429, headers: { 'retry-after-ms': '150' }, body: errorBody('Rate limit reached', 'rate_limit_error') },
      { status: 500, body: errorBody('The server had an error') },
      (request) => answer(request, { to: 'coder', body: 'Build it.' }),
    ]);
    script.set('coder', [
      { hang: true },
      (request) => ({ ...answer(request, { to: 'manager', body: 'half an answer' }), resetMidBody: true }),
      { status: 529, body: errorBody('Overloaded', 'overloaded_error') },
      // Its next turn: an answer that reports no usage, as many local servers do.
      (request) => answer(request, { to: 'manager', body: 'Built.' }, false),
    ]);
    const sleeps = recordingSleep();
    const events = await runOrg(root, {}, { providerFactory: createProviderFactory({ root, env: KEYS, sleep: sleeps.sleep }) });

    expect(sleeps.waits.slice(0, 2)).toEqual([2000, 150]);
    expect(sleeps.waits).toHaveLength(5);
    expect(eventsOf(events, 'agent-error')).toMatchObject([{ turn: 2, agent: 'coder', message: expect.stringMatching(/529 Overloaded.*gave up after 3 attempts/) }]);
    // Turn 4: the manager reads the report and answers in text; turn 5: it reads the notice that nothing was sent.
    expect(eventsOf(events, 'run-finished')[0]).toMatchObject({ reason: 'idle', turns: 5 });
    const record = readOrgRecord(root);
    expect(logEvents(record, 'manager', 'note').map((entry) => entry.message)).toContainEqual(expect.stringMatching(/^answered on attempt 4 of 4, after: .*429.*waited 2\.0 s.*waited 0\.\d s.*500/));
    expect(logEvents(record, 'coder', 'error')).toMatchObject([{ turn: 2, message: expect.stringMatching(/gave up after 3 attempts/) }]);
    expect(logEvents(record, 'coder', 'charged')).toMatchObject([{ turn: 3, estimated: true }]);
    expect(checkInvariants(root, { secrets: [OPENAI_KEY, ANTHROPIC_KEY] })).toEqual([]);
  });
});
