import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { ModelEntry } from '../../src/org/schema.js';
import { ANSWER_TOO_LARGE_CODE, ProviderError } from '../../src/providers/provider-error.js';
import { UsageGate } from '../../src/providers/usage-gate.js';
import { ScriptedProvider } from '../helpers/scripted-provider.js';
import type { EngineEvent } from '../../src/engine/events.js';
import type { ProviderRequest, ProviderResponse } from '../../src/providers/provider.js';
import { defaultOrg, ofType, read, runEngine, write } from '../helpers/temp-org.js';

/*
 * A speaker whose answer lemming refused unread (past 16 MiB) is charged as any such call is, at what
 * it was reserved at (through the usage gate, as every live chain has it), its ledger line saying why,
 * and held at once: the meeting's path to the turn's failure carried no cause, so the charge had no
 * note and the speaker was called again each turn until engine.max_failed_turns.
 */

const MEETING = ['attendees: [manager, planner, hr]', 'rounds: 1', 'agenda: Agree who takes the release tasks', 'turn: 1', ''].join('\n');

const tooLarge = (request: ProviderRequest) => new ProviderError(`${request.modelKey}: the server's answer was longer than 16 MiB, so lemming read no further`, { retryable: false, code: ANSWER_TOO_LARGE_CODE });

/** hr charged once, with the note saying why, held, and its turn counting one `answer` and `errors` errors. */
function expectHeldOnce(root: string, events: EngineEvent[], errors: number): void {
  const lines = readFileSync(join(root, 'org/state/ledger.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as { agent: string; estimated?: boolean; note?: string; output_tokens: number });
  expect(lines.filter((line) => line.agent === 'hr')).toEqual([expect.objectContaining({ estimated: true, note: expect.stringContaining('was past 16 MiB and not read') })]);
  expect(ofType(events, 'agent-held').map((event) => event.agent)).toEqual(['hr']);
  expect(ofType(events, 'turn-finished').map((event) => ({ answer: event.stats.refusals.answer, errors: event.stats.errors }))).toEqual([{ answer: 1, errors }]);
}

describe('a meeting speech whose answer was too large to read', () => {
  test('is charged at the reservation with a note, and holds the speaker at once', async () => {
    const root = defaultOrg();
    write(root, 'org/meetings/sync.yaml', MEETING);
    const model = new ScriptedProvider((request) => (request.agent === 'hr' ? tooLarge(request) : { text: `${request.agent} speaks` }));
    const events = await runEngine(root, { maxTurns: 1, stopWhenIdle: false }, { providerFactory: (modelKey: string, entry: ModelEntry) => new UsageGate(model, modelKey, entry) });
    // Its call failed: an error of the turn, and counted once under `answer`.
    expectHeldOnce(root, events, 1);
    expect(read(root, 'org/meetings/sync/000001.md')).toContain('### hr');
  });

  /*
   * The same answer after the speaker's earlier answers of the turn came back: at step 2 of its speech
   * (step 1 wrote a file), or as its round-2 speech after it spoke in round 1. Its earlier answers
   * stand and are charged with it on one line, which says why (so does one refused before another came back); the speaker is held and the turn counts
   * one `answer` and no error. Before, the meeting's success path dropped it: no note, not held (called
   * again each turn and paid again), and counted nowhere.
   */
  const heldAfterEarlierAnswers = async (rounds: number, answer: (request: ProviderRequest, asked: number) => Partial<Omit<ProviderResponse, 'modelKey'>> | Error) => {
    const root = defaultOrg();
    write(root, 'org/meetings/sync.yaml', MEETING.replace('rounds: 1', `rounds: ${rounds}`));
    write(root, 'agents/hr/resume.md', '---\ntitle: People partner\nmodel: offline\ncredits: 0.25\ntools: [send_message, write_file]\n---\nKeep notes of decisions about people.\n');
    let asked = 0;
    const model = new ScriptedProvider((request) => (request.agent === 'hr' ? answer(request, (asked += 1)) : { text: `${request.agent} speaks` }));
    const events = await runEngine(root, { maxTurns: 1, stopWhenIdle: false }, { providerFactory: (modelKey: string, entry: ModelEntry) => new UsageGate(model, modelKey, entry) });
    // Its earlier answers stand: no error of the turn.
    expectHeldOnce(root, events, 0);
    expect(asked).toBe(2);
    return root;
  };

  test('at a later step of a speech: step 1 stands, and the speaker is held and counted once', async () => {
    const root = await heldAfterEarlierAnswers(1, (request, asked) =>
      asked === 1 ? { toolCalls: [{ id: 'call_notes', name: 'write_file', arguments: { path: 'notes.md', content: '# Notes\n' } }] } : tooLarge(request),
    );
    expect(read(root, 'agents/hr/workspace/notes.md')).toBe('# Notes\n');
  });

  test('as a later speech: the speech before it stands, and the speaker is held and counted once', async () => {
    const root = await heldAfterEarlierAnswers(2, (request, asked) => (asked === 1 ? { text: 'hr speaks' } : tooLarge(request)));
    expect(read(root, 'org/meetings/sync/000001.md')).toContain('hr speaks');
  });

  // Before, the speaker was asked again in round 2 (and its server paid again); held at once, it is not (meeting-held-speaker.test.ts).
  test('as an earlier speech: the speaker is not asked in the later round, and is held and counted once', async () => {
    const root = defaultOrg();
    write(root, 'org/meetings/sync.yaml', MEETING.replace('rounds: 1', 'rounds: 2'));
    let asked = 0;
    const model = new ScriptedProvider((request) => (request.agent === 'hr' ? ((asked += 1), tooLarge(request)) : { text: `${request.agent} speaks` }));
    const events = await runEngine(root, { maxTurns: 1, stopWhenIdle: false }, { providerFactory: (modelKey: string, entry: ModelEntry) => new UsageGate(model, modelKey, entry) });
    expectHeldOnce(root, events, 1);
    expect(asked).toBe(1);
    expect(read(root, 'org/meetings/sync/000001.md')).toContain('(did not speak: held since round 1: lemming refused its answer unread');
  });
});
