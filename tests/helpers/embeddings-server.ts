import type { ReceivedRequest, WireReply } from './wire-server.js';

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
