import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createProviderFactory } from '../../src/providers/create-provider.js';
import { lemmingAsync } from '../helpers/cli.js';
import { embeddingsServer, hostileEmbeddings, whileServing } from '../helpers/embeddings-server.js';
import { embeddingOrg, humanSendsAll, keeperCharges, recalledFiles } from '../helpers/memory-org.js';
import { runEngine } from '../helpers/temp-org.js';
import { startWireServer, type WireHandler, type WireServer } from '../helpers/wire-server.js';
import { checkInvariants } from '../faults/invariants.js';
import { scratchDir } from '../faults/scratch.js';

/*
 * Issue 72, items 1 and 2, on `--replay`: a cassette is a file anyone can edit, and its embedding
 * answers pass the same gates as a server's. One whose embedding entries said `inputTokens: 12.5`
 * once bricked the org as the live server did.
 */

const MAIL = ['The auditor we hired is Brandt and Sons.', 'Tidy shelf one.', 'Tidy shelf two.', 'Which accountant did we engage?'].map((body, index) => ({ subject: `Mail ${index + 1}`, body }));

type Json = Record<string, any>;

/** The embedding server down: a replay must reach it never. */
const DOWN: WireHandler = () => ({ status: 503, body: { error: { message: 'down' } } });

/** The cassette's lines, each embedding entry changed by `edit` (its index among them given). */
function editEmbeddings(cassette: string, edit: (entry: Json, index: number) => void): string {
  let index = 0;
  const lines = readFileSync(cassette, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Json);
  for (const line of lines) if (line.embedding) edit(line, index++);
  const edited = join(scratchDir(), 'edited.jsonl');
  writeFileSync(edited, `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`);
  return edited;
}

describe('a hostile cassette on --replay (issue 72, items 1 and 2)', () => {
  let server: WireServer;
  let pristine = '';
  let recorded = '';
  let cassette = '';

  beforeAll(async () => {
    server = await startWireServer(embeddingsServer);
    pristine = scratchDir();
    cpSync(embeddingOrg(server.url), pristine, { recursive: true });
    humanSendsAll(pristine, MAIL);
    recorded = scratchDir();
    cpSync(pristine, recorded, { recursive: true });
    cassette = join(scratchDir(), 'run.jsonl');
    await runEngine(recorded, { maxTurns: 20 }, { providerFactory: createProviderFactory({ root: recorded, record: cassette }) });
  });
  afterAll(() => server.close());

  test('embedding entries saying inputTokens: 12.5: the replay ends well, each turn\'s embeddings charged 13 tokens, with the server down', async () => {
    const root = scratchDir();
    cpSync(pristine, root, { recursive: true });
    const edited = editEmbeddings(cassette, (entry) => {
      entry.answer.inputTokens = 12.5;
    });
    const before = server.requests.length;
    const replayed = await whileServing(server, DOWN, () => lemmingAsync(root, ['run', '--replay', edited]));
    expect(replayed.stderr).toBe('');
    expect(replayed.status).toBe(0);
    expect(server.requests.length).toBe(before);
    const lines = keeperCharges(root);
    expect(lines).toHaveLength(keeperCharges(recorded).length);
    expect(lines.map((line) => line.models?.embedder?.input_tokens)).toEqual(lines.map(() => 13));
    expect((await lemmingAsync(root, ['inbox'])).stdout).toContain('embedder reported 12.5 input tokens; counted as 13 (token counts are whole)');
    expect(checkInvariants(root)).toEqual([]);
  });

  test('recorded from a server that answered "NaN" strings for a memory: the replay refuses it as the run did, says so once, and asks the cassette nothing it does not hold', async () => {
    const root = scratchDir();
    cpSync(pristine, root, { recursive: true });
    const run = scratchDir();
    cpSync(pristine, run, { recursive: true });
    const poisoned = join(scratchDir(), 'poisoned.jsonl');
    // The memory about shelf one (a memory is never first in its request: the query is) is answered in "NaN" strings.
    const poison = hostileEmbeddings({ vector: (text, index) => (index > 0 && text.includes('shelf one') ? new Array(64).fill('NaN') : undefined) });
    await whileServing(server, poison, () => runEngine(run, { maxTurns: 20 }, { providerFactory: createProviderFactory({ root: run, record: poisoned }) }));
    const before = server.requests.length;
    const replayed = await whileServing(server, DOWN, () => lemmingAsync(root, ['run', '--replay', poisoned]));
    expect(replayed.stderr).toBe('');
    expect(replayed.status).toBe(0);
    expect(server.requests.length).toBe(before);
    // Every request is one the cassette holds: the refused memory is not asked again (a request it does not hold would be said).
    expect(replayed.stdout).not.toContain('holds no embedding');
    expect(replayed.stdout.split('\n').filter((line) => line.includes("keeper: the embedding model embedder's vector for 1 memory was refused (its number 1 is \"NaN\""))).toHaveLength(1);
    expect(recalledFiles(root)).toEqual(recalledFiles(run));
    expect(keeperCharges(root)).toEqual(keeperCharges(run).map((line) => ({ ...line, at: expect.any(String) })));
    expect(checkInvariants(root)).toEqual([]);
  });
});
