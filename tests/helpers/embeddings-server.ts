import { expect } from 'vitest';
import { lemmingAsync } from './cli.js';
import { humanSendsAll, keeperCharges } from './memory-org.js';
import type { ReceivedRequest, WireHandler, WireReply, WireServer } from './wire-server.js';

/** Words the toy embedder takes as one meaning: what a real embedding model knows and BM25 does not. */
const MEANINGS: Record<string, string> = { accountant: 'auditor', auditor: 'auditor', hired: 'hire', hire: 'hire', engage: 'hire', engaged: 'hire' };
const DIMENSIONS = 64;

/** A deterministic stand-in embedder: a hashed bag of words, each word first mapped to its meaning. */
export function toyVector(text: string): number[] {
  const vector = new Array<number>(DIMENSIONS).fill(0);
  for (const word of text.toLowerCase().split(/[^a-z]+/).filter((token) => token.length > 2)) {
    const meaning = MEANINGS[word] ?? word;
    let hash = 0;
    for (const char of meaning) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
    vector[hash % DIMENSIONS] = (vector[hash % DIMENSIONS] ?? 0) + 1;
  }
  return vector;
}

/** The tokens the stand-in server counts for texts: a token a word. */
export function toyTokens(texts: readonly string[]): number {
  return texts.reduce((sum, text) => sum + text.split(/\s+/).length, 0);
}

/** `/v1/embeddings` as OpenAI, vLLM, llama.cpp and Ollama serve it, a token a word. */
export function embeddingsServer(request: ReceivedRequest): WireReply {
  if (request.path !== '/v1/embeddings') return { status: 404, body: 'Not Found' };
  const input = request.body.input as string[];
  const tokens = toyTokens(input);
  return { body: { object: 'list', model: request.body.model, data: input.map((text, index) => ({ object: 'embedding', index, embedding: toyVector(text) })), usage: { prompt_tokens: tokens, total_tokens: tokens } } };
}

/**
 * The stand-in server made hostile: its `usage` replaced, and each text's vector replaced by what
 * `vector` gives for it (its place in the request given; undefined keeps the stand-in's).
 */
export function hostileEmbeddings(change: { usage?: Record<string, unknown>; vector?: (text: string, index: number) => unknown }): WireHandler {
  return (request) => {
    const answer = embeddingsServer(request);
    if (answer.status !== undefined) return answer;
    const body = answer.body as { data: Array<{ embedding: unknown }>; usage: Record<string, unknown> };
    const input = request.body.input as string[];
    const data = body.data.map((item, index) => ({ ...item, embedding: change.vector?.(input[index] ?? '', index) ?? item.embedding }));
    return { ...answer, body: { ...body, data, usage: change.usage ?? body.usage } };
  };
}

/** What `work` gives while the server answers by `handler`; the stand-in answers again after, however `work` ends. */
export async function whileServing<T>(server: WireServer, handler: WireHandler, work: () => Promise<T>): Promise<T> {
  server.handle(handler);
  try {
    return await work();
  } finally {
    server.handle(embeddingsServer);
  }
}

/**
 * After a turn with a hostile embedding server (its `asked` requests, the first of `server.requests` from `before`), the
 * server well again: the keeper's next turn asks once, is charged what the server counts on its second line, and the org validates.
 */
export async function wellAgain(root: string, server: WireServer, before: number, asked: number): Promise<void> {
  humanSendsAll(root, [{ subject: 'Question', body: 'Which accountant did we engage?' }]);
  const well = await lemmingAsync(root, ['run']);
  expect(well.status).toBe(0);
  const next = server.requests.slice(before + asked);
  expect(next).toHaveLength(1);
  expect(keeperCharges(root)[1]?.models?.embedder?.input_tokens).toBe(toyTokens(next[0]!.body.input as string[]));
  expect((await lemmingAsync(root, ['validate'])).status).toBe(0);
}
