import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadOrg } from '../../src/org/load-org-once.js';
import { createProviderFactory } from '../../src/providers/create-provider.js';
import { lemmingAsync } from '../helpers/cli.js';
import { embeddingsServer } from '../helpers/embeddings-server.js';
import { humanSendsAll, memoryOrg, recalledFiles } from '../helpers/memory-org.js';
import { charges } from '../helpers/org-snapshot.js';
import { ofType, runEngine } from '../helpers/temp-org.js';
import { startWireServer, type WireServer } from '../helpers/wire-server.js';
import { scratchDir } from '../faults/scratch.js';

/** The fact, worded so the question shares no word with it, and mail that comes between. */
const MAIL = [
  { subject: 'Auditor', body: 'The auditor we hired is Brandt and Sons.' },
  { subject: 'Chore 1', body: 'Tidy the storeroom shelf one, please.' },
  { subject: 'Chore 2', body: 'Tidy the storeroom shelf two, please.' },
  { subject: 'Chore 3', body: 'Tidy the storeroom shelf three, please.' },
  { subject: 'Question', body: 'Which accountant did we engage?' },
];

/** The keeper's org, its memories ranked by the stand-in server's embeddings (`embeddings: false`: by their words alone), the mail sent. */
function org(url: string, embeddings = true): string {
  const root = memoryOrg({ memory: `{ keep: true, budget_tokens: 200, reflect: { every: 0, importance: 0 }${embeddings ? ', embeddings: { model: embedder }' : ''} }`, maxMessages: 1 });
  const path = join(root, 'org/org.yaml');
  const embedder = `  embedder: { provider: openai-compatible, model: toy-embed, base_url: ${url}/v1, input_price: 20, output_price: 0, context_window: 8192 }\n`;
  writeFileSync(path, readFileSync(path, 'utf8').replace('models:\n', `models:\n${embedder}`));
  humanSendsAll(root, MAIL);
  return root;
}

