import OpenAI from 'openai';
import { createOpenAIClient } from './openai-client.js';
import { errorContext, type ClientSettings } from '../client-settings.js';
import { MODEL_DEFAULTS } from '../model-defaults.js';
import { callWithin } from '../sdk-call.js';
import { toProviderError } from '../sdk-error.js';
import { UnusableEmbedding, type RawEmbedder } from '../embedding-gate.js';
import { errorMessage } from '../../errors.js';
import { isReportedCount } from '../usage-gate.js';

/** The most texts sent in one request: servers cap a batch (OpenAI at 2,048 inputs; llama.cpp by its batch size). */
export const EMBED_BATCH = 64;

/**
 * An embedder for one registry entry that serves `/v1/embeddings` (OpenAI, vLLM, llama.cpp, Ollama):
 * the same SDK client the chat calls use (its key, base_url, capped reads, and one deadline for each
 * request, its body included, that the run's signal also ends: sdk-call.ts), failures worded as a chat call's (sdk-error.ts), vectors asked
 * as floats (base64, the SDK's default, is not served by every local server). Texts go in batches of
 * EMBED_BATCH; each answer's vectors are put in the order of its texts by their `index` (inInputOrder),
 * never a vector matched to the wrong memory. What it answers is as it came: the
 * embedding gate (embedding-gate.ts) admits the tokens, the memory layer checks each vector.
 */
export function openAIEmbedder(settings: ClientSettings): RawEmbedder {
  const client = createOpenAIClient(settings);
  const model = settings.entry.model ?? settings.modelKey;
  const timeoutMs = settings.entry.timeout_ms ?? MODEL_DEFAULTS.timeoutMs;
  const context = errorContext(settings, 'https://api.openai.com/v1');
  return async (texts, signal) => {
    const vectors: unknown[] = [];
    // The batches' counts summed while each is a count (usage-gate.ts, isReportedCount); one that is none makes the request's none, and the gate estimates it.
    let inputTokens: number | undefined = 0;
    for (let start = 0; start < texts.length; start += EMBED_BATCH) {
      const batch = texts.slice(start, start + EMBED_BATCH);
      let answer: Awaited<ReturnType<typeof client.embeddings.create>>;
      try {
        answer = await callWithin(signal, timeoutMs, () => new OpenAI.APIConnectionTimeoutError(), (signal) => client.embeddings.create({ model, input: [...batch], encoding_format: 'float' }, { signal }));
      } catch (error) {
        throw toProviderError(error, OpenAI, context);
      }
      const reported: unknown = (answer.usage as { prompt_tokens?: unknown } | undefined)?.prompt_tokens;
      inputTokens = inputTokens !== undefined && isReportedCount(reported) ? inputTokens + reported : undefined;
      try {
        vectors.push(...inInputOrder(answer.data as unknown, batch.length, settings.modelKey));
      } catch (error) {
        // Its server counted the texts all the same (the batches before it too): charged through the gate (embedding-gate.ts).
        throw new UnusableEmbedding(errorMessage(error), { inputTokens });
      }
    }
    return { vectors, inputTokens };
  };
}

/** The most indices an error shows. */
const SHOWN_INDICES = 10;

/**
 * The embeddings of one answer's `data`, in the order of the `count` texts sent: by each item's `index`,
 * which must name each text once (0 to count - 1), or as they came when no item has an index (a server
 * that leaves it out answers in order). Any other answer (not a list, another count of items, an index
 * missing, repeated, out of range or not a whole number) is an error naming the entry: a vector matched
 * to the wrong text would be kept as that memory's. Each embedding is checked where it is kept
 * (memory/vector-rule.ts). Pure.
 */
export function inInputOrder(data: unknown, count: number, modelKey: string): unknown[] {
  const needed = `a vector for each text, by its index from 0 to ${count - 1}, is needed`;
  if (!Array.isArray(data)) throw new Error(`models.${modelKey}: /v1/embeddings answered no list of vectors (data) for ${count} texts; ${needed}`);
  if (data.length !== count) throw new Error(`models.${modelKey}: /v1/embeddings answered ${data.length} vectors for ${count} texts; ${needed}`);
  const items = data.map((item: unknown) => (typeof item === 'object' && item !== null ? (item as { index?: unknown; embedding?: unknown }) : {}));
  if (items.every((item) => item.index === undefined)) return items.map((item) => item.embedding);
  const ordered = new Array<unknown>(count);
  const placed = new Set<number>();
  for (const item of items) {
    const index = item.index;
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= count || placed.has(index)) {
      const shown = items.slice(0, SHOWN_INDICES).map((each) => JSON.stringify(each.index) ?? 'none');
      const more = items.length > SHOWN_INDICES ? ', ...' : '';
      throw new Error(`models.${modelKey}: /v1/embeddings answered the indices [${shown.join(', ')}${more}] for ${count} texts; ${needed}`);
    }
    placed.add(index);
    ordered[index] = item.embedding;
  }
  return ordered;
}
