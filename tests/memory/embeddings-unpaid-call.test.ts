import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { embeddingsServer } from '../helpers/embeddings-server.js';
import { humanSendsAll, memoryOrg } from '../helpers/memory-org.js';
import { ofType, runEngine } from '../helpers/temp-org.js';
import { startWireServer, type WireServer } from '../helpers/wire-server.js';

describe('embeddings for a call its credits do not cover (org.yaml memory.embeddings)', () => {
  let server: WireServer;
  beforeAll(async () => {
    server = await startWireServer(embeddingsServer);
  });
  afterAll(() => server.close());

  test('an agent skipped for its credits makes the turn ask the embedding server nothing, and is charged nothing', async () => {
    const root = memoryOrg({ memory: '{ keep: true, budget_tokens: 200, reflect: { every: 0, importance: 0 }, embeddings: { model: embedder } }' });
    const orgFile = join(root, 'org/org.yaml');
    const embedder = `  embedder: { provider: openai-compatible, model: toy-embed, base_url: ${server.url}/v1, input_price: 20, output_price: 0, context_window: 8192 }\n`;
    writeFileSync(orgFile, readFileSync(orgFile, 'utf8').replace('models:\n', `models:\n${embedder}`));
    // A billionth of a credit: no prompt is that cheap.
    const resume = join(root, 'agents/keeper/resume.md');
    writeFileSync(resume, readFileSync(resume, 'utf8').replace('credits: 100', 'credits: 0.000000001'));
    humanSendsAll(root, [{ subject: 'Auditor', body: 'The auditor we hired is Brandt and Sons.' }]);
    const events = await runEngine(root, { maxTurns: 1 });
    expect(ofType(events, 'agent-skipped')).toMatchObject([{ agent: 'keeper', reason: 'insufficient-credits' }]);
    expect(server.requests).toEqual([]);
    expect(ofType(events, 'credits-charged')).toEqual([]);
  });
});