/** The ledger's charge lines, whole. */
function chargeLines(root: string): Array<{ turn: number; agent: string; input_tokens: number; models?: Record<string, { input_tokens: number; credits: number }> }> {
  return readFileSync(join(root, 'org/state/ledger.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.includes('"type":"charge"'))
    .map((line) => JSON.parse(line));
}

/** The memory the keeper's prompt for the question recalled first: the file of its last turn. */
function recalledForQuestion(root: string): string {
  const files = recalledFiles(root);
  const last = Object.keys(files).sort().at(-1) ?? '';
  return files[last] ?? '';
}

describe('relevance by embeddings in a run (org.yaml memory.embeddings)', () => {
  let server: WireServer;
  let pristine = '';
  let recorded = '';
  let cassette = '';
  let calledInRun = 0;

  beforeAll(async () => {
    server = await startWireServer(embeddingsServer);
    // Kept for the file's tests (memoryOrg's folder goes after the first test).
    pristine = scratchDir();
    cpSync(org(server.url), pristine, { recursive: true });
    recorded = scratchDir();
    cpSync(pristine, recorded, { recursive: true });
    cassette = join(scratchDir(), 'run.jsonl');
    await runEngine(recorded, { maxTurns: 20 }, { providerFactory: createProviderFactory({ root: recorded, record: cassette }) });
    calledInRun = server.requests.length;
  });
  afterAll(() => server.close());

  test('the plainly worded fact is recalled for the synonym question, each memory embedded once, the embeddings on the keeper\'s charge lines', async () => {
    // By words alone the question finds nothing, and the newest chore is recalled instead.
    const byWords = org(server.url, false);
    await runEngine(byWords, { maxTurns: 20 });
    expect(recalledForQuestion(byWords)).not.toMatch(/^000001-/);
    expect(recalledForQuestion(recorded)).toMatch(/^000001-/);

    // One request a turn the keeper was called, each memory's text sent once, its query first.
    expect(calledInRun).toBe(MAIL.length);
    const memoriesSent = server.requests.flatMap((request) => (request.body.input as string[]).slice(1));
    expect(new Set(memoriesSent).size).toBe(memoriesSent.length);
    expect(memoriesSent.length).toBeGreaterThanOrEqual(MAIL.length - 1);

    // Charged: the server's tokens, each turn's on that turn's charge line, priced at the embedder's 20 a million.
    const served = server.requests.map((request) => (request.body.input as string[]).reduce((sum, text) => sum + text.split(/\s+/).length, 0));
    const lines = chargeLines(recorded).filter((line) => line.agent === 'keeper').sort((left, right) => left.turn - right.turn);
    expect(lines.map((line) => line.models?.embedder?.input_tokens)).toEqual(served);
    for (const line of lines) expect(line.models?.embedder?.credits).toBeCloseTo(((line.models?.embedder?.input_tokens ?? 0) * 20) / 1_000_000, 12);
  });

  test('killed after the question\'s answer and finished by the next run: the server is not asked again, the same memories recalled, the same charges', async () => {
    const root = scratchDir();
    cpSync(pristine, root, { recursive: true });
    const before = server.requests.length;
    const killed = await lemmingAsync(root, ['run'], { LEMMING_CRASH_AT: `after-answer:${MAIL.length}` });
    expect(killed.signal).toBe('SIGKILL');
    expect(server.requests.length - before).toBe(MAIL.length);
    const finished = await lemmingAsync(root, ['run']);
    expect(finished.stderr).toBe('');
    expect(finished.status).toBe(0);
    expect(server.requests.length - before).toBe(MAIL.length);
    expect(recalledFiles(root)).toEqual(recalledFiles(recorded));
    expect(charges(root)).toEqual(charges(recorded));
  });

  test('replayed from its cassette with the embedding server down: the same vectors, the same memories recalled, the same charges, no server asked', async () => {
    const root = scratchDir();
    cpSync(pristine, root, { recursive: true });
    const before = server.requests.length;
    server.handle(() => ({ status: 503, body: { error: { message: 'down' } } }));
    try {
      // As a person replays it: `lemming run --replay` (the run's provider factory, queue-provider-factory.ts).
      const replayed = await lemmingAsync(root, ['run', '--replay', cassette]);
      expect(replayed.stderr).toBe('');
      expect(replayed.status).toBe(0);
      expect(replayed.stdout).not.toContain('ranked by their words alone');
      expect(server.requests.length).toBe(before);
      expect(recalledForQuestion(root)).toMatch(/^000001-/);
      expect(recalledFiles(root)).toEqual(recalledFiles(recorded));
      expect(chargeLines(root)).toEqual(chargeLines(recorded));
    } finally {
      server.handle(embeddingsServer);
    }
  });

  test('the chat call fails after the plan embedded its retrieval: the embedding tokens are still on the keeper\'s charge line', async () => {
    const root = org(server.url);
    const path = join(root, 'org/org.yaml');
    writeFileSync(path, readFileSync(path, 'utf8').replace('models:\n', `models:\n  chat: { provider: openai-compatible, model: toy-chat, base_url: ${server.url}/v1, input_price: 1, output_price: 1, context_window: 8192 }\n`));
    const resume = join(root, 'agents/keeper/resume.md');
    writeFileSync(resume, readFileSync(resume, 'utf8').replace('model: offline', 'model: chat'));
    const before = server.requests.length;
    server.handle((request) => (request.path === '/v1/embeddings' ? embeddingsServer(request) : { status: 400, body: { error: { message: 'no chat here' } } }));
    try {
      const events = await runEngine(root, { maxTurns: 1 });
      expect(ofType(events, 'agent-error').map((event) => event.agent)).toEqual(['keeper']);
      const embedded = server.requests.slice(before).filter((request) => request.path === '/v1/embeddings');
      expect(embedded).toHaveLength(1);
      const tokens = embedded.flatMap((request) => request.body.input as string[]).reduce((sum, text) => sum + text.split(/\s+/).length, 0);
      const lines = chargeLines(root).filter((line) => line.agent === 'keeper');
      expect(lines).toHaveLength(1);
      expect(lines[0]?.input_tokens).toBe(tokens);
      const credits = (JSON.parse(readFileSync(join(root, 'org/state/ledger.jsonl'), 'utf8').split('\n').find((line) => line.includes('"type":"charge"')) ?? '{}') as { credits: number }).credits;
      expect(credits).toBeCloseTo((tokens * 20) / 1_000_000, 12);
    } finally {
      server.handle(embeddingsServer);
    }
  });

  test('a server that stalls after its headers: no answer within timeout_ms, the words alone rank that turn, the run goes on', async () => {
    const root = org(server.url);
    const path = join(root, 'org/org.yaml');
    writeFileSync(path, readFileSync(path, 'utf8').replace('context_window: 8192 }', 'context_window: 8192, timeout_ms: 300 }'));
    server.handle((request) => ({ ...embeddingsServer(request), stallMidBody: true }));
    try {
      const events = await runEngine(root, { maxTurns: 20 });
      const warnings = ofType(events, 'warning').map((event) => event.message);
      expect(warnings.filter((message) => message === "keeper's memories are ranked by their words alone this turn: the embedding model embedder failed (embedder: no answer within 300 ms (org.yaml models.embedder.timeout_ms))")).toHaveLength(MAIL.length);
      expect(ofType(events, 'agent-error')).toEqual([]);
      expect(chargeLines(root).every((line) => line.models?.embedder === undefined)).toBe(true);
    } finally {
      server.handle(embeddingsServer);
    }
  }, 60_000);

  test('a server that fails: the words alone rank that turn, the run says so and goes on', async () => {
    const root = org(server.url);
    server.handle(() => ({ status: 500, body: { error: { message: 'out of memory' } } }));
    try {
      const events = await runEngine(root, { maxTurns: 20 });
      const warnings = ofType(events, 'warning').map((event) => event.message);
      expect(warnings.filter((message) => message.startsWith("keeper's memories are ranked by their words alone this turn: the embedding model embedder failed"))).toHaveLength(MAIL.length);
      expect(ofType(events, 'agent-error')).toEqual([]);
      expect(recalledForQuestion(root)).not.toMatch(/^000001-/);
      expect(chargeLines(root).every((line) => line.models?.embedder === undefined)).toBe(true);
    } finally {
      server.handle(embeddingsServer);
    }
  });

  test('org.yaml memory.embeddings naming a model that serves no /v1/embeddings is an error naming the file, the field and the valid keys', () => {
    const root = org(server.url);
    const path = join(root, 'org/org.yaml');
    writeFileSync(path, readFileSync(path, 'utf8').replace('embeddings: { model: embedder }', 'embeddings: { model: offline }'));
    expect(() => loadOrg(root)).toThrow(/^org\/org\.yaml:\d+: memory\.embeddings\.model: names "offline", whose provider offline serves no \/v1\/embeddings; use one of: embedder$/);
    // A resume's own: the same rule, said of its file.
    writeFileSync(path, readFileSync(path, 'utf8').replace('embeddings: { model: offline }', 'embeddings: { model: embedder }'));
    const resume = join(root, 'agents/keeper/resume.md');
    writeFileSync(resume, readFileSync(resume, 'utf8').replace('credits: 100\n', 'credits: 100\nmemory: { embeddings: { model: embeder } }\n'));
    expect(() => loadOrg(root)).toThrow(/agents\/keeper\/resume\.md: memory\.embeddings\.model: names the model "embeder", which is not in org\/org\.yaml models; use one of: embedder/);
    writeFileSync(resume, readFileSync(resume, 'utf8').replace('{ embeddings: { model: embeder } }', '{ embeddings: off }'));
    expect(loadOrg(root).org.agents.get('keeper')?.memory?.embeddings).toBeUndefined();
  });
});
