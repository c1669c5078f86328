import { describe, expect, test } from 'vitest';
import { admitJournal } from '../../src/engine/record/journaled-usage.js';
import type { JournalRecord } from '../../src/engine/record/journal.js';
import type { ModelEntry } from '../../src/org/schema.js';
import type { ProviderResponse } from '../../src/providers/provider.js';
import { createProviderFactory, gatedModels } from '../../src/providers/create-provider.js';

const models = {
  chat: { provider: 'openai-compatible', model: 'chat', input_price: 1, output_price: 2, context_window: 4000, max_output_tokens: 500 } as ModelEntry,
  embedder: { provider: 'openai-compatible', model: 'embed', input_price: 20, output_price: 0, context_window: 8192 } as ModelEntry,
};

/** Both models are served over HTTP, so their answers passed the usage gate as they came in (create-provider.ts, gatesUsage). */
const gatedLive = (_modelKey: string) => true;

function answer(usage: unknown, charged?: unknown): ProviderResponse {
  return { text: 'Done.', toolCalls: [], modelKey: 'chat', usage, ...(charged ? { charged } : {}) } as ProviderResponse;
}

/** A turn's journal as lemming writes it: the plan with its embeddings, the answer by model, each step, and an agent done. */
const clean: JournalRecord[] = [
  { type: 'plan', turn: 3, calls: [{ agent: 'keeper', modelKey: 'chat', reason: 'mail', shown: [], deferred: 0, embedded: { model: 'embedder', input_tokens: 40, memories: 2 } }], discovered: { hints: {}, taken: {}, joined: [], pending: [], humanNotices: [] }, events: [], outOfCredits: [], notices: [] },
  { type: 'step', turn: 3, agent: 'keeper', step: 1, response: answer({ inputTokens: 900, outputTokens: 30, estimated: false }), receivedAt: '2026-01-01T00:00:00.000Z' },
  {
    type: 'response',
    turn: 3,
    agent: 'keeper',
    receivedAt: '2026-01-01T00:00:00.000Z',
    response: answer({ inputTokens: 940, outputTokens: 30, estimated: false, calls: 2 }, [
      { modelKey: 'chat', usage: { inputTokens: 900, outputTokens: 30, estimated: false } },
      { modelKey: 'embedder', usage: { inputTokens: 40, outputTokens: 0, estimated: false } },
    ]),
  },
  { type: 'done', turn: 3, outcome: { agent: 'keeper', read: [], newMail: [], humanNotices: [], activity: 'sent 1', charge: { type: 'charge', turn: 3, agent: 'keeper', model: 'chat', input_tokens: 940, output_tokens: 30, credits: 0.00176, at: '2026-01-01T00:00:00.000Z' } } },
];

