import { nameRecord } from '../../org/names.js';
import type { MessageUsage } from '../../mailbox/message.js';
import type { ModelEntry } from '../../org/schema.js';
import type { ProviderResponse, Usage } from '../../providers/provider.js';
import { chargedAnswers } from '../../providers/usage.js';
import { reservedTokens, type PromptParts } from '../../providers/request-tokens.js';
import { usageLimits } from '../../providers/usage-gate.js';
import { chargeTokens, type LedgerEntry, type ModelShare, type ResearchLine } from './ledger.js';

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
 * call without cached tokens costs what it always did. An outside agent's run that failed (a
 * flood, a timeout, a non-zero exit) is one answer of 0 tokens here, or of the tokens it reported:
 * which endings ran is providers/agent-protocol/outside-charge.ts's rule, the price is this one.
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
  // Priced by the rule every charge is priced by (priceCall, above), on the tokens a call is reserved at.
  return priceCall(reservedTokens(request, entry, inputScale), entry);
}

/**
 * The most one answer of a registry entry can be charged, whatever its server says: the usage gate's
 * limits (usage-gate.ts: the context window in, the output cap out, for the first attempt and each
 * retry `max_retries` allows) priced by the rule every charge is priced by. What a ceiling that must
 * hold (blame's `--max-credits`) is planned with. Pure.
 */
export function mostAnAnswerCosts(modelKey: string, entry: ModelEntry): number {
  const limits = usageLimits(modelKey, entry);
  return priceCall({ inputTokens: limits.input * limits.attempts, outputTokens: limits.output * limits.attempts, calls: limits.attempts }, entry);
}

/** What an agent's call in a turn costs: the credits, and each model's share when more than one answered. */
export interface CallCost {
  credits: number;
  models?: Record<string, ModelShare>;
}

/**
 * The one charging rule: every answer that came back is charged, each at its own model's prices
 * (an entry gone from the registry charges 0), rounded to a billionth of a credit per model, so
 * the line's credits are exactly the sum of its shares. Pure.
 */
export function costOf(response: Pick<ProviderResponse, 'usage' | 'charged' | 'modelKey'>, models: Readonly<Record<string, ModelEntry>>): CallCost {
  if (response.charged === undefined) {
    // The usual call: one model's answers, priced as one (what the loop below does, with nothing to gather).
    const entry = models[response.modelKey];
    return { credits: entry ? priceCall(response.usage, entry) : 0 };
  }
  const answers = chargedAnswers(response);
  const shares = nameRecord<ModelShare>();
  let nano = 0;
  for (const answer of answers) {
    const entry = models[answer.modelKey];
    const credits = entry ? priceCall(answer.usage, entry) : 0;
    nano += Math.round(credits * 1e9);
    const before = shares[answer.modelKey];
    const perCall = pricedPerCall(entry);
    const share = { ...chargeTokens(answer.usage, perCall), credits };
    shares[answer.modelKey] = before ? addShares(before, share, perCall) : share;
  }
  const credits = nano / 1e9;
  return response.charged === undefined ? { credits } : { credits, models: shares };
}

/** Whether a model's charge lines say how many answers they sum: only one with a price per call needs to. */
function pricedPerCall(entry: ModelEntry | undefined): boolean {
  return (entry?.price_per_call ?? 0) > 0;
}

function addShares(left: ModelShare, right: ModelShare, perCall: boolean): ModelShare {
  const read = (left.cached_input_tokens ?? 0) + (right.cached_input_tokens ?? 0);
  const written = (left.cache_write_tokens ?? 0) + (right.cache_write_tokens ?? 0);
  return {
    input_tokens: left.input_tokens + right.input_tokens,
    output_tokens: left.output_tokens + right.output_tokens,
    ...(read > 0 ? { cached_input_tokens: read } : {}),
    ...(written > 0 ? { cache_write_tokens: written } : {}),
    ...(perCall ? { calls: (left.calls ?? 1) + (right.calls ?? 1) } : {}),
    credits: Math.round((left.credits + right.credits) * 1e9) / 1e9,
  };
}

/** A call's charge as the ledger keeps it, and its usage as messages, logs and events show it. */
export interface Charged {
  charge: Extract<LedgerEntry, { type: 'charge' }>;
  usage: MessageUsage & { estimated?: true };
}

/**
 * What an agent's call in a turn is charged, in the ledger's terms and in the messages': every
 * answer in `response` (see costOf), for `agent` in `turn`, at the time the answer arrived. The
 * engine's one way to charge a call, whether the call then acted, failed to write, or failed. Pure.
 */
export function chargeFor(turn: number, agent: string, response: Pick<ProviderResponse, 'usage' | 'charged' | 'modelKey'>, models: Readonly<Record<string, ModelEntry>>, at: string): Charged {
  const { credits, models: shares } = costOf(response, models);
  const tokens = response.usage;
  const perCall = pricedPerCall(models[response.modelKey]);
  if (!tokens.cachedInputTokens && !tokens.cacheWriteTokens && !tokens.estimated && !shares && !(perCall && (tokens.calls ?? 1) > 1)) {
    // The usual call (no cache counts, counted by its server, one model): two plain objects, in the
    // order of the general case below, made without spreading a part for each optional field.
    const { inputTokens, outputTokens } = tokens;
    return {
      usage: { inputTokens, outputTokens, credits },
      charge: { type: 'charge', turn, agent, model: response.modelKey, input_tokens: inputTokens, output_tokens: outputTokens, credits, at },
    };
  }
  const usage = {
    inputTokens: tokens.inputTokens,
    outputTokens: tokens.outputTokens,
    ...(tokens.cachedInputTokens ? { cachedInputTokens: tokens.cachedInputTokens } : {}),
    ...(tokens.cacheWriteTokens ? { cacheWriteTokens: tokens.cacheWriteTokens } : {}),
    credits,
    ...(tokens.estimated ? { estimated: true as const } : {}),
  };
  const charge: Charged['charge'] = {
    type: 'charge',
    turn,
    agent,
    model: response.modelKey,
    ...chargeTokens(tokens, perCall),
    credits,
    ...(tokens.estimated ? { estimated: true } : {}),
    ...(shares ? { models: shares } : {}),
    at,
  };
  return { usage, charge };
}

/**
 * What a question put to an agent (`lemming ask`, a survey) costs, as a research line: priced by
 * chargeFor, the one rule, and paid by the research account, so the agent's balance never sees it. Pure.
 */
export function researchChargeFor(turn: number, agent: string, response: Pick<ProviderResponse, 'usage' | 'charged' | 'modelKey'>, models: Readonly<Record<string, ModelEntry>>, at: string, purpose: string): ResearchLine {
  const { type: _charge, ...line } = chargeFor(turn, agent, response, models, at).charge;
  return { type: 'research', ...line, purpose };
}
