import type { ModelEntry } from '../../org/schema.js';
import type { Usage } from '../../providers/provider.js';
import { estimateInputTokens, expectedOutputTokens, type PromptParts } from '../../providers/request-tokens.js';

/** What a call is priced by: all its input (cached included), the cached parts of it, its output, and how many answers it sums. */
export type PricedTokens = Pick<Usage, 'inputTokens' | 'outputTokens' | 'cachedInputTokens' | 'cacheWriteTokens' | 'calls'>;

/** A registry entry's prices: credits per million tokens, and credits per answer. */
export type ModelPrices = Pick<ModelEntry, 'input_price' | 'output_price' | 'cached_input_price' | 'cache_write_price' | 'price_per_call'>;

/**
 * Each part of a call's tokens × its price per million, rounded to a billionth of a credit:
 * the input the cache did not serve at `input_price`, cache reads at `cached_input_price`,
 * cache writes at `cache_write_price`, the output at `output_price`; plus `price_per_call` for
 * each answer the tokens sum (an agent program billed by the run). A cached price left out
 * of the registry is the input price, so no call gets cheaper (or dearer) by accident, and a
 * call without cached tokens costs what it always did.
 */
export function priceCall(tokens: PricedTokens, price: ModelPrices): number {
  const read = tokens.cachedInputTokens ?? 0;
  const written = tokens.cacheWriteTokens ?? 0;
  const uncached = Math.max(0, tokens.inputTokens - read - written);
  const credits =
    (uncached * price.input_price +
      read * (price.cached_input_price ?? price.input_price) +
      written * (price.cache_write_price ?? price.input_price) +
      tokens.outputTokens * price.output_price) /
      1_000_000 +
    (tokens.calls ?? 1) * (price.price_per_call ?? 0);
  return Math.round(credits * 1e9) / 1e9;
}

/**
 * The most a call is expected to cost, in credits: estimated input plus the expected
 * output, at the entry's prices (credits per million tokens), plus its price per call.
 * A call whose estimate is more than the agent has left is not made.
 */
export function estimateCallCost(
  request: PromptParts,
  entry: Pick<ModelEntry, 'input_price' | 'output_price' | 'max_output_tokens' | 'price_per_call'>,
  /** Real tokens per estimated token, as learned from the entry's server (see token-ratios.ts). */
  inputScale = 1,
): number {
  // Priced by the rule every charge is priced by (priceCall, above), on the tokens expected.
  return priceCall({ inputTokens: Math.ceil(estimateInputTokens(request) * inputScale), outputTokens: expectedOutputTokens(entry) }, entry);
}
