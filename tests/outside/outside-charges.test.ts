import { afterEach, describe, expect, test } from 'vitest';
import { createProviderFactory } from '../../src/providers/create-provider.js';
import { lemming } from '../helpers/cli.js';
import { recordingSleep } from '../helpers/provider-requests.js';
import { humanSends, ofType, runEngine } from '../helpers/temp-org.js';
import { startWireServer, type WireReply, type WireServer } from '../helpers/wire-server.js';
import { checkInvariants } from '../faults/invariants.js';
import { chargeLines, outsideOrg, type AgentStep } from './outside-org.js';

// What an outside agent's call costs (docs/outside-agents.md, "What a call costs, however it ends"): a call that ran the
// program, or that the endpoint answered, costs its price per call whatever its ending, plus the
// tokens it reported; each retry ran, so each is charged. Prices of tokens are 0 here, so the ledger
// must hold exactly PRICE × the calls that ran.
const PRICE = 0.5;
const priced = { input_price: 0, output_price: 0, price_per_call: PRICE };

/** Every credit the ledger charged, summed exactly (in billionths). */
function charged(root: string): number {
  return chargeLines(root).reduce((sum, line) => sum + Math.round(line.credits * 1e9), 0) / 1e9;
}

function runInstantly(root: string, env?: Record<string, string>) {
  const sleeps = recordingSleep();
  return runEngine(root, {}, { providerFactory: createProviderFactory({ root, sleep: sleeps.sleep, ...(env ? { env } : {}) }) });
}

describe('an agent program is charged its price per call for every run, however it ends', () => {
  const endings: Array<{ name: string; entry: Record<string, unknown>; step: AgentStep; runs: number }> = [
    { name: 'a flood past max_output_bytes (not retried)', entry: { max_output_bytes: 1000 }, step: { flood: 50_000 }, runs: 1 },
    { name: 'a non-zero exit (retried once)', entry: {}, step: { exit: 3, stderr: 'quota exceeded\n' }, runs: 2 },
    // Room for Node to start the program and log its call on a busy machine; the hang outlasts any.
    { name: 'no answer within timeout_ms (retried once)', entry: { timeout_ms: 3000 }, step: { hang: true }, runs: 2 },
    { name: 'garbage on stdout (not retried)', entry: {}, step: { garbage: true }, runs: 1 },
  ];
  for (const { name, entry, step, runs } of endings) {
    test(`${name}: ${runs} × its price per call in turn 1, and money conserved`, async () => {
      const org = outsideOrg({ provider: 'command', max_retries: 1, ...priced, ...entry }, { credits: 100 });
      org.plan({ manager: [step, step, { say: 'Nothing more.' }] });
      humanSends(org.root, 'manager', 'Go.');
      const events = await runInstantly(org.root);

      expect(ofType(events, 'agent-error')[0]).toMatchObject({ turn: 1, agent: 'manager' });
      const turnOne = org.calls().filter((call) => call.turn === 1).length;
      expect(turnOne).toBe(runs);
      expect(chargeLines(org.root).filter((line) => line.turn === 1)).toEqual([expect.objectContaining({ agent: 'manager', model: 'agent', input_tokens: 0, output_tokens: 0, credits: PRICE * runs })]);
      // Every run of the program, in every turn, and nothing else.
      expect(charged(org.root)).toBe(PRICE * org.calls().length);
      expect(checkInvariants(org.root)).toEqual([]);
    });
  }

  test('a program that exits non-zero after reporting its usage is charged the tokens too', async () => {
    const org = outsideOrg({ provider: 'command', max_retries: 0, input_price: 1000, output_price: 2000, price_per_call: PRICE }, { credits: 100 });
    org.plan({ manager: [{ exit: 1, stdout: '{"usage": {"input_tokens": 3000, "output_tokens": 1}}\n' }, { say: 'Nothing more.' }] });
    humanSends(org.root, 'manager', 'Go.');
    await runInstantly(org.root);
    expect(chargeLines(org.root).filter((line) => line.turn === 1)).toEqual([expect.objectContaining({ input_tokens: 3000, output_tokens: 1, credits: 3 + 0.002 + PRICE })]);
    expect(checkInvariants(org.root)).toEqual([]);
  });

  for (const point of ['after-ledger', 'before-commit']) {
    test(`an engine killed at ${point}, after a failed run was journaled: the run is not made again, its charge neither lost nor repeated`, () => {
      const org = outsideOrg({ provider: 'command', max_retries: 0, ...priced }, { credits: 100 });
      org.plan({ manager: [{ exit: 3 }, { say: 'Nothing more.' }, { say: 'Nothing more.' }] });
      humanSends(org.root, 'manager', 'Go.');
      expect(lemming(org.root, ['run', '--plain'], { LEMMING_CRASH_AT: `${point}:1` }).signal).toBe('SIGKILL');
      expect(lemming(org.root, ['run', '--plain']).status).toBe(0);
      expect(org.calls().filter((call) => call.turn === 1)).toHaveLength(1);
      expect(chargeLines(org.root).filter((line) => line.turn === 1)).toEqual([expect.objectContaining({ credits: PRICE })]);
      expect(charged(org.root)).toBe(PRICE * org.calls().length);
      expect(checkInvariants(org.root)).toEqual([]);
    });
  }

  test('with no price per call and no usage reported, a failed run charges nothing and writes no charge line', async () => {
    const org = outsideOrg({ provider: 'command', max_retries: 0, input_price: 1, output_price: 1, price_per_call: 0 }, { credits: 100 });
    org.plan({ manager: [{ exit: 2 }, { say: 'Nothing more.' }] });
    humanSends(org.root, 'manager', 'Go.');
    await runInstantly(org.root);
    expect(chargeLines(org.root).filter((line) => line.turn === 1)).toEqual([]);
    expect(checkInvariants(org.root)).toEqual([]);
  });
});

