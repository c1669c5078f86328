import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { buildOrg } from '../../bench/build-org.js';
import type { JournalRecord } from '../../src/engine/record/journal.js';
import { lemming } from '../helpers/cli.js';
import { tempDir } from '../helpers/org-files.js';

/** The bytes each planned call spends on its prompt's record: the digest and, where it showed, the limits the mail was sized with. */
function promptBytes(plan: Extract<JournalRecord, { type: 'plan' }>): number {
  let bytes = 0;
  for (const call of plan.calls) {
    if (call.prompt !== undefined) bytes += `"prompt":${JSON.stringify(call.prompt)},`.length;
    if (call.limit !== undefined) bytes += `"limit":${JSON.stringify(call.limit)},`.length;
  }
  return bytes;
}

// A recovered turn rebuilds each prompt from the journal and checks it against the digest journaled
// before the call; that record must stay a small fraction of what a turn journals anyway. Counted
// in bytes, never in time (`npm run bench` times the turn).
describe('the journal of a turn', () => {
  test('spends at most 3% of its bytes on the prompts’ record, and every call has its digest', () => {
    const root = tempDir('lemming-journal-share-');
    buildOrg(root, { agents: 100, history: 0, withMail: 100 });
    const killed = lemming(root, ['run-once'], { LEMMING_CRASH_AT: 'before-commit:1' });
    expect(killed.signal).toBe('SIGKILL');
    const text = readFileSync(join(root, 'org/state/journal.jsonl'), 'utf8');
    const records = text.trim().split('\n').map((line) => JSON.parse(line) as JournalRecord);
    const plan = records[0];
    if (plan?.type !== 'plan') throw new Error('the journal does not start with the plan');
    expect(plan.calls).toHaveLength(100);
    for (const call of plan.calls) expect(call.prompt).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(records.filter((record) => record.type === 'done')).toHaveLength(100);
    const share = promptBytes(plan) / Buffer.byteLength(text);
    expect(share).toBeGreaterThan(0);
    expect(share).toBeLessThan(0.03);
  });
});
