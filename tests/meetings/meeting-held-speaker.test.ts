import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { ModelEntry } from '../../src/org/schema.js';
import { ANSWER_TOO_LARGE_CODE, KEY_REFUSED_CODE, ProviderError } from '../../src/providers/provider-error.js';
import { UsageGate } from '../../src/providers/usage-gate.js';
import type { ProviderRequest, ProviderResponse } from '../../src/providers/provider.js';
import { ScriptedProvider } from '../helpers/scripted-provider.js';
import { defaultOrg, ofType, read, runEngine, write } from '../helpers/temp-org.js';

/*
 * A speaker whose call holds it at once (its key refused, its answer refused unread as past 16 MiB)
 * in round 1 of a meeting is not asked again in the later rounds of that meeting: the transcript says
 * it did not speak because it is held, the model is asked once, and its ledger has one line. Before,
 * it was asked again each round (and its key or its hostile server met again), and a key refused in a
 * meeting did not hold the speaker at all.
 */

const MEETING = ['attendees: [manager, planner, hr]', 'rounds: 3', 'agenda: Agree who takes the release tasks', 'turn: 1', ''].join('\n');

const tooLarge = (request: ProviderRequest) => new ProviderError(`${request.modelKey}: the server's answer was longer than 16 MiB, so lemming read no further`, { retryable: false, code: ANSWER_TOO_LARGE_CODE });
const keyRefused = (request: ProviderRequest) => new ProviderError(`${request.modelKey}: 401 the key was refused`, { retryable: false, code: KEY_REFUSED_CODE });

type Answer = Partial<Omit<ProviderResponse, 'modelKey'>> | Error;

async function meetingWith(hrAnswers: (request: ProviderRequest, asked: number) => Answer): Promise<{ root: string; asked: () => number; events: Awaited<ReturnType<typeof runEngine>> }> {
  const root = defaultOrg();
  write(root, 'org/meetings/sync.yaml', MEETING);
  write(root, 'agents/hr/resume.md', '---\ntitle: People partner\nmodel: offline\ncredits: 0.25\ntools: [send_message, write_file]\n---\nKeep notes of decisions about people.\n');
  let asked = 0;
  const model = new ScriptedProvider((request) => (request.agent === 'hr' ? hrAnswers(request, (asked += 1)) : { text: `${request.agent} speaks` }));
  const events = await runEngine(root, { maxTurns: 1, stopWhenIdle: false }, { providerFactory: (modelKey: string, entry: ModelEntry) => new UsageGate(model, modelKey, entry) });
  return { root, asked: () => asked, events };
}

/** The transcript's section for hr in each round, as the file says it. */
function hrSpeeches(root: string): string[] {
  const transcript = read(root, 'org/meetings/sync/000001.md');
  return transcript
    .split('## Round ')
    .slice(1)
    .map((round) => /### hr\n\n> (.*)/.exec(round)?.[1] ?? '');
}

function hrLedgerLines(root: string): number {
  return readFileSync(join(root, 'org/state/ledger.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line !== '' && (JSON.parse(line) as { agent: string }).agent === 'hr').length;
}

describe('a meeting speaker held by its call', () => {
  test('an answer refused unread in round 1: not asked in rounds 2 and 3, held once, charged once', async () => {
    const { root, asked, events } = await meetingWith((request) => tooLarge(request));
    expect(asked()).toBe(1);
    const [first, ...later] = hrSpeeches(root);
    expect(first).toContain('(no answer:');
    expect(later).toEqual([expect.stringMatching(/^\(did not speak: held since round 1: .*16 MiB/), expect.stringMatching(/^\(did not speak: held since round 1: /)]);
    expect(ofType(events, 'agent-held').map((event) => event.agent)).toEqual(['hr']);
    expect(hrLedgerLines(root)).toBe(1);
  });

  test('a key refused in round 1: not asked again, and held at once as any call with a refused key is', async () => {
    const { root, asked, events } = await meetingWith((request) => keyRefused(request));
    expect(asked()).toBe(1);
    expect(hrSpeeches(root).slice(1)).toEqual([expect.stringMatching(/^\(did not speak: held since round 1: its key was refused/), expect.stringMatching(/^\(did not speak: held since round 1: /)]);
    expect(ofType(events, 'agent-held').map((event) => event.agent)).toEqual(['hr']);
    expect(ofType(events, 'agent-held')[0]?.cause).toContain('401');
  });

  test('an answer refused at step 2 of its round-1 speech: step 1 stands, and rounds 2 and 3 do not ask it', async () => {
    const { root, asked, events } = await meetingWith((request, count) =>
      count === 1 ? { toolCalls: [{ id: 'call_notes', name: 'write_file', arguments: { path: 'notes.md', content: '# Notes\n' } }] } : tooLarge(request),
    );
    expect(asked()).toBe(2);
    expect(read(root, 'agents/hr/workspace/notes.md')).toBe('# Notes\n');
    expect(hrSpeeches(root).slice(1)).toEqual([expect.stringMatching(/^\(did not speak: held since round 1: /), expect.stringMatching(/^\(did not speak: held since round 1: /)]);
    expect(ofType(events, 'agent-held').map((event) => event.agent)).toEqual(['hr']);
    expect(hrLedgerLines(root)).toBe(1);
  });
});
