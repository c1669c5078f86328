import { describe, expect, test } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { AwaitedAnswer } from '../../src/engine/human/awaited-answer.js';
import { driveUntilReply, type DriveOutcome } from '../../src/engine/human/drive-until-reply.js';
import type { EngineEvent } from '../../src/engine/events.js';
import { sendAsHuman } from '../../src/engine/human/send-as-human.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import { ScriptedProvider, sendCall } from '../helpers/scripted-provider.js';
import { defaultOrg } from '../helpers/temp-org.js';

/**
 * The manager answers the old request at once and hands the new one to the planner; the planner
 * reports back; the manager then answers the new request (threaded through the hand-off).
 */
function manager(oldId: string, newId: string) {
  return new ScriptedProvider((request) => {
    const content = request.messages[0]?.content ?? '';
    if (request.agent === 'manager' && content.includes('the old question')) {
      return { toolCalls: [sendCall('human', 'Here is the answer to the old question.', { reply_to: oldId }), sendCall('planner', 'Plan the new one.', { reply_to: newId })] };
    }
    if (request.agent === 'planner') return { toolCalls: [sendCall('manager', 'Planned.')] };
    if (request.agent === 'manager' && content.includes('Planned.')) return { toolCalls: [sendCall('human', 'The new one is planned.')] };
    return {};
  });
}

async function drive(engine: Engine, awaiting: AwaitedAnswer): Promise<{ outcome: DriveOutcome; events: EngineEvent[]; waiting: Array<string | undefined> }> {
  const events: EngineEvent[] = [];
  const waiting: Array<string | undefined> = [];
  const run = driveUntilReply(engine, { maxTurns: 10, awaiting });
  for (;;) {
    const next = await run.next();
    if (next.done) return { outcome: next.value, events, waiting };
    events.push(next.value);
    waiting.push(awaiting.describe());
  }
}

describe('chat --drive waits for the answer to the request made last', () => {
  test('an older request answered first does not end the drive; the new one answered does', async () => {
    const root = defaultOrg();
    const org = loadOrg(root).org;
    const old = sendAsHuman(root, org, { to: 'manager', body: 'the old question' }).message.id;
    const fresh = sendAsHuman(root, org, { to: 'manager', body: 'the new question' }).message.id;
    const provider = manager(old, fresh);
    const engine = Engine.open({ root, providerFactory: () => provider, clock: () => new Date('2026-01-01T00:00:00.000Z') });
    const awaiting = new AwaitedAnswer();
    awaiting.expect({ id: fresh, to: 'manager', title: 'the new question' });
    let result;
    try {
      result = await drive(engine, awaiting);
    } finally {
      engine.close();
    }
    const toHuman = result.events.flatMap((event) => (event.type === 'message-delivered' && event.message.to === 'human' ? [event.message.id] : []));
    // The old answer came in turn 1; the drive went on to the new one's in turn 3.
    expect(toHuman).toEqual(['000001-manager-001', '000003-manager-001']);
    expect(result.outcome).toMatchObject({ reason: 'replied', turns: 3, answer: '000003-manager-001' });
    // While it drove, it said what it waited for, and who had the request.
    expect(result.waiting).toContain(`an answer to "the new question" (${fresh}), now with planner`);
  });
});
