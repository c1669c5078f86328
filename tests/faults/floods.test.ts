import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { formatEvent } from '../../src/cli/format-event.js';
import { groupRefusals } from '../../src/engine/turn/refusal-groups.js';
import { createProviderFactory } from '../../src/providers/create-provider.js';
import { ScriptedProvider, sendCall } from '../helpers/scripted-provider.js';
import { anthropicMessage, chatCompletion } from '../helpers/vendor-bodies.js';
import { startWireServer, type WireServer } from '../helpers/wire-server.js';
import { defaultFaultOrg, eventsOf, humanSends, runOrg, runScripted } from './fault-org.js';
import { checkInvariants } from './invariants.js';
import { logEvents, readOrgRecord } from './org-record.js';
import { agentOf, answer, KEYS, OPENAI_KEY, ANTHROPIC_KEY, wireOrg } from './wire-org.js';

describe('floods and cut answers', () => {
  let server: WireServer;
  let managerCalls = 0;
  let coderCalls = 0;
  beforeAll(async () => {
    server = await startWireServer((request) => {
      if (agentOf(request) === 'coder' && (coderCalls += 1) === 1) {
        // The coder's first answer is prose, stopped at the cap in mid-sentence: no action in it.
        return { body: anthropicMessage({ text: 'Here is how I would build it: first the parser, then the', stopReason: 'max_tokens', usage: { input_tokens: 300, output_tokens: 256 } }) };
      }
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

  test('an action cut at the output cap is reported once, as cut, not also as an invalid call; prose cut at the cap is not said to have cut an action', async () => {
    const root = wireOrg(server.url);
    humanSends(root, 'manager', 'Build the thing.');
    const events = await runOrg(root, {}, { providerFactory: createProviderFactory({ root, env: KEYS }) });

    const notes = eventsOf(events, 'agent-note').filter((event) => event.agent === 'manager');
    expect(notes.filter((event) => event.turn === 1).map((event) => event.message)).toEqual([
      'the answer was cut at the output cap (org.yaml models.flaky-openai.max_output_tokens is not set, so a default applied); the send_message call it cut short was not carried out',
    ]);
    const coderNotes = eventsOf(events, 'agent-note').filter((event) => event.agent === 'coder' && event.turn === 2);
    expect(coderNotes.map((event) => event.message)).toEqual([
      'the answer was cut at the output cap (org.yaml models.flaky-anthropic.max_output_tokens: 256)',
      'replied in text without calling a tool; nothing was sent',
    ]);
    const record = readOrgRecord(root);
    expect(logEvents(record, 'manager', 'invalid-tool-call')).toEqual([]);
    expect(logEvents(record, 'manager', 'sent')).toMatchObject([{ to: 'coder' }]);
    // The manager never hears of its cut call as a tool call not carried out.
    const later = server.requests.filter((request) => agentOf(request) === 'manager').slice(1);
    expect(later.map((request) => JSON.stringify(request.body)).join('')).not.toMatch(/Tool calls not carried out/);
    expect(checkInvariants(root, { secrets: [OPENAI_KEY, ANTHROPIC_KEY] })).toEqual([]);
  });
});

describe('the output cap note', () => {
  /** The manager's notes in turn 1, its log's invalid calls, and who it sent to, for one answer. */
  async function managerAnswers(answer: ConstructorParameters<typeof ScriptedProvider>[0]) {
    const root = defaultFaultOrg();
    humanSends(root, 'manager', 'Plan the release.');
    const provider = new ScriptedProvider((request) => (request.agent === 'manager' && request.turn === 1 ? answer(request) : {}));
    const events = await runScripted(root, provider, { maxTurns: 1 });
    const record = readOrgRecord(root);
    return {
      // The cap's notes: an answer in prose also gets the note that it called no tool.
      notes: eventsOf(events, 'agent-note').filter((event) => event.agent === 'manager' && /output cap/.test(event.message)).map((event) => event.message),
      invalid: logEvents(record, 'manager', 'invalid-tool-call'),
      sent: logEvents(record, 'manager', 'sent').map((entry) => entry.to),
    };
  }
  const CAP = /^the answer was cut at the output cap \(org\.yaml models\.[\w.-]+\.max_output_tokens[^)]*\)/;

  test('prose cut at the cap says the answer was cut, and claims no action was', async () => {
    const seen = await managerAnswers(() => ({ text: 'The release has three parts. The first is the', truncated: true }));
    expect(seen.notes).toHaveLength(1);
    expect(seen.notes[0]).toMatch(CAP);
    expect(seen.notes[0]).not.toMatch(/action|call|not carried out/);
  });

  test('an answer whose last call the cap cut short: that call is named as not carried out, once; the calls before it are', async () => {
    const seen = await managerAnswers(() => ({
      toolCalls: [
        sendCall('planner', 'Split the release into tasks.'),
        { id: 'call_2', name: 'send_message', arguments: '{"to": "planner", "body": "And then', argumentsError: 'Unterminated string in JSON', cut: true },
      ],
      truncated: true,
    }));
    expect(seen.notes).toEqual([expect.stringMatching(CAP)]);
    expect(seen.notes[0]).toMatch(/; the send_message call it cut short was not carried out$/);
    expect(seen.invalid).toEqual([]);
    expect(seen.sent).toEqual(['planner']);
  });

  test('a call cut short whose arguments happen to read as valid is not carried out either', async () => {
    const seen = await managerAnswers(() => ({ toolCalls: [{ id: 'call_1', name: 'send_message', arguments: { to: 'planner', body: 'Split the release into' }, cut: true }], truncated: true }));
    expect(seen.sent).toEqual([]);
    expect(seen.notes).toEqual([expect.stringMatching(/the send_message call it cut short was not carried out$/)]);
  });

  test('a complete but invalid last call in an answer cut at the cap is still reported as invalid', async () => {
    const seen = await managerAnswers(() => ({ toolCalls: [{ id: 'call_1', name: 'deploy_everything', arguments: {} }], truncated: true }));
    expect(seen.notes).toEqual([expect.stringMatching(CAP)]);
    expect(seen.notes[0]).not.toMatch(/not carried out/);
    expect(seen.invalid).toHaveLength(1);
  });
});

describe('grouping refusals', () => {
  test('refusals of one reply for one reason are one line with the count and the first five recipients', () => {
    const refusals = ['a', 'b', 'a', 'c', 'd', 'e', 'f', 'g'].map((to) => ({ to, reason: 'over the cap', cause: 'cap' as const }));
    const groups = groupRefusals([{ to: 'x', reason: 'forbidden', cause: 'chart' }, ...refusals]);
    expect(groups).toEqual([
      { to: 'x', reason: 'forbidden', cause: 'chart', count: 1, recipients: ['x'] },
      { to: 'a', reason: 'over the cap', cause: 'cap', count: 8, recipients: ['a', 'b', 'c', 'd', 'e', '…'] },
    ]);
    const [, flood] = groups;
    const { recipients, count, ...rest } = flood as NonNullable<typeof flood>;
    expect(formatEvent({ type: 'message-refused', turn: 3, from: 'manager', ...rest, count, recipients })).toBe(
      '[turn 3] refused manager -> a, b, c, d, e, … (8 messages): over the cap',
    );
  });
});
