import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ScriptedProvider } from '../helpers/scripted-provider.js';
import { defaultOrg, ofType, read, runEngine, write } from '../helpers/temp-org.js';
import { readLedgerFrom } from '../../src/engine/money/ledger.js';
import { checkInvariants } from '../faults/invariants.js';

const MEETING = ['attendees: [manager, planner, hr]', 'rounds: 2', 'agenda: Agree who takes the release tasks', 'turn: 1', ''].join('\n');

function orgWithMeeting(): string {
  const root = defaultOrg();
  write(root, 'org/meetings/sync.yaml', MEETING);
  return root;
}

/** A model whose speech names the speaker, the round and how many spoke before it: any repeat or reorder shows in the transcript. */
function speakingModel(onAsk: (agent: string) => void = () => {}): ScriptedProvider {
  return new ScriptedProvider((request) => {
    onAsk(request.agent ?? '');
    const content = request.messages[0]?.content ?? '';
    const round = /<meeting name="sync" round="(\d)"/.exec(content)?.[1];
    return round === undefined ? {} : { text: `${request.agent} in round ${round}, after ${(content.match(/<said /g) ?? []).length} speeches` };
  });
}

function charges(root: string): Array<{ agent: string; input_tokens: number; output_tokens: number; credits: number }> {
  return readLedgerFrom(join(root, 'org/state/ledger.jsonl'), 0)
    .entries.flatMap((entry) => (entry.type === 'charge' ? [{ agent: entry.agent, input_tokens: entry.input_tokens, output_tokens: entry.output_tokens, credits: entry.credits }] : []));
}

describe('a meeting stopped part-way', () => {
  test('finished by the next run: no speaker is asked twice, the transcript and the charges are those of a meeting never stopped', async () => {
    const reference = orgWithMeeting();
    const whole = speakingModel();
    await runEngine(reference, { maxTurns: 1, stopWhenIdle: false }, { providerFactory: () => whole });

    const root = orgWithMeeting();
    const controller = new AbortController();
    // Stopped while hr speaks in round 1: its answer still arrives, and is journaled; round 2 is not begun.
    const model = speakingModel((agent) => {
      if (agent === 'hr' && model.requests.length === 3) controller.abort();
    });
    const stopped = await runEngine(root, { maxTurns: 1, stopWhenIdle: false, signal: controller.signal }, { providerFactory: () => model });
    expect(ofType(stopped, 'run-finished')[0]?.reason).toBe('stopped');
    expect(ofType(stopped, 'meeting-held')).toEqual([]);
    const journal = read(root, 'org/state/journal.jsonl');
    expect(journal.match(/"type":"meeting-speech"/g)?.length).toBe(3);
    expect(charges(root)).toEqual([]);

    const finished = await runEngine(root, { maxTurns: 1, stopWhenIdle: false }, { providerFactory: () => model });
    expect(ofType(finished, 'turn-started')[0]?.recovering).toBe(true);
    expect(model.requests.map((request) => `${request.agent}@${request.turn}`)).toEqual(['manager@1', 'planner@1', 'hr@1', 'manager@1', 'planner@1', 'hr@1']);
    expect(read(root, 'org/meetings/sync/000001.md')).toBe(read(reference, 'org/meetings/sync/000001.md'));
    expect(charges(root)).toEqual(charges(reference));
    expect(charges(root).map((charge) => charge.agent)).toEqual(['hr', 'manager', 'planner']);
    // Money conserved, each agent's logged steps adding up to its charge, no temporary left.
    expect(checkInvariants(root, { requests: model.requests })).toEqual([]);
  });
});
