import { join } from 'node:path';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { NextAgentProvider } from '../../bench/bench-providers.js';
import { agentName, buildOrg } from '../../bench/build-org.js';
import { Engine } from '../../src/engine/engine.js';
import { readLog } from '../../src/engine/record/agent-log.js';
import { listTraceTurns, readCallTrace } from '../../src/engine/record/call-trace.js';
import { CassetteWriter, readCassetteFile } from '../../src/providers/cassette/cassette-file.js';
import type { Provider } from '../../src/providers/provider.js';
import { ProviderError } from '../../src/providers/provider-error.js';
import { RecordingProvider } from '../../src/providers/recording-provider.js';
import { tempDir } from '../helpers/org-files.js';

/**
 * What a turn with call traces kept does that a turn without them does not, counted, not timed (bench/results.md,
 * section 1: the traced turn at 1,000 agents against the same turn without). Here: the times written as text.
 * A trace's `at` is the time its answer arrived, written as the journal and the log write it (iso-text.ts,
 * isoText: one text a millisecond), so keeping traces adds no `toISOString` to a turn.
 */
const AGENTS = 20;
const AT = new Date('2026-11-29T12:00:00.000Z');

afterEach(() => {
  vi.restoreAllMocks();
});

/** The org's agents' models: each turn's answers, made by the org's root (a recording writes its cassette there). */
type Models = (root: string, agents: readonly string[]) => Provider;

const passOn: Models = (_root, agents) => new NextAgentProvider(agents);

/**
 * The `toISOString` calls of an org's second turn (its first made the parts and folders), every agent called. One
 * instant: every answer of the turn arrives within the same millisecond, as at 1,000 agents a dozen do.
 */
async function timesWrittenInSecondTurn(shape: { agents?: number; keep?: number; models?: Models } = {}): Promise<{ texts: number; root: string }> {
  const agents = shape.agents ?? AGENTS;
  const root = tempDir('lemming-traced-turn-work-');
  buildOrg(root, { agents, history: 0, withMail: agents, ...(shape.keep === undefined ? {} : { traces: shape.keep }) });
  const provider = (shape.models ?? passOn)(root, Array.from({ length: agents }, (_, index) => agentName(index)));
  const engine = Engine.open({ root, providerFactory: () => provider, command: 'test', clock: () => new Date(AT) });
  try {
    for await (const event of engine.turn()) void event;
    const written = vi.spyOn(Date.prototype, 'toISOString');
    let called = 0;
    for await (const event of engine.turn()) if (event.type === 'turn-finished') called = event.stats.called;
    expect(called).toBe(agents);
    const texts = written.mock.calls.length;
    written.mockRestore();
    return { texts, root };
  } finally {
    engine.close();
  }
}

describe('a turn with call traces kept, its work beside the same turn without', () => {
  test('keeping traces writes no time as text that the turn without does not write', async () => {
    const without = await timesWrittenInSecondTurn();
    const traced = await timesWrittenInSecondTurn({ keep: 50 });
    // Before: one more for each call, its trace's `at` made afresh (20 more here; 1,000 a turn at 1,000 agents).
    expect(traced.texts).toBe(without.texts);
    // The trace still says when its answer arrived.
    for (const agent of [agentName(0), agentName(AGENTS - 1)]) {
      const turn = listTraceTurns(traced.root, agent).at(-1) as number;
      expect(readCallTrace(traced.root, agent, turn)?.at).toBe(AT.toISOString());
    }
  });
});

/** A server that is down: every call fails, and the turn goes on (its failure is each agent's result). */
const down: Models = () => ({
  generate: () => Promise.reject(new ProviderError('the server is down', { retryable: false })),
});

/** `lemming run --record`: each answer is written to a cassette with the time it arrived. */
const recorded: Models = (root, agents) => new RecordingProvider(new NextAgentProvider(agents), new CassetteWriter(join(root, 'calls.jsonl')), () => new Date(AT));

describe("a turn's times written as text: as many at 20 agents as at 5, each agent's the same text as before", () => {
  test('every agent answered', async () => {
    const few = await timesWrittenInSecondTurn({ agents: 5 });
    const many = await timesWrittenInSecondTurn();
    expect(many.texts).toBe(few.texts);
  });

  test("every agent's call failed: its log's error line says when, as the turn's clock says it", async () => {
    const few = await timesWrittenInSecondTurn({ agents: 5, models: down });
    const many = await timesWrittenInSecondTurn({ models: down });
    // Before: one more for each failed call, its log lines' and charge's `at` made afresh (15 more here than at 5).
    expect(many.texts).toBe(few.texts);
    const errors = readLog(many.root, agentName(AGENTS - 1)).filter((entry) => entry.event === 'error');
    // One a turn, each at the turn's one instant.
    expect(errors.map((entry) => entry.at)).toEqual([AT.toISOString(), AT.toISOString()]);
  });

  test("a recorded run: each answer's time in the cassette, as the turn's clock says it", async () => {
    const few = await timesWrittenInSecondTurn({ agents: 5, models: recorded });
    const many = await timesWrittenInSecondTurn({ models: recorded });
    // Before: one more for each answer recorded, its `receivedAt` made afresh.
    expect(many.texts).toBe(few.texts);
    const { calls } = readCassetteFile(join(many.root, 'calls.jsonl'));
    expect(calls).toHaveLength(2 * AGENTS);
    expect(new Set(calls.map((call) => call.response?.receivedAt))).toEqual(new Set([AT.toISOString()]));
  });
});
