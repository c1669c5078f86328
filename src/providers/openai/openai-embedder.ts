import { createOpenAIClient } from './openai-client.js';
import type { ClientSettings } from '../client-settings.js';
import type { RawEmbedder } from '../embedding-gate.js';
import { isReportedCount } from '../usage-gate.js';

/** The most texts sent in one request: servers cap a batch (OpenAI at 2,048 inputs; llama.cpp by its batch size). */
export const EMBED_BATCH = 64;

/**
 * An embedder for one registry entry that serves `/v1/embeddings` (OpenAI, vLLM, llama.cpp, Ollama):
 * the same SDK client the chat calls use (its key, base_url, timeout, capped reads), vectors asked
 * as floats (base64, the SDK's default, is not served by every local server). Texts go in batches of
 * EMBED_BATCH; a server that sends back another count of vectors than it was sent texts is an error
 * naming the entry, never a vector matched to the wrong memory. What it answers is as it came: the
 * embedding gate (embedding-gate.ts) admits the tokens, the memory layer checks each vector.
 */
export function openAIEmbedder(settings: ClientSettings): RawEmbedder {
  const client = createOpenAIClient(settings);
  const model = settings.entry.model ?? settings.modelKey;
  return async (texts) => {
    const vectors: unknown[] = [];
    // The batches' counts summed while each is a count (usage-gate.ts, isReportedCount); one that is none makes the request's none, and the gate estimates it.
    let inputTokens: number | undefined = 0;
    for (let start = 0; start < texts.length; start += EMBED_BATCH) {
      const batch = texts.slice(start, start + EMBED_BATCH);
      const answer = await client.embeddings.create({ model, input: [...batch], encoding_format: 'float' });
      if (answer.data.length !== batch.length) {
        throw new Error(`models.${settings.modelKey}: /v1/embeddings answered ${answer.data.length} vectors for ${batch.length} texts; a server that embeds each input once is needed`);
      }
      const ordered = [...answer.data].sort((left, right) => left.index - right.index);
      for (const item of ordered) vectors.push(item.embedding);
      const reported: unknown = answer.usage?.prompt_tokens;
      inputTokens = inputTokens !== undefined && isReportedCount(reported) ? inputTokens + reported : undefined;
    }
    return { vectors, inputTokens };
  };
}
