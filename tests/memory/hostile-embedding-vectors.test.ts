import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { lemmingAsync } from '../helpers/cli.js';
import { embeddingsServer, hostileEmbeddings, toyTokens, toyVector, whileServing } from '../helpers/embeddings-server.js';
import { embeddingOrg, humanSendsAll, keeperCharges } from '../helpers/memory-org.js';
import { startWireServer, type ReceivedRequest, type WireHandler, type WireServer } from '../helpers/wire-server.js';
import { checkInvariants } from '../faults/invariants.js';

/*
 * Issue 72, item 2: the vectors an embedding server answers are checked before they are kept. A server
 * that answered 100,000 floats a text, or "NaN" strings, once had every memory sent, and charged, again
 * every turn (texts a request 1, 2, 3, 4, 5, 6), its files growing by 1.2 MB a memory under no quota.
 */

/** One message a turn: the keeper keeps two memories of each turn (what it read, what it did), each new to the next turn's retrieval. */
const MAIL = ['Tidy shelf one.', 'Tidy shelf two.', 'Tidy shelf three.', 'Tidy shelf four.', 'Tidy shelf five.', 'Which shelf is left?'].map((body, index) => ({ subject: `Chore ${index + 1}`, body }));

function texts(request: ReceivedRequest): string[] {
  return request.body.input as string[];
}

/** The keeper's vector files, by name, with their sizes. */
function vectorFiles(root: string): Map<string, number> {
  const folder = join(root, 'agents/keeper/memory/vectors');
  return new Map(readdirSync(folder, { withFileTypes: true }).filter((entry) => entry.isFile()).map((entry) => [entry.name, statSync(join(folder, entry.name)).size]));
}

/** Each text a memory's request sent (all but the query, which is first), in order. */
function memoriesSent(requests: readonly ReceivedRequest[]): string[] {
  return requests.flatMap((request) => texts(request).slice(1));
}

