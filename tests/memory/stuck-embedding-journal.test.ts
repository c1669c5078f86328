import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { lemmingAsync } from '../helpers/cli.js';
import { embeddingsServer } from '../helpers/embeddings-server.js';
import { EMBEDDER, embeddingOrg, humanSendsAll, keeperCharges } from '../helpers/memory-org.js';
import { startWireServer, type WireServer } from '../helpers/wire-server.js';
import { checkInvariants } from '../faults/invariants.js';

/*
 * Issue 72, item 1, the orgs it left stuck: a lemming before the embedding gate journaled an embedding
 * server's usage as it came, and its turn's charge line could never be written, so every later run
 * failed. The journal is read back through its gate (engine/record/journaled-usage.ts): the turn
 * finishes, the chat call is charged once, the embedding as the gate counts it, and the run says so.
 */

const WINDOW = EMBEDDER.window;

type Json = Record<string, any>;

/**
 * The journal as a lemming before the gate wrote it when the server reported `reported`: the plan's
 * embedding, the answer's embedder share and its sum, and the `done` charge, each summed with JavaScript's
 * `+` from 0 as that code did (so "7000" became "07000", and the sum with the chat's 708 tokens "70807000").
 */
function asTheOldCodeJournaled(root: string, reported: unknown): void {
  const path = join(root, 'org/state/journal.jsonl');
  const plus = (left: unknown, right: unknown): unknown => (left as number) + (right as number);
  const embedded = plus(0, reported);
  const lines = readFileSync(path, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Json);
  for (const record of lines) {
    if (record.type === 'plan') for (const call of record.calls) if (call.embedded) call.embedded.input_tokens = embedded;
    if (record.type === 'response') {
      const chat = record.response.charged.find((answer: Json) => answer.modelKey === 'offline').usage.inputTokens;
      record.response.charged.find((answer: Json) => answer.modelKey === 'embedder').usage.inputTokens = plus(0, embedded);
      record.response.usage.inputTokens = plus(plus(0, chat), embedded);
    }
    if (record.type === 'done' && record.outcome.charge) {
      const charge = record.outcome.charge;
      charge.input_tokens = plus(charge.models.offline.input_tokens, embedded);
      charge.models.embedder.input_tokens = plus(0, embedded);
      const credits = ((embedded as number) * EMBEDDER.price) / 1_000_000;
      charge.models.embedder.credits = Number.isFinite(credits) ? credits : null;
      charge.credits = Number.isFinite(credits) ? charge.models.offline.credits + credits : null;
    }
  }
  writeFileSync(path, `${lines.map((record) => JSON.stringify(record)).join('\n')}\n`);
}

describe('an org an older lemming left stuck on a journaled embedding usage (issue 72, item 1)', () => {
  let server: WireServer;
  beforeAll(async () => {
    server = await startWireServer(embeddingsServer);
  });
  afterAll(() => server.close());

  const forms: Array<{ name: string; reported: unknown; counted: number }> = [
    { name: 'a string', reported: '7000', counted: 0 },
    { name: 'a fraction', reported: 12.5, counted: 13 },
    { name: 'a negative number', reported: -5_000_000, counted: 0 },
    { name: '1e308', reported: 1e308, counted: WINDOW },
  ];

  test.each(forms)('journaled as $name: the next run finishes the turn, says so naming the journal, charges the chat call once and the embedding as the gate counts it, asking no server again', async ({ reported, counted }) => {
    const root = embeddingOrg(server.url);
    humanSendsAll(root, [{ subject: 'Auditor', body: 'The auditor we hired is Brandt and Sons.' }]);
    // Killed as the turn's charge goes into the ledger: its plan, answer and outcome are journaled, as the older lemming left them.
    const killed = await lemmingAsync(root, ['run'], { LEMMING_CRASH_AT: 'mid-ledger:1' });
    expect(killed.signal).toBe('SIGKILL');
    const journaled = readFileSync(join(root, 'org/state/journal.jsonl'), 'utf8');
    const chat = (JSON.parse(journaled.split('\n').find((line) => line.includes('"type":"response"')) ?? '{}') as Json).response.charged.find((answer: Json) => answer.modelKey === 'offline').usage;
    asTheOldCodeJournaled(root, reported);
    const asked = server.requests.length;

    // validate reads the journal through the same gate, says what the run will say naming the file, and changes nothing.
    const stuck = readFileSync(join(root, 'org/state/journal.jsonl'), 'utf8');
    const validated = await lemmingAsync(root, ['validate']);
    expect(validated.status).toBe(0);
    expect(validated.stdout).toContain('warning: org/state/journal.jsonl: turn 1, keeper');
    expect(readFileSync(join(root, 'org/state/journal.jsonl'), 'utf8')).toBe(stuck);

    const finished = await lemmingAsync(root, ['run']);
    expect(finished.stderr).toBe('');
    expect(finished.status).toBe(0);
    expect(finished.stdout).toContain('warning: org/state/journal.jsonl: turn 1, keeper');
    expect(server.requests.length).toBe(asked);
    const lines = keeperCharges(root);
    expect(lines).toHaveLength(1);
    expect(lines[0]?.models?.offline).toMatchObject({ input_tokens: chat.inputTokens, output_tokens: chat.outputTokens });
    expect(lines[0]?.models?.embedder?.input_tokens ?? 0).toBe(counted);
    expect(lines[0]?.input_tokens).toBe(chat.inputTokens + counted);
    // The human's notice of the charge names the journal and what was counted.
    expect((await lemmingAsync(root, ['inbox'])).stdout).toContain('org/state/journal.jsonl: turn 1, ');
    expect(checkInvariants(root)).toEqual([]);

    // Unstuck: the next turn runs and charges what the server counts.
    humanSendsAll(root, [{ subject: 'Question', body: 'Which accountant did we engage?' }]);
    const next = await lemmingAsync(root, ['run']);
    expect(next.status).toBe(0);
    expect(keeperCharges(root)).toHaveLength(2);
    expect((await lemmingAsync(root, ['validate'])).status).toBe(0);
  });
});
