import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { lemming, lemmingAsync } from '../helpers/cli.js';
import { embeddingsServer, toyTokens } from '../helpers/embeddings-server.js';
import { embeddingOrg, humanSendsAll, keeperCharges } from '../helpers/memory-org.js';
import { startWireServer, type ReceivedRequest, type WireServer } from '../helpers/wire-server.js';

/*
 * A person adds a memory of their own by copying one of the stream's files and changing its text, and
 * keeps its `id:` line. An id names one memory: its vector file, its accesses and the prompt's
 * `<recalled id>` go by it. Before, the two memories took turns over `vectors/<id>.json`: each turn one
 * of them no longer matched the kept vector's text, and was sent to the embedding server, and charged,
 * again, for as long as both files stayed.
 */

const MAIL = ['Tidy shelf one.', 'Tidy shelf two.', 'Tidy shelf three.', 'Tidy shelf four.', 'Tidy shelf five.', 'Which shelf is left?'].map((body, index) => ({ subject: `Chore ${index + 1}`, body }));

function texts(request: ReceivedRequest): string[] {
  return request.body.input as string[];
}

describe('two memory files that give the same id', () => {
  let server: WireServer;
  beforeAll(async () => {
    server = await startWireServer(embeddingsServer);
  });
  afterAll(() => server.close());

  test('the later file is left out and said, naming both files and a valid id; no memory is embedded, or charged, twice', async () => {
    const root = embeddingOrg(server.url);
    humanSendsAll(root, MAIL.slice(0, 2));
    expect((await lemmingAsync(root, ['run'])).status).toBe(0);
    const stream = join(root, 'agents/keeper/memory/stream');
    const [first] = readdirSync(stream).sort();
    expect(first).toBe('000001-001-observation.md');
    // The person's copy: the same front matter (id 000001-001), a text of their own.
    writeFileSync(join(stream, 'mine.md'), readFileSync(join(stream, first!), 'utf8').replace(/\n---\n[\s\S]*$/, '\n---\nThe spare key is under the blue pot.\n'));

    const before = server.requests.length;
    for (const mail of MAIL.slice(2)) {
      humanSendsAll(root, [mail]);
      expect((await lemmingAsync(root, ['run'])).status).toBe(0);
    }
    const asked = server.requests.slice(before);
    // Each turn: its query and the two memories of the turn before, none sent again (before: 4, 4, 4, 4, one of the pair each turn).
    expect(asked.map((request) => texts(request).length)).toEqual([3, 3, 3, 3]);
    const sent = asked.flatMap((request) => texts(request).slice(1));
    expect(new Set(sent).size).toBe(sent.length);
    expect(keeperCharges(root).slice(-4).map((line) => line.models?.embedder?.input_tokens)).toEqual(asked.map((request) => toyTokens(texts(request))));

    const listed = lemming(root, ['memory', 'keeper']);
    expect(listed.status).toBe(0);
    expect(listed.stderr).toContain('agents/keeper/memory/stream/mine.md cannot be read: mine.md: id 000001-001 is already the id of 000001-001-observation.md; give this memory an id of its own (like `id: mine`), or remove its id line to take its name');
    expect(listed.stdout.split('\n').filter((line) => line.includes(' 000001-001 '))).toHaveLength(1);

    // Given an id of its own, it is a memory like any other: embedded once, and found.
    writeFileSync(join(stream, 'mine.md'), readFileSync(join(stream, 'mine.md'), 'utf8').replace('id: 000001-001', 'id: mine'));
    humanSendsAll(root, [{ subject: 'Chore 7', body: 'Where is the spare key?' }]);
    expect((await lemmingAsync(root, ['run'])).status).toBe(0);
    expect(server.requests.slice(before + asked.length).flatMap((request) => texts(request))).toContain('The spare key is under the blue pot.');
    expect(lemming(root, ['memory', 'keeper', 'spare key']).stdout).toContain('mine observation');
  });
});
