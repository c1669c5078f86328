import type { ModelEntry } from '../../org/schema.js';
import { estimateInputTokens, expectedOutputTokens, type PromptParts } from '../../providers/request-tokens.js';
import { priceCall } from './price-call.js';

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
  // Priced by the rule every charge is priced by (price-call.ts), on the tokens expected.
  return priceCall({ inputTokens: Math.ceil(estimateInputTokens(request) * inputScale), outputTokens: expectedOutputTokens(entry) }, entry);
}
