import { describe, expect, test } from 'vitest';
import { escalationStorms } from '../../src/analysis/failures/escalation-storms.js';
import { pingPongs } from '../../src/analysis/failures/ping-pong.js';
import { repeatedMessages } from '../../src/analysis/failures/repeated-messages.js';
import type { MessageRecord, OrgRecords } from '../../src/analysis/records/org-records.js';
import { emptyBreakerState, type BreakerState } from '../../src/engine/breakers/breaker-state.js';
import { countEscalations, countPingPongs, countRepeats, type Exchanges, type MailSeen } from '../../src/engine/breakers/loop-breakers.js';
import { tripBreakers, type BreakerSettings } from '../../src/engine/breakers/trip-breakers.js';
import { readHumanInbox } from '../../src/engine/human/human-inbox.js';
import type { PendingItem } from '../../src/engine/record/engine-state.js';
import { Notifier } from '../../src/notify/notifier.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import { lemming } from '../helpers/cli.js';
import { ScriptedProvider, sendCall } from '../helpers/scripted-provider.js';
import { defaultOrg, humanSends, listOutbox, ofType, read, runEngine, write } from '../helpers/temp-org.js';
import { wireServerPerTest } from '../helpers/wire-server.js';

const webhook = wireServerPerTest();

/** planner answers every question of coder_01's with the same words; coder_01 asks something new each time. */
function repeatingModel(): ScriptedProvider {
  let round = 0;
  return new ScriptedProvider((request) => {
    round += 1;
    if (request.agent === 'manager') return { toolCalls: [sendCall('planner', 'Please plan the login page.')] };
    if (request.agent === 'planner') return { toolCalls: [sendCall('coder_01', 'Still waiting for the framework decision, please hold.')] };
    if (request.agent === 'coder_01') return { toolCalls: [sendCall('planner', `Which framework do we use? (${round})`)] };
    return {};
  });
}

function mailOnlyOrg(breakers: string): string {
  const root = defaultOrg();
  write(root, 'agents/janitor/resume.md', read(root, 'agents/janitor/resume.md').replace(/^schedule: .*\n/m, ''));
  write(root, 'org/org.yaml', read(root, 'org/org.yaml').replace('engine:\n', `engine:\n  breakers: ${breakers}\n`));
  return root;
}

