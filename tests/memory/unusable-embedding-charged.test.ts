import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { scratchDir } from '../faults/scratch.js';
import { lemmingAsync } from '../helpers/cli.js';
import { embeddingsServer, wellAgain } from '../helpers/embeddings-server.js';
import { EMBEDDER, embeddingOrg, humanSendsAll, keeperCharges } from '../helpers/memory-org.js';
import { startWireServer, type ReceivedRequest, type WireHandler, type WireServer } from '../helpers/wire-server.js';
import { whileServing } from '../helpers/embeddings-server.js';
import { checkInvariants } from '../faults/invariants.js';

/*
 * An embedding answer whose vectors lemming cannot use (1,000 of them for one text, an empty `data`)
 * still came back with its server's count: the server did the work, as for a chat answer that could not
 * be used (usage-gate.ts, admitFailure). It is charged, within the gate, on the agent's line of the turn.
 * Before, it was charged nothing, turn after turn, while the query was sent again each turn.
 */

/** The texts of an embedding request. */
function texts(request: ReceivedRequest): string[] {
  return request.body.input as string[];
}

/** The stand-in server, its `data` replaced by `data(count of texts, the stand-in's data)` and its usage by `usage`. */
function unusable(data: (items: unknown[]) => unknown[], usage: Record<string, unknown>): WireHandler {
  return (request) => {
    const answer = embeddingsServer(request);
    const body = answer.body as { data: unknown[] };
    return { ...answer, body: { ...body, data: data(body.data), usage } };
  };
}

describe('an embedding answer lemming cannot use that came back with its count', () => {
  let server: WireServer;
  beforeAll(async () => {
    server = await startWireServer(embeddingsServer);
  });
  afterAll(() => server.close());

  const forms: Array<{ name: string; data: (items: unknown[]) => unknown[]; reported: unknown; charged: (sent: readonly string[]) => number }> = [
    { name: '1,000 vectors for one text', data: (items) => Array.from({ length: 1000 }, (_, index) => ({ ...(items[0] as object), index })), reported: 500, charged: () => 500 },
    { name: 'an empty data', data: () => [], reported: 500, charged: () => 500 },
    // Held as any count: past the window for each text, the window; below 1 in 8 of lemming's estimate of the texts, that floor.
    { name: '1e15 tokens and no vector', data: () => [], reported: 1e15, charged: (sent) => EMBEDDER.window * sent.length },
    { name: '0 tokens and no vector', data: () => [], reported: 0, charged: (sent) => Math.ceil(sent.reduce((sum, text) => sum + Math.ceil(text.length / 4), 0) / 8) },
  ];

  test.each(forms)('$name: charged its count within the gate on the keeper\'s line, the turn ranks by words and says why; the next run, the server well, works', async ({ data, reported, charged }) => {
    const root = embeddingOrg(server.url);
    humanSendsAll(root, [{ subject: 'Auditor', body: `The auditor we hired is Brandt and Sons. ${'Their report is long. '.repeat(40)}` }]);
    const before = server.requests.length;
    const run = await whileServing(server, unusable(data, { prompt_tokens: reported, total_tokens: reported }), () => lemmingAsync(root, ['run']));
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("keeper's memories are ranked by their words alone this turn: the embedding model embedder failed (models.embedder: /v1/embeddings answered");
    const asked = server.requests.slice(before);
    expect(asked).toHaveLength(1);
    // Before: no share of the embedder on the line, the tokens its server counted charged to no one.
    const [line] = keeperCharges(root);
    expect(line?.models?.embedder?.input_tokens).toBe(charged(texts(asked[0]!)));
    expect(line?.models?.embedder?.credits).toBeCloseTo((charged(texts(asked[0]!)) * EMBEDDER.price) / 1_000_000, 9);
    expect(checkInvariants(root)).toEqual([]);

    // The server well again: the next run embeds and charges what it counts.
    await wellAgain(root, server, before, 1);
    expect(checkInvariants(root)).toEqual([]);
  });

  test('recorded with --record, the replay fails alike and is charged the same, with the server down', async () => {
    const pristine = embeddingOrg(server.url);
    humanSendsAll(pristine, [{ subject: 'Auditor', body: 'The auditor we hired is Brandt and Sons.' }]);
    const replayed = scratchDir();
    cpSync(pristine, replayed, { recursive: true });
    const cassette = join(scratchDir(), 'run.jsonl');
    const recording = await whileServing(server, unusable(() => [], { prompt_tokens: 500, total_tokens: 500 }), () => lemmingAsync(pristine, ['run', '--record', cassette]));
    expect(recording.status).toBe(0);
    expect(keeperCharges(pristine)[0]?.models?.embedder?.input_tokens).toBe(500);
    const before = server.requests.length;
    // Before: the failure was not recorded, and the replay said the cassette held no such embedding and charged none.
    const replay = await whileServing(server, () => ({ status: 503, body: { error: { message: 'down' } } }), () => lemmingAsync(replayed, ['run', '--replay', cassette]));
    expect(replay.status).toBe(0);
    expect(server.requests.length).toBe(before);
    expect(replay.stdout).toContain("keeper's memories are ranked by their words alone this turn: the embedding model embedder failed");
    expect(keeperCharges(replayed).map((line) => line.models)).toEqual(keeperCharges(pristine).map((line) => line.models));
    expect(checkInvariants(replayed)).toEqual([]);
  });
});
