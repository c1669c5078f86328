import type { ModelEntry } from '../org/schema.js';
import type { ProviderRequest } from './provider.js';

/**
 * What a registry entry decides of every request made to it: its key, the vendor's model name and
 * the output cap (`max_output_tokens`, absent when the entry sets none). One rule for an agent's
 * call, a fallback's, the experiment judge's and `lemming doctor`'s, so none of them asks a model
 * for more than its entry allows. Pure.
 */
export function addressedTo(modelKey: string, entry: Pick<ModelEntry, 'model' | 'max_output_tokens'> | undefined): Pick<ProviderRequest, 'modelKey' | 'model' | 'maxOutputTokens'> {
  const address: Pick<ProviderRequest, 'modelKey' | 'model' | 'maxOutputTokens'> = { modelKey, model: entry?.model ?? modelKey };
  if (entry?.max_output_tokens !== undefined) address.maxOutputTokens = entry.max_output_tokens;
  return address;
}