describe('loops stopped as they happen (org.yaml engine.breakers)', () => {
  test('a repeated message pauses its sender; the human is told with the messages, a webhook hears it, and `lemming retry` resumes it', async () => {
    const server = await webhook(() => ({ status: 200, body: { ok: true } }));
    const root = mailOnlyOrg('{ repeated_messages: { times: 3, on: pause } }');
    write(root, 'org/org.yaml', `${read(root, 'org/org.yaml')}notify:\n  - { url_env: LOOP_HOOK, on: [loop] }\n`);
    write(root, '.env', `LOOP_HOOK=${server.url}/hooks/loop-8d03b5e1\n`);
    humanSends(root, 'manager', 'Build the login page.');
    const notifier = new Notifier(root, () => loadOrg(root).org, (command) => `lemming ${command}`);
    const events = await runEngine(root, { maxTurns: 20 }, { providerFactory: () => repeatingModel() });
    for (const event of events) notifier.observe(event);
    await notifier.settle(10_000);

    // planner wrote the same words in turns 2, 4 and 6: held as turn 7 is planned.
    const seen = ofType(events, 'loop-detected');
    expect(seen.map((event) => [event.turn, event.kind, event.agents, event.action])).toEqual([[7, 'repeated-messages', ['planner'], 'pause']]);
    expect(seen[0]?.messages.map((message) => message.file)).toEqual([
      'agents/planner/outbox/000002-001-coder_01.md',
      'agents/planner/outbox/000004-001-coder_01.md',
      'agents/planner/outbox/000006-001-coder_01.md',
    ]);
    // coder_01's answer of turn 7 is the only mail left, for a held agent: the run ends idle, the mail waiting.
    expect(ofType(events, 'run-finished')[0]).toMatchObject({ reason: 'held', heldBy: ['breaker'], lastTurn: 7 });
    expect(listOutbox(root, 'planner')).toHaveLength(3);

    const notice = readHumanInbox(root, loadOrg(root).org).notices.find((item) => item.subject === 'planner is held by a circuit breaker: repeating a message');
    expect(notice?.body).toContain('`lemming retry planner`');
    expect(notice?.body).toContain('- 000002-planner-001 (agents/planner/outbox/000002-001-coder_01.md): "Still waiting for the framework decision, please hold."');
    expect(notice?.body).toContain('- 000006-planner-001 (agents/planner/outbox/000006-001-coder_01.md)');
    const received = server.requests.map((request) => request.body as { event: string; title: string; text: string });
    expect(received.map((body) => body.event)).toEqual(['loop']);
    expect(received[0]?.title).toBe('Held: planner wrote the same text in 3 turns (2, 4, 6): "Still waiting for the framework decision, please hold."');
    expect(received[0]?.text).toContain('`lemming retry planner` calls them again.');
    // status says who is held and why.
    expect(lemming(root, ['status']).stdout).toContain('planner is held by a circuit breaker since turn 7 (repeating a message)');

    // A person answers: planner is called with its waiting mail.
    expect(lemming(root, ['retry', 'planner']).status).toBe(0);
    const after = await runEngine(root, { maxTurns: 1 }, { providerFactory: () => repeatingModel() });
    expect(ofType(after, 'agent-called').map((event) => event.agent)).toEqual(['planner']);
    expect(listOutbox(root, 'planner')).toHaveLength(4);
  });

  test('warn tells the human what was seen and holds nobody', async () => {
    const warned = mailOnlyOrg('{ repeated_messages: warn }');
    humanSends(warned, 'manager', 'Build the login page.');
    const events = await runEngine(warned, { maxTurns: 8 }, { providerFactory: () => repeatingModel() });
    expect(ofType(events, 'loop-detected').map((event) => [event.turn, event.action])).toEqual([[7, 'warn']]);
    expect(ofType(events, 'agent-skipped')).toEqual([]);
    const notice = readHumanInbox(warned, loadOrg(warned).org).notices.find((item) => item.subject.startsWith('A loop was seen (not held)'));
    expect(notice?.body).toContain('engine.breakers.repeated_messages says `warn`');
    expect(notice?.body).toContain('000004-planner-001');
  });

  test('an escalation storm: the senders held with pause, only told with warn, not counted with off', () => {
    const mail = (turn: number, from: string, index: number): PendingItem => ({
      kind: 'message',
      id: `00000${turn}-${from}-00${index}`,
      from,
      to: 'planner',
      turn,
      file: `agents/${from}/outbox/00000${turn}-00${index}-planner.md`,
      priority: 'urgent',
    });
    const input = (turn: number, newMail: PendingItem[]) => ({
      turn,
      newMail,
      ledgerOffset: 0,
      chargedSince: () => new Map<string, number>(),
      isAgent: () => true,
      released: () => false,
      managerOf: (agent: string) => (agent === 'planner' ? 'manager' : 'planner'),
      bodyOf: () => 'The build is broken again!',
      madeSomething: () => false,
    });
    const settings = (on: 'pause' | 'warn'): BreakerSettings => ({ escalation_storm: { messages: 3, turns: 2, on } });
    let state: BreakerState = emptyBreakerState();
    const first = tripBreakers(settings('pause'), state, input(2, [mail(1, 'coder_01', 1), mail(1, 'coder_02', 1)]));
    expect(first.events).toEqual([]);
    state = first.state;
    const second = tripBreakers(settings('pause'), state, input(3, [mail(2, 'coder_01', 1)]));
    expect(Object.keys(second.state.held).sort()).toEqual(['coder_01', 'coder_02']);
    expect(second.humanNotices.map((notice) => notice.subject).sort()).toEqual(['coder_01 is held by a circuit breaker: escalation storm', 'coder_02 is held by a circuit breaker: escalation storm']);
    expect(second.humanNotices[0]?.body).toContain('- 000002-coder_01-001 (agents/coder_01/outbox/000002-001-planner.md): "The build is broken again!"');

    const warned = tripBreakers(settings('warn'), first.state, input(3, [mail(2, 'coder_01', 1)]));
    expect(Object.keys(warned.state.held)).toEqual([]);
    expect(warned.humanNotices.map((notice) => notice.subject)).toEqual(['A loop was seen (not held): 3 escalations (high or urgent) reached planner within 2 turn(s), from coder_01, coder_02']);
    // Off: nothing is counted, nothing kept.
    const off = tripBreakers({ escalation_storm: { messages: 3, turns: 2, on: 'off' } }, first.state, input(3, [mail(2, 'coder_01', 1)]));
    expect([off.events, Object.keys(off.state.held)]).toEqual([[], []]);
    // Three escalations over three turns are no storm of two turns.
    const spread = tripBreakers(settings('pause'), first.state, input(4, [mail(3, 'coder_01', 1)]));
    expect(spread.events).toEqual([]);
  });

  test('the live breakers find what `lemming analyze` finds, by the same rules', () => {
    const message = (turn: number, from: string, to: string, body: string, priority: MessageRecord['priority'] = 'normal'): MessageRecord => ({ id: `${turn}-${from}-${to}`, from, to, turn, priority, body });
    const messages = [
      message(1, 'planner', 'coder_01', 'Please  HOLD.'),
      message(1, 'planner', 'coder_02', 'please hold.'),
      message(2, 'planner', 'coder_01', 'please hold.'),
      message(2, 'coder_01', 'planner', 'Help', 'urgent'),
      message(2, 'coder_02', 'planner', 'Help', 'high'),
      message(3, 'coder_01', 'planner', 'Help!', 'urgent'),
      message(3, 'coder_01', 'manager', 'Help!', 'urgent'),
    ];
    const agents = [
      { name: 'manager', isHuman: false, reportsTo: null },
      { name: 'planner', isHuman: false, reportsTo: 'manager' },
      { name: 'coder_01', isHuman: false, reportsTo: 'planner' },
      { name: 'coder_02', isHuman: false, reportsTo: 'planner' },
    ];
    const records: OrgRecords = { turn: 3, agents, messages, activity: new Map(), charges: new Map() };
    const analysed = { repeated: repeatedMessages(records).map((group) => group.from), storms: escalationStorms(records, { stormMessages: 3, stormTurns: 2 }).map((storm) => [storm.to, storm.from]) };

    let repeats = {};
    let escalations = {};
    const live = { repeated: [] as string[], storms: [] as unknown[] };
    const managerOf = (name: string) => agents.find((agent) => agent.name === name)?.reportsTo;
    for (const turn of [1, 2, 3]) {
      const mail: MailSeen[] = messages.filter((item) => item.turn === turn).map((item) => ({ ...item, file: `${item.id}.md` }));
      const bodyOf = (ref: { file: string }) => messages.find((item) => `${item.id}.md` === ref.file)?.body ?? '';
      const counted = countRepeats(repeats, mail, { times: 2, within: 10, on: 'pause' }, turn + 1, bodyOf);
      repeats = counted.repeats;
      live.repeated.push(...counted.found.flatMap((seen) => seen.agents));
      const storms = countEscalations(escalations, mail, { messages: 3, turns: 2, on: 'pause' }, turn + 1, managerOf, bodyOf);
      escalations = storms.escalations;
      live.storms.push(...storms.found.map((seen) => ['planner', seen.agents]));
    }
    expect(analysed).toEqual({ repeated: ['planner'], storms: [['planner', ['coder_01', 'coder_02']]] });
    expect(live).toEqual(analysed);
  });

  test('the ping-pong breaker counts each exchange as `lemming analyze` does: in the same turns, taking turns, in cc, with a third agent, a file made, a person, a nag', () => {
    type Sent = [turn: number, from: string, readers: string[]];
    const agents = ['ada', 'bo', 'cy', 'human'].map((name) => ({ name, isHuman: name === 'human', reportsTo: null }));
    /** Each story: what was sent (readers in order, as `to:` then `cc:` or a list's members reach them), who made something when, and the exchanges analyze finds at 2. */
    const stories: Array<{ name: string; sent: Sent[]; made?: Array<[number, string]>; found: Array<[count: number, from: number, to: number]> }> = [
      { name: 'in the same turns', sent: [[1, 'ada', ['bo']], [1, 'bo', ['ada']], [2, 'ada', ['bo']], [2, 'bo', ['ada']], [3, 'ada', ['bo']], [3, 'bo', ['ada']]], found: [[6, 1, 3]] },
      { name: 'taking turns, a quiet turn between', sent: [[1, 'ada', ['bo']], [2, 'bo', ['ada']], [4, 'ada', ['bo']], [5, 'bo', ['ada']]], found: [[4, 1, 5]] },
      { name: 'to a person, the partner in cc', sent: [[1, 'ada', ['human', 'bo']], [1, 'bo', ['human', 'ada']], [2, 'ada', ['human', 'bo']]], found: [[3, 1, 2]] },
      { name: 'a third agent in cc ends it', sent: [[1, 'ada', ['bo']], [2, 'bo', ['ada']], [3, 'ada', ['bo', 'cy']], [4, 'bo', ['ada']], [5, 'ada', ['bo']]], found: [[2, 1, 2], [2, 4, 5]] },
      { name: 'a file made in a quiet turn ends it', sent: [[1, 'ada', ['bo']], [2, 'bo', ['ada']], [4, 'ada', ['bo']], [5, 'bo', ['ada']]], made: [[3, 'bo']], found: [[2, 1, 2], [2, 4, 5]] },
      { name: 'the same way twice starts again', sent: [[1, 'ada', ['bo']], [2, 'ada', ['bo']], [3, 'bo', ['ada']], [3, 'cy', ['ada']]], found: [[2, 2, 3]] },
    ];
    for (const story of stories) {
      const messages: MessageRecord[] = story.sent.map(([turn, from, readers], index) => ({ id: `00000${turn}-${from}-00${index}`, from, to: readers[0] as string, ...(readers.length > 1 ? { others: readers.slice(1) } : {}), turn, priority: 'normal', body: `message ${index}` }));
      const activity = new Map<string, Map<number, { called: boolean; read: string[]; madeSomething: boolean }>>();
      for (const [turn, agent] of story.made ?? []) activity.set(agent, new Map([[turn, { called: true, read: [], madeSomething: true }]]));
      const analysed = pingPongs({ turn: 6, agents, messages, activity, charges: new Map() }, { pingPongMessages: 2 });
      expect(analysed.map((found) => [found.messages, found.fromTurn, found.toTurn]), story.name).toEqual(story.found);

      // The breaker, turn by turn, on each turn's new mail as the engine has it: one item per agent reader (a person's mail is kept for nobody).
      let pairs: Exchanges = {};
      const live: Array<[number, number, number]> = [];
      for (let turn = 1; turn <= 6; turn += 1) {
        const mail: MailSeen[] = messages.filter((message) => message.turn === turn).flatMap((message) => [message.to, ...(message.others ?? [])].filter((reader) => reader !== 'human').map((to) => ({ id: message.id, from: message.from, to, turn, file: `${message.id}.md`, priority: 'normal' as const })));
        const look = { isAgent: (name: string) => name !== 'human', madeSomething: (agent: string) => activity.get(agent)?.get(turn)?.madeSomething === true, bodyOf: () => '' };
        const before = pairs;
        // Set never to trip (a trip starts the count again): each exchange's count as it ended is what analyze reports whole.
        pairs = countPingPongs(pairs, mail, { messages: 1000, on: 'warn' }, turn + 1, look).pairs;
        for (const [key, exchange] of Object.entries(before)) {
          const after = pairs[key];
          if (exchange.count >= 2 && (after === undefined || after.since !== exchange.since)) live.push([exchange.count, exchange.since, exchange.turn]);
        }
      }
      for (const exchange of Object.values(pairs)) if (exchange.count >= 2) live.push([exchange.count, exchange.since, exchange.turn]);
      expect(live, story.name).toEqual(story.found);
    }
  });
});
