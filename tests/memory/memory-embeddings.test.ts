import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { openAIEmbedder } from '../../src/providers/openai/openai-embedder.js';
import { gatedEmbedder } from '../../src/providers/embedding-gate.js';
import { formatMemory, type Memory } from '../../src/memory/memory-file.js';
import { embedRecall, recallFor } from '../../src/memory/memory-layer.js';
import { streamFolder } from '../../src/memory/memory-paths.js';
import { writeMemories } from '../../src/memory/memory-stream.js';
import { vectorFolder } from '../../src/memory/memory-vectors.js';
import { priceCall } from '../../src/engine/money/charge.js';
import type { AgentMemory } from '../../src/org/org.js';
import type { ModelEntry } from '../../src/org/schema.js';
import { tempDir } from '../helpers/temp-dirs.js';
import { startWireServer } from '../helpers/wire-server.js';
import { embeddingsServer } from '../helpers/embeddings-server.js';

const settings: AgentMemory = { budgetTokens: 800, reflect: { every: 0, importance: 0 }, weights: { recency: 0.5, relevance: 3, importance: 2 } };
const memory = (id: string, text: string): Memory => ({ id, turn: Number(id.slice(0, 6)), kind: 'observation', importance: 5, sources: [], text });
const QUESTION = 'Which accountant did we engage?';

describe('memory relevance by embeddings (an OpenAI-compatible /v1/embeddings)', () => {
  test('each memory is embedded once, a changed one again, the spend is the server\'s tokens at the entry\'s price, and retrieval finds the memory worded differently', async () => {
    const root = tempDir();
    const server = await startWireServer(embeddingsServer);
    const entry = { provider: 'openai-compatible', model: 'toy-embed', base_url: `${server.url}/v1`, input_price: 20, output_price: 0, context_window: 8192 } as ModelEntry;
    const embed = gatedEmbedder(openAIEmbedder({ modelKey: 'embedder', entry, apiKey: 'none' }), 'embedder', entry);
    writeMemories(root, 'keeper', [
      memory('000001-001', 'The auditor we hired is Brandt and Sons.'),
      memory('000002-001', 'The janitor tidied shelf two of the storeroom.'),
      memory('000003-001', 'The storeroom shelf three was tidied.'),
    ]);

    // Words alone: the question shares no word with the fact it asks for, so the newer chores come first.
    const byWords = recallFor(root, 'keeper', settings, 10, [QUESTION]).memories.map((item) => item.id);
    expect(byWords).toEqual(['000003-001', '000002-001', '000001-001']);

    const first = await embedRecall(root, 'keeper', 10, [QUESTION], 'toy-embed', embed);
    expect(server.requests.map((request) => (request.body.input as string[]).length)).toEqual([4]);
    expect(first.embedded).toBe(3);
    expect(readdirSync(vectorFolder(root, 'keeper')).sort()).toEqual(['000001-001.json', '000002-001.json', '000003-001.json', 'query']);
    const tokens = 5 + 8 + 8 + 6;
    expect(first.inputTokens).toBe(tokens);
    expect(priceCall({ inputTokens: first.inputTokens, outputTokens: 0 }, entry)).toBeCloseTo((tokens * 20) / 1_000_000, 12);
    const byMeaning = recallFor(root, 'keeper', settings, 10, [QUESTION], first).memories.map((item) => item.id);
    expect(byMeaning[0]).toBe('000001-001');

    // The same turn's retrieval asked again (planned again after a crash): nothing goes to the server, and it ranks alike from the kept files.
    const repeated = await embedRecall(root, 'keeper', 10, [QUESTION], 'toy-embed', embed);
    expect(server.requests).toHaveLength(1);
    expect(repeated.inputTokens).toBe(0);
    expect(recallFor(root, 'keeper', { ...settings, embeddings: { modelKey: 'embedder', model: 'toy-embed' } }, 10, [QUESTION]).memories.map((item) => item.id)).toEqual(byMeaning);

    // A later turn: the kept vectors are read back, only the query goes to the server.
    const again = await embedRecall(root, 'keeper', 11, [QUESTION], 'toy-embed', embed);
    expect(server.requests.map((request) => (request.body.input as string[]).length)).toEqual([4, 1]);
    expect(again.embedded).toBe(0);

    // A person edits a memory in place: once a retrieval has read it again (a memory about to be shown is checked against its file), that one, and only that one, is embedded again.
    writeFileSync(join(streamFolder(root, 'keeper'), '000003-001-observation.md'), formatMemory(memory('000003-001', 'The storeroom shelf four was tidied.')));
    recallFor(root, 'keeper', settings, 11, [QUESTION], again);
    const edited = await embedRecall(root, 'keeper', 12, [QUESTION], 'toy-embed', embed);
    expect(edited.embedded).toBe(1);
    expect(server.requests.at(-1)?.body.input).toEqual([QUESTION, 'The storeroom shelf four was tidied.']);
    await server.close();
  });
});
