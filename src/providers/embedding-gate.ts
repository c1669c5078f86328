import type { ModelEntry } from '../org/schema.js';
import { estimateTokens } from './token-estimate.js';
import { admitUsage, NO_COUNTS, usageLimits, type UsageLimits } from './usage-gate.js';

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

/**
 * An embedding answer whose vectors lemming cannot use (another count of them than texts sent, indices
 * that do not name each text once) that came back all the same, with the input tokens its server
 * reported (`reported`, of any type, as it came). Its server did the work: the embedding gate admits its
 * count (`admitted`, admitUnusableEmbedding) and the turn charges it, as a chat answer that could not be
 * used is (usage-gate.ts, admitFailure). Thrown by what reads the answer (`/v1/embeddings`, a cassette).
 */
export class UnusableEmbedding extends Error {
  constructor(
    message: string,
    /** What it said of its tokens, as it came (a recorded one: as the gate admitted them, with what it said). */
    readonly reported: Pick<EmbeddingAnswer, 'inputTokens' | 'estimated' | 'clamped'>,
    /** The tokens it is charged, once through the gate. */
    readonly admitted?: Pick<Embedded, 'inputTokens' | 'estimated' | 'clamped'>,
  ) {
    super(message);
  }
}

/**
 * An unusable embedding answer's count through the usage gate (admitUsage), as admitFailure counts a
 * chat answer's: a reported count whole, at most the context window for each text, at least
 * LEAST_TOKEN_SCALE of lemming's estimate of the texts; a count that is none, none. Pure.
 */
function admitUnusableEmbedding(error: UnusableEmbedding, texts: readonly string[], limits: UsageLimits): UnusableEmbedding {
  const { inputTokens, estimated, clamped } = error.reported;
  const usage = admitUsage({ inputTokens, outputTokens: 0, estimated, clamped }, limits, NO_COUNTS, () => ({ inputTokens: estimateTextTokens(texts), outputTokens: 0 }));
  return new UnusableEmbedding(error.message, error.reported, { inputTokens: usage.inputTokens, ...(usage.estimated ? { estimated: true as const } : {}), ...(usage.clamped ? { clamped: usage.clamped } : {}) });
}

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
  const limits = embeddingLimits(texts, modelKey, entry);
  if (!Array.isArray(vectors) || vectors.length !== texts.length) {
    const count = Array.isArray(vectors) ? `${vectors.length} vectors` : 'no list of vectors';
    throw admitUnusableEmbedding(new UnusableEmbedding(`models.${modelKey}: the embedding answer held ${count} for ${texts.length} texts; a server that embeds each input once is needed`, { inputTokens: answer?.inputTokens, estimated: answer?.estimated, clamped: answer?.clamped }), texts, limits);
  }
  const usage = admitUsage({ inputTokens: answer.inputTokens, outputTokens: 0, estimated: answer.estimated, clamped: answer.clamped }, limits, () => ({ inputTokens: estimateTextTokens(texts), outputTokens: 0, estimated: true }));
  return { vectors, inputTokens: usage.inputTokens, ...(usage.estimated ? { estimated: true as const } : {}), ...(usage.clamped ? { clamped: usage.clamped } : {}) };
}

/**
 * An embedder whose answers pass the gate (admitEmbedding) with its entry's limits: put round each place
 * an embedding's usage comes into lemming, the live `/v1/embeddings` and a cassette's answer on replay
 * (create-provider.ts), as UsageGate is round each chat provider.
 */
export function gatedEmbedder(inner: RawEmbedder, modelKey: string, entry: Pick<ModelEntry, 'context_window' | 'max_output_tokens' | 'max_retries'>): Embedder {
  return async (texts, signal) => {
    let answer: EmbeddingAnswer;
    try {
      answer = await inner(texts, signal);
    } catch (error) {
      throw error instanceof UnusableEmbedding && error.admitted === undefined ? admitUnusableEmbedding(error, texts, embeddingLimits(texts, modelKey, entry)) : error;
    }
    return admitEmbedding(answer, texts, modelKey, entry);
  };
}

/** The limits of one embedding request of `texts`: the entry's, for each text sent. Pure. */
function embeddingLimits(texts: readonly string[], modelKey: string, entry: Pick<ModelEntry, 'context_window' | 'max_output_tokens' | 'max_retries'>): UsageLimits {
  return { ...usageLimits(modelKey, entry), texts: Math.max(1, texts.length) };
}
