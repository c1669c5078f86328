import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { lemmingAsync } from '../helpers/cli.js';
import { embeddingsServer, toyTokens } from '../helpers/embeddings-server.js';
import { embeddingOrg, humanSendsAll, keeperCharges } from '../helpers/memory-org.js';
import { startWireServer, type ReceivedRequest, type WireServer } from '../helpers/wire-server.js';

/*
 * A person names another embedding model in org.yaml between runs. The vectors kept for the old one are
 * never ranked with the new one's: each memory is embedded again, once, and charged. Before, that was
 * done without a word; a stream of thousands of memories was sent again, and paid for, unsaid.
 */

const MAIL = ['Tidy shelf one.', 'Tidy shelf two.', 'Tidy shelf three.', 'Tidy shelf four.', 'Tidy shelf five.'].map((body, index) => ({ subject: `Chore ${index + 1}`, body }));

function texts(request: ReceivedRequest): string[] {
  return request.body.input as string[];
}

function keptModels(root: string): string[] {
  const folder = join(root, 'agents/keeper/memory/vectors');
  return readdirSync(folder).filter((name) => name.endsWith('.json')).map((name) => (JSON.parse(readFileSync(join(folder, name), 'utf8')) as { model: string }).model);
}

describe('another embedding model named between runs', () => {
  let server: WireServer;
  beforeAll(async () => {
    server = await startWireServer(embeddingsServer);
  });
  afterAll(() => server.close());

  test('every memory is embedded again by it once, charged with that turn and said; no vector of the old model is ranked with the new', async () => {
    const root = embeddingOrg(server.url);
    humanSendsAll(root, MAIL.slice(0, 3));
    expect((await lemmingAsync(root, ['run'])).status).toBe(0);
    expect(new Set(keptModels(root))).toEqual(new Set(['toy-embed']));
    const orgYaml = join(root, 'org/org.yaml');
    writeFileSync(orgYaml, readFileSync(orgYaml, 'utf8').replace('model: toy-embed,', 'model: toy-embed-large,'));

    const before = server.requests.length;
    humanSendsAll(root, MAIL.slice(3));
    const run = await lemmingAsync(root, ['run']);
    expect(run.status).toBe(0);
    const asked = server.requests.slice(before);
    // Turn 4: its query, the four memories toy-embed embedded and the two of turn 3; turn 5: its query and turn 4's two.
    expect(asked.map((request) => request.body.model)).toEqual(['toy-embed-large', 'toy-embed-large']);
    expect(asked.map((request) => texts(request).length)).toEqual([7, 3]);
    const said = run.stdout.split('\n').filter((line) => line.includes('embedded again'));
    expect(said).toEqual([
      "[turn 4] warning: agents/keeper/memory/vectors/: keeper: 4 memories were embedded again by the embedding model embedder (toy-embed-large), charged with this turn: their kept vectors were made by toy-embed, and the vectors of two models are never ranked together",
    ]);
    expect(keeperCharges(root).slice(-2).map((line) => line.models?.embedder?.input_tokens)).toEqual(asked.map((request) => toyTokens(texts(request))));
    expect(new Set(keptModels(root))).toEqual(new Set(['toy-embed-large']));
  });
});
