import type { ModelEntry } from './schema.js';

/** Providers whose servers answer OpenAI's `/v1/embeddings` (providers/openai/openai-embedder.ts). */
const EMBEDDING_PROVIDERS: ReadonlySet<string> = new Set(['openai', 'openai-compatible']);

/**
 * Why `memory.embeddings.model` cannot name this registry key, with a valid value; undefined when it
 * can (a key of `models:` whose provider serves `/v1/embeddings`). Pure.
 */
export function embeddingModelProblem(key: string, models: Readonly<Record<string, ModelEntry>>): string | undefined {
  const usable = Object.keys(models).filter((name) => EMBEDDING_PROVIDERS.has(models[name]?.provider ?? ''));
  const example = usable.length > 0 ? `one of: ${usable.join(', ')}` : 'a key of models: with `provider: openai-compatible`, e.g. `embedder: { provider: openai-compatible, model: nomic-embed-text, base_url: http://localhost:11434/v1, input_price: 0, output_price: 0, context_window: 8192 }`';
  const entry = Object.hasOwn(models, key) ? models[key] : undefined;
  if (!entry) return `names the model ${JSON.stringify(key)}, which is not in org/org.yaml models; use ${example}`;
  if (!EMBEDDING_PROVIDERS.has(entry.provider)) return `names ${JSON.stringify(key)}, whose provider ${entry.provider} serves no /v1/embeddings; use ${example}`;
  return undefined;
}

/** The model's name as its server knows it, which a kept vector is made by (memory/memory-vectors.ts): a vector of another model is made again. */
export function embeddingModelName(key: string, models: Readonly<Record<string, ModelEntry>>): string {
  return (Object.hasOwn(models, key) ? models[key]?.model : undefined) ?? key;
}