describe('the journal read back through its gate (engine/record/journaled-usage.ts)', () => {
  test('a journal lemming wrote passes as it is, and nothing is said', () => {
    const admitted = admitJournal(structuredClone(clean), models, gatedLive);
    expect(admitted.records).toEqual(clean);
    expect(admitted.said).toEqual([]);
  });

  test('a step\'s count past what the model can use is capped at its window; a meeting\'s unusable answer counted as text is none; each said with the file', () => {
    const records: JournalRecord[] = [
      { type: 'step', turn: 3, agent: 'keeper', step: 1, response: answer({ inputTokens: 1e308, outputTokens: 30, estimated: false }), receivedAt: '2026-01-01T00:00:00.000Z' },
      { type: 'meeting-speech', turn: 3, meeting: 'standup', speech: { agent: 'keeper', round: 1, said: '' } as never, unusable: [{ modelKey: 'chat', usage: { inputTokens: '7000', outputTokens: 0, estimated: false } as never }] },
    ];
    const admitted = admitJournal(records, models, gatedLive);
    const step = admitted.records[0] as Extract<JournalRecord, { type: 'step' }>;
    expect(step.response.usage).toMatchObject({ inputTokens: 4000, outputTokens: 30 });
    expect(step.response.usage.clamped?.at(-1)).toMatch(/^org\/state\/journal\.jsonl: turn 3, keeper's step 1 by chat was journaled as .*1e\+308.*counted as 4000 input and 30 output tokens/);
    const speech = admitted.records[1] as Extract<JournalRecord, { type: 'meeting-speech' }>;
    expect(speech.unusable?.[0]?.usage).toMatchObject({ inputTokens: 0, outputTokens: 0 });
    expect(admitted.said).toHaveLength(2);
  });

  test('an answer whose sum alone is broken has it made again from its parts; a done whose charge the ledger cannot write is set aside', () => {
    const [plan, , response, done] = structuredClone(clean) as [JournalRecord, JournalRecord, Extract<JournalRecord, { type: 'response' }>, Extract<JournalRecord, { type: 'done' }>];
    response.response.usage.inputTokens = '90040' as never;
    done.outcome.charge!.input_tokens = '90040' as never;
    const admitted = admitJournal([plan, response, done], models, gatedLive);
    expect(admitted.records.map((record) => record.type)).toEqual(['plan', 'response']);
    expect((admitted.records[1] as typeof response).response.usage).toMatchObject({ inputTokens: 940, outputTokens: 30, calls: 2 });
    expect(admitted.said.map((sentence) => sentence.slice(0, 40))).toEqual(["turn 3, keeper's answer was journaled su", "turn 3, keeper's part was journaled with"]);
  });

  test("an answer's input is held to the request journaled with it (asked); an asked that is no count is said and the input taken as journaled", () => {
    const record = (usage: unknown, asked: unknown): JournalRecord => ({ type: 'response', turn: 3, agent: 'keeper', receivedAt: '2026-01-01T00:00:00.000Z', response: answer(usage), asked } as JournalRecord);
    const held = admitJournal([record({ inputTokens: 0, outputTokens: 2, estimated: false }, 3000)], models, gatedLive);
    expect((held.records[0] as Extract<JournalRecord, { type: 'response' }>).response.usage).toMatchObject({ inputTokens: 375, outputTokens: 2, estimated: true });
    expect(held.said).toEqual([expect.stringContaining("chat reported 0 input tokens; counted as 375, the fewest a server is believed to count for the request: 1 token for every 8 of lemming's estimate of it (3000 tokens)")]);
    // A usage at the floor or above, as lemming journals it, passes as it is.
    const kept = [record({ inputTokens: 375, outputTokens: 2, estimated: false }, 3000)];
    expect(admitJournal(structuredClone(kept), models, gatedLive)).toEqual({ records: kept, said: [] });
    for (const asked of ['big', -1, 1.5, 1e300]) {
      const odd = admitJournal([record({ inputTokens: 0, outputTokens: 2, estimated: false }, asked)], models, gatedLive);
      expect((odd.records[0] as Extract<JournalRecord, { type: 'response' }>).response.usage.inputTokens).toBe(0);
      expect(odd.said).toEqual([expect.stringMatching(/turn 3, keeper's answer was journaled with asked: .*, which is no count of tokens/)]);
    }
  });

  test("an ungated model's answer (the offline model's, a test's scripted model's) passes as journaled, as the run never stopped charged it; which models are gated is the providers' to say", () => {
    const record = { type: 'response', turn: 3, agent: 'keeper', receivedAt: '2026-01-01T00:00:00.000Z', response: { ...answer({ inputTokens: 0, outputTokens: 0, estimated: false }), text: 'x'.repeat(10_000) }, asked: 3000 } as JournalRecord;
    expect(admitJournal([structuredClone(record)], models, () => false)).toEqual({ records: [record], said: [] });
    const held = admitJournal([structuredClone(record)], models, gatedLive).records[0] as Extract<JournalRecord, { type: 'response' }>;
    expect(held.response.usage).toMatchObject({ inputTokens: 375, outputTokens: 313, estimated: true });
    // lemming run's providers: every live model's answers pass the gate, the offline model's do not; a replay's all do.
    const registry = { ...models, local: { provider: 'offline', model: 'offline', input_price: 1, output_price: 2, context_window: 4000 } as ModelEntry };
    const live = gatedModels(createProviderFactory({ root: '/nonexistent' }), registry);
    expect(['chat', 'embedder', 'local', 'gone'].map(live)).toEqual([true, true, false, false]);
    expect(gatedModels(() => undefined as never, registry)('chat')).toBe(false);
  });

  test("a step's answer and a meeting speech's are held to the request journaled with them, as a response record's is", () => {
    const step = { type: 'step', turn: 3, agent: 'keeper', step: 2, response: answer({ inputTokens: 0, outputTokens: 2, estimated: false }), receivedAt: '2026-01-01T00:00:00.000Z', asked: 3000 } as JournalRecord;
    const speech = { type: 'meeting-speech', turn: 3, meeting: 'standup', speech: { agent: 'keeper', round: 1, text: 'Done.' } as never, response: answer({ inputTokens: 0, outputTokens: 2, estimated: false }), asked: 3000 } as JournalRecord;
    const admitted = admitJournal([step, speech], models, gatedLive);
    // Before: both charged 0 input tokens for a request of 3,000.
    expect((admitted.records[0] as Extract<JournalRecord, { type: 'step' }>).response.usage).toMatchObject({ inputTokens: 375, outputTokens: 2, estimated: true });
    expect((admitted.records[1] as Extract<JournalRecord, { type: 'meeting-speech' }>).response?.usage).toMatchObject({ inputTokens: 375, outputTokens: 2, estimated: true });
    expect(admitted.said).toEqual([expect.stringMatching(/^turn 3, keeper's step 2 was journaled with fewer input tokens/), expect.stringMatching(/^turn 3, meeting standup was journaled with fewer input tokens/)]);
    // An ungated model's, as journaled.
    expect(admitJournal([step, speech], models, () => false).said).toEqual([]);
  });

  test("a done's charge is held to what its answer prices at: a gated model's at least, an ungated model's exactly; a failed call's to its own counts, in place", () => {
    const [plan, , response, done] = structuredClone(clean) as [JournalRecord, JournalRecord, Extract<JournalRecord, { type: 'response' }>, Extract<JournalRecord, { type: 'done' }>];
    const charged = (credits: number) => ({ ...done, outcome: { ...done.outcome, charge: { ...done.outcome.charge!, credits } } });
    // Before: a charge edited to 0 credits was kept, and the ledger written as it stood.
    const free = admitJournal([plan, response, charged(0)], models, gatedLive);
    expect(free.records.map((record) => record.type)).toEqual(['plan', 'response']);
    expect(free.said).toEqual([expect.stringMatching(/^turn 3, keeper's part was journaled with a charge of 0 credits; its journaled answer prices at 0\.00176 \(org\/org\.yaml models\.chat\)\. It is finished again/)]);
    // A gated model's charge above its price is not lowered by the journal; an ungated model's is the never-stopped run's.
    expect(admitJournal([plan, response, charged(5)], models, gatedLive).said).toEqual([]);
    expect(admitJournal([plan, response, charged(5)], models, () => false).records.map((record) => record.type)).toEqual(['plan', 'response']);
    // A failed call: its answers are journaled only in its done, so its charge is counted at its own counts' price and the call is not made again.
    const failed = { type: 'done', turn: 3, outcome: { agent: 'keeper', read: [], newMail: [], humanNotices: [], activity: 'error', error: 'exit 1', charge: { type: 'charge', turn: 3, agent: 'keeper', model: 'chat', input_tokens: 900, output_tokens: 30, credits: 0, at: '2026-01-01T00:00:00.000Z' } } } as JournalRecord;
    const mended = admitJournal([plan, failed], models, gatedLive);
    expect((mended.records[1] as Extract<JournalRecord, { type: 'done' }>).outcome.charge).toMatchObject({ input_tokens: 900, output_tokens: 30, credits: 0.00096 });
    expect(mended.said).toEqual([expect.stringMatching(/charge of 0 credits; its own counts price at 0\.00096 .*and it is charged that/)]);
  });
});