describe('an embedding server answering hostile vectors (issue 72, item 2)', () => {
  let server: WireServer;
  beforeAll(async () => {
    server = await startWireServer(embeddingsServer);
  });
  afterAll(() => server.close());

  const hostile: Array<{ name: string; vector: () => unknown; why: string }> = [
    { name: '100,000 floats a text', vector: () => Array.from({ length: 100_000 }, (_, index) => (index % 7) / 7), why: 'it holds 100000 numbers; a vector holds 1 to 8192' },
    { name: '"NaN" strings', vector: () => Array.from({ length: 64 }, () => 'NaN'), why: 'its number 1 is "NaN"' },
  ];

  test.each(hostile)('$name: each memory is sent once, its vector refused and said once, the words rank, the files stay small; the run goes on and is charged', async ({ vector, why }) => {
    const root = embeddingOrg(server.url);
    humanSendsAll(root, MAIL);
    const before = server.requests.length;
    const run = await whileServing(server, hostileEmbeddings({ vector }), () => lemmingAsync(root, ['run']));
    expect(run.status).toBe(0);
    const asked = server.requests.slice(before);
    // One request a turn: the query, and the two memories new since the last turn; none sent twice (an older lemming sent 1, 3, 5, 7, 9, 11).
    expect(asked.map((request) => texts(request).length)).toEqual([1, 3, 3, 3, 3, 3]);
    const sent = memoriesSent(asked);
    expect(new Set(sent).size).toBe(sent.length);
    // Nothing the rule refuses is kept: the files say why, each well under the 256 KB a vector file is read with.
    const files = vectorFiles(root);
    expect(files.size).toBe(2 * (MAIL.length - 1));
    for (const size of files.values()) expect(size).toBeLessThan(2048);
    const folder = join(root, 'agents/keeper/memory/vectors');
    for (const name of files.keys()) expect(JSON.parse(readFileSync(join(folder, name), 'utf8')).refused).toContain(why);
    // Said once for each memory refused, naming the folder; the query's, each turn (its words rank that turn).
    const said = run.stdout.split('\n').filter((line) => line.includes("keeper: the embedding model embedder's vectors for 2 memories were refused"));
    expect(said).toHaveLength(MAIL.length - 1);
    expect(said[0]).toContain('agents/keeper/memory/vectors/');
    expect(said[0]).toContain(why);
    expect(run.stdout.split('\n').filter((line) => line.includes("keeper's memories are ranked by their words alone this turn: the embedding model embedder's vector for the query was refused"))).toHaveLength(MAIL.length);
    // Charged what the server counted, each turn.
    expect(keeperCharges(root).map((line) => line.models?.embedder?.input_tokens)).toEqual(asked.map((request) => toyTokens(texts(request))));
    expect(checkInvariants(root)).toEqual([]);

    // The server well again: new memories are embedded, the refused ones are not sent again while their text stays the same.
    humanSendsAll(root, [{ subject: 'Chore 7', body: 'Tidy shelf seven.' }]);
    const well = await lemmingAsync(root, ['run']);
    expect(well.status).toBe(0);
    const next = server.requests.slice(before + asked.length);
    expect(next.map((request) => texts(request).length)).toEqual([3]);
    for (const text of texts(next[0]!).slice(1)) expect(sent).not.toContain(text);
  });

  test('a vector of another length than the model gave before is refused, the kept ones still rank', async () => {
    const root = embeddingOrg(server.url);
    humanSendsAll(root, MAIL.slice(0, 3));
    expect((await lemmingAsync(root, ['run'])).status).toBe(0);
    const kept = vectorFiles(root);
    expect(kept.size).toBe(4);
    humanSendsAll(root, MAIL.slice(3, 4));
    const run = await whileServing(server, hostileEmbeddings({ vector: (text) => [...toyVector(text), 1] }), () => lemmingAsync(root, ['run']));
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('it holds 65 numbers where the model gave 64 before');
    const folder = join(root, 'agents/keeper/memory/vectors');
    for (const name of kept.keys()) expect(JSON.parse(readFileSync(join(folder, name), 'utf8')).vector).toHaveLength(64);
    const refused = [...vectorFiles(root).keys()].filter((name) => !kept.has(name));
    expect(refused).toHaveLength(2);
    for (const name of refused) expect(JSON.parse(readFileSync(join(folder, name), 'utf8')).refused).toContain('where the model gave 64 before');
    // The way out is said: the model may now give 65 under the same name (before, only "once the server is mended, remove those files", which
    // refused the same memories again, the 64s kept being the length held to).
    const wayOut = 'If toy-embed now gives 65 numbers a vector (another model, or another size, under that name), remove the files of agents/keeper/memory/vectors/ to embed the stream again at that length';
    expect(run.stdout).toContain(`the embedding model embedder's vector for the query was refused (it holds 65 numbers where the model gave 64 before). ${wayOut}`);
    // Taken: every memory embedded again at 65, nothing refused, the query ranked by both.
    rmSync(folder, { recursive: true });
    humanSendsAll(root, MAIL.slice(4, 5));
    const after = await whileServing(server, hostileEmbeddings({ vector: (text) => [...toyVector(text), 1] }), () => lemmingAsync(root, ['run']));
    expect(after.status).toBe(0);
    expect(after.stdout).not.toContain('warning');
    for (const name of vectorFiles(root).keys()) expect(JSON.parse(readFileSync(join(folder, name), 'utf8')).vector, name).toHaveLength(65);
    expect(vectorFiles(root).size).toBe(8);
  });

  test('a kept vector cut short by a hand edit is made again once, and does not set the length every new vector is held to', async () => {
    const root = embeddingOrg(server.url);
    humanSendsAll(root, MAIL.slice(0, 3));
    expect((await lemmingAsync(root, ['run'])).status).toBe(0);
    const folder = join(root, 'agents/keeper/memory/vectors');
    // The oldest memory's vector, its last number cut off (a line an editor or a full disk left short).
    const [oldest] = [...vectorFiles(root).keys()].sort();
    const stored = JSON.parse(readFileSync(join(folder, oldest!), 'utf8')) as { model: string; hash: string; vector: number[] };
    writeFileSync(join(folder, oldest!), `${JSON.stringify({ ...stored, vector: stored.vector.slice(0, -1) })}\n`);
    const before = server.requests.length;
    humanSendsAll(root, MAIL.slice(3, 4));
    const run = await lemmingAsync(root, ['run']);
    expect(run.status).toBe(0);
    // Nothing refused: the well server's vectors are kept, the short one made again beside the query and the two new memories.
    expect(run.stdout).not.toContain('warning');
    expect(server.requests.slice(before).map((request) => texts(request).length)).toEqual([4]);
    for (const name of vectorFiles(root).keys()) expect(JSON.parse(readFileSync(join(folder, name), 'utf8')).vector, name).toHaveLength(64);
    expect(JSON.parse(readFileSync(join(folder, oldest!), 'utf8')).vector).toEqual(stored.vector);
  });

  test('an answer whose indices do not name each text once (every index 0, the vectors in another order) keeps no vector: the turn ranks by words and says why, and the memories are embedded once the server is well', async () => {
    const root = embeddingOrg(server.url);
    humanSendsAll(root, MAIL.slice(0, 3));
    const before = server.requests.length;
    const shuffled: WireHandler = (request) => {
      const answer = embeddingsServer(request);
      const body = answer.body as { data: Array<{ index: number }> };
      return { ...answer, body: { ...body, data: [...body.data].reverse().map((item) => ({ ...item, index: 0 })) } };
    };
    const run = await whileServing(server, shuffled, () => lemmingAsync(root, ['run']));
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("[turn 2] warning: keeper's memories are ranked by their words alone this turn: the embedding model embedder failed (models.embedder: /v1/embeddings answered the indices [0, 0, 0] for 3 texts; a vector for each text, by its index from 0 to 2, is needed)");
    // Every vector kept is the one its memory's text makes: none was matched to another text.
    const byHash = new Map(server.requests.slice(before).flatMap((request) => texts(request)).map((text) => [createHash('sha256').update(text).digest('hex'), text]));
    const folder = join(root, 'agents/keeper/memory/vectors');
    const matched = (): number => {
      let count = 0;
      for (const name of vectorFiles(root).keys()) {
        const stored = JSON.parse(readFileSync(join(folder, name), 'utf8')) as { hash: string; vector?: number[] };
        if (stored.vector === undefined) continue;
        expect(stored.vector).toEqual(toyVector(byHash.get(stored.hash) ?? ''));
        count += 1;
      }
      return count;
    };
    expect(matched()).toBe(0);
    humanSendsAll(root, MAIL.slice(3, 4));
    expect((await lemmingAsync(root, ['run'])).status).toBe(0);
    for (const request of server.requests.slice(before)) for (const text of texts(request)) byHash.set(createHash('sha256').update(text).digest('hex'), text);
    expect(matched()).toBe(6);
  });

  test('a vector file an older lemming wrote past what is read back is made again once, small, and then read back', async () => {
    const root = embeddingOrg(server.url);
    humanSendsAll(root, MAIL.slice(0, 2));
    expect((await lemmingAsync(root, ['run'])).status).toBe(0);
    const folder = join(root, 'agents/keeper/memory/vectors');
    const [name] = [...vectorFiles(root).keys()];
    const stored = JSON.parse(readFileSync(join(folder, name!), 'utf8')) as { model: string; hash: string };
    // As the older lemming kept a 100,000-float answer: 1.2 MB, never read back, so sent again every turn.
    writeFileSync(join(folder, name!), `${JSON.stringify({ ...stored, vector: Array.from({ length: 100_000 }, (_, index) => (index % 7) / 7) })}\n`);
    const before = server.requests.length;
    humanSendsAll(root, MAIL.slice(2, 3));
    expect((await lemmingAsync(root, ['run'])).status).toBe(0);
    humanSendsAll(root, MAIL.slice(3, 4));
    expect((await lemmingAsync(root, ['run'])).status).toBe(0);
    const asked = server.requests.slice(before);
    // Sent again once (beside the query and the two new memories), not the turn after.
    expect(asked.map((request) => texts(request).length)).toEqual([4, 3]);
    expect(statSync(join(folder, name!)).size).toBeLessThan(4096);
    expect(JSON.parse(readFileSync(join(folder, name!), 'utf8')).vector).toHaveLength(64);
  });
});
