import { createHash } from 'node:crypto';
import { LemmingError } from '../../errors.js';
import type { Embedded, Embedder } from '../openai/openai-embedder.js';
import { canonicalJson } from './normalise-request.js';

/**
 * One embedding request of a recorded run (org.yaml `memory.embeddings`), as a cassette line beside its
 * chat calls: which model was asked to embed which texts, and the vectors and tokens it answered. A
 * replay answers the same request from it, so a run that ranked its memories by their meaning replays
 * so, with no embedding server.
 */
export interface EmbeddingEntry {
  version: 1;
  /** sha256 of `embedding` (embeddingKey). */
  key: string;
  embedding: { modelKey: string; model: string; input: string[] };
  answer: Embedded;
}

/** The key of an embedding request: sha256 of the model and the texts, in order. Pure. */
export function embeddingKey(request: EmbeddingEntry['embedding']): string {
  return createHash('sha256').update(canonicalJson({ embeddings: request })).digest('hex');
}

/** Whether a cassette line is an embedding entry, its vectors numbers. */
export function isEmbeddingEntry(value: unknown): value is EmbeddingEntry {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Partial<EmbeddingEntry>;
  const request = entry.embedding;
  const answer = entry.answer;
  return (
    entry.version === 1 &&
    typeof entry.key === 'string' &&
    typeof request === 'object' &&
    request !== null &&
    typeof request.modelKey === 'string' &&
    Array.isArray(request.input) &&
    typeof answer === 'object' &&
    answer !== null &&
    typeof answer.inputTokens === 'number' &&
    Array.isArray(answer.vectors) &&
    answer.vectors.every((vector) => Array.isArray(vector) && vector.every((value) => typeof value === 'number'))
  );
}

/** An embedder that writes each request and its answer to the cassette (`lemming run --record`); a failure is not recorded (the run ranks by words, and so does its replay). */
export function recordingEmbedder(inner: Embedder, append: (entry: EmbeddingEntry) => void, modelKey: string, model: string): Embedder {
  return async (texts) => {
    const answer = await inner(texts);
    const embedding = { modelKey, model, input: [...texts] };
    append({ version: 1, key: embeddingKey(embedding), embedding, answer });
    return answer;
  };
}

/**
 * An embedder that answers from a cassette's embedding entries (`lemming run --replay`), reaching no
 * server. A request it does not hold is an error naming the cassette (the turn warns and ranks by
 * words, as with a server that fails): a cassette recorded before embeddings were recorded holds none.
 */
export function replayingEmbedder(file: string, entries: readonly EmbeddingEntry[], modelKey: string, model: string): Embedder {
  const byKey = new Map<string, EmbeddingEntry>();
  for (const entry of entries) if (!byKey.has(entry.key)) byKey.set(entry.key, entry);
  return async (texts) => {
    const entry = byKey.get(embeddingKey({ modelKey, model, input: [...texts] }));
    if (!entry) throw new LemmingError('replay-miss', `--replay ${file} holds no embedding of these ${texts.length} texts by ${modelKey}: the run no longer asks what was recorded`);
    return structuredClone(entry.answer);
  };
}
