import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { lemmingAsync } from '../helpers/cli.js';
import { embeddingsServer, hostileEmbeddings, wellAgain, whileServing } from '../helpers/embeddings-server.js';
import { EMBEDDER, embeddingOrg, humanSendsAll, keeperCharges } from '../helpers/memory-org.js';
import { startWireServer, type ReceivedRequest, type WireServer } from '../helpers/wire-server.js';
import { checkInvariants } from '../faults/invariants.js';

/*
 * Issue 72, item 1: the usage an embedding server reports enters through the one usage gate. A
 * server that reports its prompt tokens as text, a fraction, a negative number or 1e308 once bricked
 * the org: the charge line was refused by the ledger's writer and every later run failed the same way.
 */

const WINDOW = EMBEDDER.window;
const PRICE = EMBEDDER.price;

/** The texts of an embedding request. */
function texts(request: ReceivedRequest): string[] {
  return request.body.input as string[];
}

/** lemming's documented estimate of texts: a token for each 4 characters, rounded up (docs/offline-model.md). */
function estimateOf(sent: readonly string[]): number {
  return sent.reduce((sum, text) => sum + Math.ceil(text.length / 4), 0);
}

describe('an embedding server reporting hostile usage (issue 72, item 1)', () => {
  let server: WireServer;
  beforeAll(async () => {
    server = await startWireServer(embeddingsServer);
  });
  afterAll(() => server.close());

  /** What each hostile `usage.prompt_tokens` is charged as, given the texts of the request that reported it, and what the human is told (a count that is none is estimated, as a chat answer's is). */
  const forms: Array<{ name: string; reported: unknown; charged: (sent: readonly string[]) => number; told?: string }> = [
    { name: 'a string', reported: '7000', charged: estimateOf },
    { name: 'a fraction', reported: 12.5, charged: () => 13, told: 'embedder reported 12.5 input tokens; counted as 13 (token counts are whole)' },
    { name: 'a negative number', reported: -5_000_000, charged: estimateOf },
    { name: '1e308', reported: 1e308, charged: (sent) => WINDOW * sent.length, told: `embedder reported 1e+308 input tokens; counted as ${WINDOW}, the most a call to it can use (org/org.yaml models.embedder.context_window)` },
  ];

  test.each(forms)('prompt_tokens as $name: the run ends well, the call and its embeddings are charged by the gate, and once the server is well again the next run charges what it counts', async ({ reported, charged, told }) => {
    const root = embeddingOrg(server.url);
    humanSendsAll(root, [{ subject: 'Auditor', body: 'The auditor we hired is Brandt and Sons.' }]);
    const before = server.requests.length;
    const hostile = await whileServing(server, hostileEmbeddings({ usage: { prompt_tokens: reported, total_tokens: reported } }), () => lemmingAsync(root, ['run']));
    expect(hostile.stderr).not.toContain('fault of lemming');
    expect(hostile.status).toBe(0);
    const asked = server.requests.slice(before);
    expect(asked).toHaveLength(1);
    const [line] = keeperCharges(root);
    const share = line?.models?.embedder;
    expect(share?.input_tokens).toBe(charged(texts(asked[0]!)));
    expect(share?.credits).toBeCloseTo(((share?.input_tokens as number) * PRICE) / 1_000_000, 9);
    // The chat call that was made is charged too: the offline model's share beside the embeddings'.
    expect(line?.models?.offline?.input_tokens).toEqual(expect.any(Number));
    expect(line?.input_tokens).toBe((share?.input_tokens as number) + (line?.models?.offline?.input_tokens as number));
    if (told) expect((await lemmingAsync(root, ['inbox'])).stdout).toContain(told);

    // The server well again: the next turn's embeddings are charged what it counts.
    await wellAgain(root, server, before, 1);
    expect(checkInvariants(root)).toEqual([]);
  });
});
