import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { ModelEntry } from '../../src/org/schema.js';
import { ANSWER_TOO_LARGE_CODE, ProviderError } from '../../src/providers/provider-error.js';
import { UsageGate } from '../../src/providers/usage-gate.js';
import { ScriptedProvider } from '../helpers/scripted-provider.js';
import { defaultOrg, ofType, read, runEngine, write } from '../helpers/temp-org.js';

/*
 * A speaker whose answer lemming refused unread (past 16 MiB) is charged as any such call is, at what
 * it was reserved at (through the usage gate, as every live chain has it), its ledger line saying why,
 * and held at once: the meeting's path to the turn's failure carried no cause, so the charge had no
 * note and the speaker was called again each turn until engine.max_failed_turns.
 */

const MEETING = ['attendees: [manager, planner, hr]', 'rounds: 1', 'agenda: Agree who takes the release tasks', 'turn: 1', ''].join('\n');

describe('a meeting speech whose answer was too large to read', () => {
  test('is charged at the reservation with a note, and holds the speaker at once', async () => {
    const root = defaultOrg();
    write(root, 'org/meetings/sync.yaml', MEETING);
    const model = new ScriptedProvider((request) =>
      request.agent === 'hr' ? new ProviderError(`${request.modelKey}: the server's answer was longer than 16 MiB, so lemming read no further`, { retryable: false, code: ANSWER_TOO_LARGE_CODE }) : { text: `${request.agent} speaks` },
    );
    const events = await runEngine(root, { maxTurns: 1, stopWhenIdle: false }, { providerFactory: (modelKey: string, entry: ModelEntry) => new UsageGate(model, modelKey, entry) });
    const lines = readFileSync(join(root, 'org/state/ledger.jsonl'), 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as { agent: string; estimated?: boolean; note?: string; output_tokens: number });
    expect(lines.filter((line) => line.agent === 'hr')).toEqual([expect.objectContaining({ estimated: true, note: expect.stringContaining('was past 16 MiB and not read') })]);
    expect(ofType(events, 'agent-held').map((event) => event.agent)).toEqual(['hr']);
    expect(read(root, 'org/meetings/sync/000001.md')).toContain('### hr');
  });
});
