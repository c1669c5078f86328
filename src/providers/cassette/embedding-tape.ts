import { createHash } from 'node:crypto';
import { LemmingError } from '../../errors.js';
import { UnusableEmbedding, type Embedder, type RawEmbedder } from '../embedding-gate.js';
import type { EmbeddingEntry } from './cassette-file.js';
import { canonicalJson } from './normalise-request.js';

/*
 * A run's embedding requests on its cassette (org.yaml `memory.embeddings`): recorded beside its chat
 * calls by `--record`, answered from it by `--replay` (the entry's shape: cassette-file.ts). Loaded on
 * the first embedding of such a run only.
 */

/** The key of an embedding request: sha256 of the model and the texts, in order. Pure. */
export function embeddingKey(request: EmbeddingEntry['embedding']): string {
  return createHash('sha256').update(canonicalJson({ embeddings: request })).digest('hex');
}

/**
 * An embedder that writes each request and its answer, as the gate admitted it, to the cassette (`lemming run --record`).
 * An answer whose vectors could not be used is recorded with no vector and the tokens it was charged (embedding-gate.ts,
 * UnusableEmbedding): its replay fails alike and is charged the same. Any other failure is not recorded (the run ranks by
 * words, and so does its replay).
 */
export function recordingEmbedder(inner: Embedder, append: (entry: EmbeddingEntry) => void, modelKey: string, model: string): Embedder {
  return async (texts, signal) => {
    const embedding = { modelKey, model, input: [...texts] };
    let answer: Awaited<ReturnType<Embedder>>;
    try {
      answer = await inner(texts, signal);
    } catch (error) {
      if (error instanceof UnusableEmbedding && error.admitted) append({ version: 1, key: embeddingKey(embedding), embedding, answer: { vectors: [], ...error.admitted } });
      throw error;
    }
    append({ version: 1, key: embeddingKey(embedding), embedding, answer });
    return answer;
  };
}

/**
 * An embedder that answers from a cassette's embedding entries (`lemming run --replay`), reaching no
 * server. A request it does not hold is an error naming the cassette (the turn warns and ranks by
 * words, as with a server that fails): a cassette recorded before embeddings were recorded holds none.
 * A cassette is a file anyone can edit: its answers pass the embedding gate as a server's do (create-provider.ts).
 */
export function replayingEmbedder(file: string, entries: readonly EmbeddingEntry[], modelKey: string, model: string): RawEmbedder {
  const byKey = new Map<string, EmbeddingEntry>();
  for (const entry of entries) if (!byKey.has(entry.key)) byKey.set(entry.key, entry);
  return async (texts) => {
    const entry = byKey.get(embeddingKey({ modelKey, model, input: [...texts] }));
    if (!entry) throw new LemmingError('replay-miss', `--replay ${file} holds no embedding of these ${texts.length} texts by ${modelKey}: the run no longer asks what was recorded`);
    return structuredClone(entry.answer);
  };
}
