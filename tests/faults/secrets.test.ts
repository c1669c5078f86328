import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createProviderFactory } from '../../src/providers/create-provider.js';
import { errorBody } from '../helpers/vendor-bodies.js';
import { startWireServer, type ReceivedRequest, type WireServer } from '../helpers/wire-server.js';
import { eventsOf, humanSends, readText, runOrg, writeFile } from './fault-org.js';
import { checkInvariants } from './invariants.js';
import { scratchDir } from './scratch.js';
import { agentOf, answer, ANTHROPIC_KEY, OPENAI_KEY, wireOrg } from './wire-org.js';

/** Whatever credentials the request carried, as a careless (or hostile) server would repeat them. */
function echoed(request: ReceivedRequest): string {
  return `authorization=${String(request.headers.authorization)} x-api-key=${String(request.headers['x-api-key'])}`;
}

describe('API keys', () => {
  let server: WireServer;
  beforeAll(async () => {
    let managerCalls = 0;
    server = await startWireServer((request) => {
      if (agentOf(request) === 'manager') {
        managerCalls += 1;
        if (managerCalls === 1) return { status: 400, body: errorBody(`Bad request from ${echoed(request)}`, 'invalid_request_error') };
        if (managerCalls === 2) return answer(request, { to: 'coder', body: `Build it. (${echoed(request)})` });
        return answer(request);
      }
      return answer(request, { to: 'manager', body: `Built, says ${echoed(request)}` });
    });
  });
  afterAll(() => server.close());

  test('a server that echoes the key, in an error or in an answer, never gets it into a file under the root or the cassette', async () => {
    const root = wireOrg(server.url);
    // One key from the environment, one from the root's .env: both are cut out wherever a server repeats them.
    writeFile(root, '.env', `FAULT_ANTHROPIC_KEY=${ANTHROPIC_KEY}\n`);
    humanSends(root, 'manager', 'Build the thing.');
    const cassette = join(scratchDir('lemming-cassette-'), 'run.jsonl');
    const providerFactory = createProviderFactory({ root, env: { FAULT_OPENAI_KEY: OPENAI_KEY }, record: cassette });
    const events = await runOrg(root, {}, { providerFactory });

    expect(eventsOf(events, 'agent-error')).toMatchObject([{ agent: 'manager', message: expect.stringContaining('Bad request from authorization=Bearer [api key]') }]);
    expect(readText(root, 'agents/manager/outbox/000002-001-coder.md')).toContain('authorization=Bearer [api key]');
    expect(readText(root, 'agents/coder/outbox/000003-001-manager.md')).toContain('[api key]');
    expect(server.requests.some((request) => echoed(request).includes(OPENAI_KEY))).toBe(true);
    expect(server.requests.some((request) => echoed(request).includes(ANTHROPIC_KEY))).toBe(true);
    expect(checkInvariants(root, { secrets: [OPENAI_KEY, ANTHROPIC_KEY], alsoSearch: [cassette] })).toEqual([]);
  });
});