describe('an HTTP agent is charged its price per call for every answer it gave, whatever the status but 4xx', () => {
  let server: WireServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const cases: Array<{ name: string; replies: WireReply[]; entry?: Record<string, unknown>; charged: number }> = [
    // 5xx: it failed while working; each attempt answered, each is charged.
    { name: '500, 503 and 502 (retried, each charged)', replies: [{ status: 500, body: 'boom' }, { status: 503, body: 'busy' }, { status: 502, body: 'bad gateway' }], charged: 3 },
    // 4xx: it refused the request before doing anything.
    { name: '401 and 429 (refusals: charged nothing)', replies: [{ status: 429, body: 'slow down' }, { status: 429, body: 'slow down' }, { status: 401, body: 'who?' }], charged: 0 },
    { name: 'an answer over max_output_bytes (not retried, charged)', entry: { max_output_bytes: 100 }, replies: [{ body: { text: 'x'.repeat(5000) } }], charged: 1 },
    { name: 'an answer that is not JSON (not retried, charged)', replies: [{ body: '<html>Gateway</html>' }], charged: 1 },
    { name: 'no answer within timeout_ms (retried, charged nothing)', entry: { timeout_ms: 300 }, replies: [{ hang: true }, { hang: true }, { hang: true }], charged: 0 },
  ];
  for (const { name, replies, entry, charged: answersCharged } of cases) {
    test(`${name}: ${answersCharged} × its price per call`, async () => {
      const calls: number[] = [];
      server = await startWireServer((_request, index) => {
        calls.push(index);
        return index < replies.length ? (replies[index] ?? { status: 500 }) : { body: { text: 'Nothing more.' } };
      });
      const org = outsideOrg({ provider: 'http', url: server.url, max_retries: 2, ...priced, ...entry }, { credits: 100 });
      humanSends(org.root, 'manager', 'Go.');
      await runInstantly(org.root);
      expect(chargeLines(org.root).filter((line) => line.turn === 1)).toEqual(answersCharged === 0 ? [] : [expect.objectContaining({ credits: PRICE * answersCharged })]);
      expect(checkInvariants(org.root)).toEqual([]);
    });
  }
});
