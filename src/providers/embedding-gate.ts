import type { ModelEntry } from '../org/schema.js';
import { estimateTokens } from './token-estimate.js';
import { admitUsage, usageLimits } from './usage-gate.js';

/**
 * What an embedding server (or a cassette's line) answered for some texts, as it came: a vector for
 * each text and the input tokens it counted, any of them of any type. Only the embedding gate
 * (admitEmbedding, below) reads it.
 */
export interface EmbeddingAnswer {
  vectors: readonly unknown[];
  inputTokens?: unknown;
  /** Kept from an answer that passed the gate before (a recorded one): the gate keeps what it said. */
  estimated?: unknown;
  clamped?: unknown;
}

/**
 * Something that embeds texts and says what came back as it came: `/v1/embeddings`, a cassette. The
 * run's signal, when given, stops a request under way (a Ctrl-C does not wait for `timeout_ms`).
 */
export type RawEmbedder = (texts: readonly string[], signal?: AbortSignal) => Promise<EmbeddingAnswer>;

/**
 * Texts embedded, as the gate admitted the answer: a vector for each text, in order, each still to be
 * checked where it is kept (memory/vector-rule.ts), and the input tokens the call is charged by.
 */
export interface Embedded {
  vectors: readonly unknown[];
  /** A whole number of tokens, at most the context window for each text. */
  inputTokens: number;
  /** The server gave no count, and lemming's estimate of the texts stands in. */
  estimated?: true;
  /** What the gate did not take as it came, a sentence a change (as Usage.clamped). */
  clamped?: string[];
}

/** Something that embeds texts, its answers through the gate: what the memory layer is given (its signal as RawEmbedder's). */
export type Embedder = (texts: readonly string[], signal?: AbortSignal) => Promise<Embedded>;

/** lemming's documented estimate of texts sent to be embedded: a token for each 4 characters of each (token-estimate.ts). Pure. */
export function estimateTextTokens(texts: readonly string[]): number {
  return texts.reduce((sum, text) => sum + estimateTokens(text), 0);
}

/**
 * The gate of an embedding answer, the usage gate's rule (usage-gate.ts, admitUsage) for its tokens:
 * a count that is none (text, a negative number, missing) is lemming's estimate of the texts, marked
 * estimated; a fraction is rounded up; a count past the context window for each text sent is that.
 * An answer whose vectors are not one for each text is an error naming the entry: no vector is ever
 * matched to the wrong memory. Pure.
 */
export function admitEmbedding(answer: EmbeddingAnswer, texts: readonly string[], modelKey: string, entry: Pick<ModelEntry, 'context_window' | 'max_output_tokens' | 'max_retries'>): Embedded {
  const vectors: unknown = answer?.vectors;
  if (!Array.isArray(vectors) || vectors.length !== texts.length) {
    const count = Array.isArray(vectors) ? `${vectors.length} vectors` : 'no list of vectors';
    throw new Error(`models.${modelKey}: the embedding answer held ${count} for ${texts.length} texts; a server that embeds each input once is needed`);
  }
  const limits = { ...usageLimits(modelKey, entry), texts: Math.max(1, texts.length) };
  const usage = admitUsage({ inputTokens: answer.inputTokens, outputTokens: 0, estimated: answer.estimated, clamped: answer.clamped }, limits, () => ({ inputTokens: estimateTextTokens(texts), outputTokens: 0, estimated: true }));
  return { vectors, inputTokens: usage.inputTokens, ...(usage.estimated ? { estimated: true as const } : {}), ...(usage.clamped ? { clamped: usage.clamped } : {}) };
}

/**
 * An embedder whose answers pass the gate (admitEmbedding) with its entry's limits: put round each place
 * an embedding's usage comes into lemming, the live `/v1/embeddings` and a cassette's answer on replay
 * (create-provider.ts), as UsageGate is round each chat provider.
 */
export function gatedEmbedder(inner: RawEmbedder, modelKey: string, entry: Pick<ModelEntry, 'context_window' | 'max_output_tokens' | 'max_retries'>): Embedder {
  return async (texts, signal) => admitEmbedding(await inner(texts, signal), texts, modelKey, entry);
}
