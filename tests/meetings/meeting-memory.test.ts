import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import type { EngineEvent } from '../../src/engine/events.js';
import { sendAsHuman } from '../../src/engine/human/send-as-human.js';
import { parseMemoryFile } from '../../src/memory/memory-file.js';
import { REFLECTION_REQUEST_ELEMENT } from '../../src/mailbox/prompt-markup.js';
import { initialRunState, reduceRun } from '../../src/ui/run/run-state.js';
import { capturingFactory, recalledFiles, streamFiles } from '../helpers/memory-org.js';
import { defaultOrg, humanSends, ofType, read, runEngine, write } from '../helpers/temp-org.js';
import { OfflineProvider } from '../../src/providers/offline/offline-provider.js';
import { lemmingAsync } from '../helpers/cli.js';
import type { ProviderRequest } from '../../src/providers/provider.js';

const CODE = '4417-K';
const MEETING_TURN = 8;
const TRANSCRIPT = `org/meetings/storage/${String(MEETING_TURN).padStart(6, '0')}.md`;

/**
 * The default org (with memory, or without), the manager told a fact plainly at turn 1 and given a
 * task every other turn, then gathering the planner and hr at turn 8 for an agenda that asks for the
 * fact. Mail for the manager waits while it is in the meeting. The events and the requests of the run.
 */
async function meetingAfterAFact(memory: string | undefined): Promise<{ root: string; events: EngineEvent[]; requests: ReturnType<typeof capturingFactory>['requests'] }> {
  const root = defaultOrg();
  const orgYaml = join(root, 'org/org.yaml');
  writeFileSync(orgYaml, `${readFileSync(orgYaml, 'utf8').replace('history: { keep: true }', 'history: { keep: false }')}${memory !== undefined ? `\nmemory: ${memory}\n` : ''}`);
  write(root, 'org/meetings/storage.yaml', ['attendees: [manager, planner, hr]', 'rounds: 2', 'agenda: Who holds the code of the storage room, and what is the code?', `turn: ${MEETING_TURN}`, ''].join('\n'));
  const { requests, providerFactory } = capturingFactory();
  const engine = Engine.open({ root, providerFactory });
  const events: EngineEvent[] = [];
  try {
    for (let turn = 1; turn <= MEETING_TURN + 1; turn += 1) {
      if (turn === 1) sendAsHuman(root, engine.currentOrg, { to: 'manager', subject: 'Storage room', body: `For your information: the code of the storage room is ${CODE}.` });
      else if (turn % 2 === 0 || turn === MEETING_TURN - 1) sendAsHuman(root, engine.currentOrg, { to: 'manager', subject: `Task ${turn}`, body: `Please count the chairs in meeting room ${turn} and report the number.` });
      for await (const event of engine.turn()) {
        if (event.type === 'agent-error') throw new Error(event.message);
        events.push(event);
      }
    }
  } finally {
    engine.close();
  }
  return { root, events, requests };
}

describe('meetings remember (issue 75, item 2)', () => {
  test('an attendee recalls a fact it was told before the meeting when the agenda asks for it; without memory it cannot', async () => {
    const remembered = await meetingAfterAFact('{ keep: true }');
    const transcript = read(remembered.root, TRANSCRIPT);
    const manager = transcript.split('### ').filter((part) => part.startsWith('manager\n'));
    expect(manager).toHaveLength(2);
    for (const speech of manager) expect(speech).toContain(CODE);
    // The memories its speeches were shown are recorded as recalled in the meeting's turn, the fact among them.
    const fact = Object.entries(streamFiles(remembered.root, 'manager')).find(([, text]) => text.includes(CODE) && text.includes('kind: observation'))?.[0];
    expect(fact).toBeDefined();
    const recalled = recalledFiles(remembered.root, 'manager')[`${String(MEETING_TURN).padStart(6, '0')}.md`];
    expect(recalled?.split('\n')).toContain(fact?.replace(/-observation\.md$/, ''));

    const forgot = await meetingAfterAFact(undefined);
    expect(read(forgot.root, TRANSCRIPT)).not.toContain(CODE);
  }, 120_000);

  test('what an attendee hears and says becomes its memories, the transcript their source; it reflects once in the meeting, and its next reflection counts them', async () => {
    const { root, requests } = await meetingAfterAFact('{ keep: true, reflect: { every: 1, importance: 0 } }');
    const ofMeeting = Object.entries(streamFiles(root, 'manager'))
      .filter(([name]) => name.startsWith(String(MEETING_TURN).padStart(6, '0')))
      .map(([name, text]) => parseMemoryFile(text, name))
      .flatMap((parsed) => ('memory' in parsed ? [parsed.memory] : []))
      .filter((memory) => memory.sources.includes(TRANSCRIPT));
    // The agenda, then each speech in the order said: two rounds of three, its own (it chairs: it speaks first) among them.
    expect(ofMeeting.map((memory) => memory.kind)).toEqual(Array.from({ length: 7 }, () => 'observation'));
    expect(ofMeeting[0]?.text).toContain('Who holds the code of the storage room');
    expect(ofMeeting.slice(1).map((memory) => /^(I|\w+) said/.exec(memory.text)?.[1])).toEqual(['I', 'planner', 'hr', 'I', 'planner', 'hr']);
    // What it said held the code, and what hr heard from it too (hr's memories of the meeting).
    expect(ofMeeting[1]?.text).toContain(CODE);
    expect(Object.values(streamFiles(root, 'hr')).some((text) => text.includes(`manager said in the meeting storage`) && text.includes(CODE))).toBe(true);
    // Those who were not there remember nothing of it, though they keep a stream: coder_01 worked in the meeting's turn and the next.
    const coder = Object.values(streamFiles(root, 'coder_01'));
    expect(coder.filter((text) => /^turn: (8|9)$/m.test(text)).length).toBeGreaterThan(0);
    for (const absent of ['janitor', 'coder_01']) expect(Object.values(streamFiles(root, absent)).filter((text) => text.includes(TRANSCRIPT) || text.includes('in the meeting storage'))).toEqual([]);
    // One reflection an attendee in the meeting's turn (not one a speech), and its next one, a turn later (its mail waited), is shown what it heard and said.
    const reflections = (turn: number) => requests.filter((request) => request.agent === 'manager' && request.turn === turn && String(request.messages[0]?.content ?? '').includes(`<${REFLECTION_REQUEST_ELEMENT} `));
    expect(reflections(MEETING_TURN)).toHaveLength(1);
    const next = String(reflections(MEETING_TURN + 1)[0]?.messages[0]?.content ?? '');
    expect(ofMeeting.filter((memory) => next.includes(`id="${memory.id}"`)).length).toBeGreaterThan(0);
  }, 120_000);

  test("the run screen counts the mail that waits for an attendee while it is in its meeting", async () => {
    const { events, root } = await meetingAfterAFact('{ keep: true }');
    const called = events.find((event) => event.type === 'agent-called' && event.agent === 'manager' && event.turn === MEETING_TURN);
    expect(called).toMatchObject({ reason: 'meeting' });
    // What the manager had waiting as the meeting's turn began: the task sent before it (turn 7's, and the reports due).
    let state = initialRunState([{ name: 'manager', isHuman: false, balance: 1, budget: 1, unread: 0 }], 'org', root);
    for (const event of events.filter((each) => !('turn' in each) || each.turn <= MEETING_TURN)) state = reduceRun(state, event);
    const row = state.agents.find((each) => each.name === 'manager');
    expect(row?.unread).toBeGreaterThan(0);
  }, 120_000);
});

describe('a meeting with memory stopped part-way (issue 75, item 2)', () => {
  /** The default org with memory, reflecting every turn; the fact told at turn 1, the meeting at turn 2. */
  function orgWithMemory(): string {
    const root = defaultOrg();
    const orgYaml = join(root, 'org/org.yaml');
    writeFileSync(orgYaml, `${readFileSync(orgYaml, 'utf8').replace('history: { keep: true }', 'history: { keep: false }')}\nmemory: { keep: true, reflect: { every: 1, importance: 0 } }\n`);
    write(root, 'org/meetings/storage.yaml', ['attendees: [manager, planner, hr]', 'rounds: 2', 'agenda: Who holds the code of the storage room, and what is the code?', 'turn: 2', ''].join('\n'));
    humanSends(root, 'manager', `For your information: the code of the storage room is ${CODE}.`, 'Storage room');
    return root;
  }
  /** Every memory file, recalled file and vector of the attendees, by path, with its text. */
  function remembered(root: string): Record<string, string> {
    return Object.fromEntries(['manager', 'planner', 'hr'].flatMap((agent) => [...Object.entries(streamFiles(root, agent)).map(([name, text]) => [`${agent}/stream/${name}`, text]), ...Object.entries(recalledFiles(root, agent)).map(([name, text]) => [`${agent}/recalled/${name}`, text])]));
  }

  test('finished by the next run, its attendees remember, recall and reflect as in a meeting never stopped', async () => {
    const reference = orgWithMemory();
    await runEngine(reference, { maxTurns: 2, stopWhenIdle: false });
    expect(read(reference, 'org/meetings/storage/000002.md')).toContain(CODE);

    const root = orgWithMemory();
    await runEngine(root, { maxTurns: 1, stopWhenIdle: false });
    const controller = new AbortController();
    const { requests, providerFactory } = capturingFactory();
    // Stopped as the planner makes its last speech: hr's last (after which it reflects) is made by the next run, which finishes the meeting.
    const asked = () => requests.filter((request) => request.turn === 2 && String(request.messages[0]?.content ?? '').includes('<meeting name="storage" round="2"')).map((request) => request.agent);
    const stopping = (): OfflineProvider => {
      const inner = providerFactory();
      return Object.assign(Object.create(inner) as OfflineProvider, {
        generate: async (request: ProviderRequest) => {
          const answer = await inner.generate(request);
          if (asked().includes('planner')) controller.abort();
          return answer;
        },
      });
    };
    const stopped = await runEngine(root, { maxTurns: 1, stopWhenIdle: false, signal: controller.signal }, { providerFactory: stopping });
    expect(ofType(stopped, 'run-finished')[0]?.reason).toBe('stopped');
    expect(ofType(stopped, 'meeting-held')).toEqual([]);
    expect(read(root, 'org/state/journal.jsonl').match(/"type":"meeting-speech"/g)?.length).toBe(5);
    await runEngine(root, { maxTurns: 1, stopWhenIdle: false });
    expect(read(root, 'org/meetings/storage/000002.md')).toBe(read(reference, 'org/meetings/storage/000002.md'));
    expect(remembered(root)).toEqual(remembered(reference));
    expect(Object.keys(remembered(root)).filter((path) => path.includes('/stream/000002-') && path.endsWith('-reflection.md')).length).toBeGreaterThan(0);
  }, 120_000);

  test('killed just after its last speech (and its reflection) is journaled, the next run finishes it with the same memories, accesses and charges', async () => {
    const reference = orgWithMemory();
    expect((await lemmingAsync(reference, ['run', '--keep-going', '--turns', '2'])).status).toBe(0);
    const root = orgWithMemory();
    const killed = await lemmingAsync(root, ['run', '--keep-going', '--turns', '2'], { LEMMING_CRASH_AT: 'after-speech:6' });
    expect(killed.signal).toBe('SIGKILL');
    const journal = read(root, 'org/state/journal.jsonl');
    expect(journal.match(/"type":"meeting-speech"/g)?.length).toBe(6);
    // hr spoke last: its reflection is in its speech's record, not asked again by the run that finishes the turn.
    expect(journal.split('\n').filter((line) => line.includes('"type":"meeting-speech"') && line.includes('"reflection"')).length).toBeGreaterThan(0);
    const finished = await lemmingAsync(root, ['run', '--keep-going', '--until', '2']);
    expect(finished.stdout).toContain('finishing an interrupted turn');
    expect(read(root, 'org/meetings/storage/000002.md')).toBe(read(reference, 'org/meetings/storage/000002.md'));
    expect(remembered(root)).toEqual(remembered(reference));
    expect(ledgerCharges(root)).toEqual(ledgerCharges(reference));
  }, 120_000);
});

/** The ledger's charges, one line each, sorted: what each agent paid each turn. */
function ledgerCharges(root: string): string[] {
  return read(root, 'org/state/ledger.jsonl')
    .split('\n')
    .filter((line) => line.includes('"type":"charge"'))
    .map((line) => JSON.parse(line) as { turn: number; agent: string; input_tokens: number; output_tokens: number; credits: number })
    .map((charge) => `${charge.turn}:${charge.agent}:${charge.input_tokens}:${charge.output_tokens}:${charge.credits}`)
    .sort();
}
