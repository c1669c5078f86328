import { estimateInputTokens } from './estimate-cost.js';
import type { ProviderRequest, ToolCall, Usage } from './provider.js';
import { estimateTokens, TOKENS_PER_MESSAGE } from './token-estimate.js';

/**
 * Token counts as a vendor reported them; any may be missing (many local servers report nothing).
 * `inputTokens` is every prompt token, the cached ones included (an adapter whose vendor counts
 * them apart adds them back); the cache counts say which of them were read from or written to it.
 */
export interface ReportedUsage {
  inputTokens?: number | null | undefined;
  outputTokens?: number | null | undefined;
  cachedInputTokens?: number | null | undefined;
  cacheWriteTokens?: number | null | undefined;
}

function isCount(value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/**
 * Usage as the provider reported it. Where it reported nothing (or only half),
 * lemming's documented estimate stands in for the missing part, and the usage is
 * marked `estimated` so credits and message files say so. The cache counts are kept
 * only with a reported input, and only when not zero.
 */
export function usageFrom(reported: ReportedUsage | undefined, request: ProviderRequest, text: string, toolCalls: ToolCall[]): Usage {
  const input = reported?.inputTokens;
  const output = reported?.outputTokens;
  if (isCount(input) && isCount(output)) return { inputTokens: input, outputTokens: output, ...cacheSplit(reported, input), estimated: false };
  return {
    inputTokens: isCount(input) ? input : estimateInputTokens(request),
    outputTokens: isCount(output) ? output : estimateOutputTokens(text, toolCalls),
    ...(isCount(input) ? cacheSplit(reported, input) : {}),
    estimated: true,
  };
}

/** The cached part of `input`, never more than it: a server that claims more cached tokens than it was sent is held to what it was sent. */
function cacheSplit(reported: ReportedUsage | undefined, input: number): Pick<Usage, 'cachedInputTokens' | 'cacheWriteTokens'> {
  const cached = reported?.cachedInputTokens;
  const writes = reported?.cacheWriteTokens;
  const read = isCount(cached) ? Math.min(cached, input) : 0;
  const written = isCount(writes) ? Math.min(writes, input - read) : 0;
  return { ...(read > 0 ? { cachedInputTokens: read } : {}), ...(written > 0 ? { cacheWriteTokens: written } : {}) };
}

/** The usage of several calls (the steps of a turn) as one: every count summed, estimated if any was. */
export function sumUsage(usages: readonly Usage[]): Usage {
  let inputTokens = 0;
  let outputTokens = 0;
  let read = 0;
  let written = 0;
  for (const usage of usages) {
    inputTokens += usage.inputTokens;
    outputTokens += usage.outputTokens;
    read += usage.cachedInputTokens ?? 0;
    written += usage.cacheWriteTokens ?? 0;
  }
  return {
    inputTokens,
    outputTokens,
    ...(read > 0 ? { cachedInputTokens: read } : {}),
    ...(written > 0 ? { cacheWriteTokens: written } : {}),
    estimated: usages.some((usage) => usage.estimated),
  };
}

/** lemming's estimate of what a model wrote: its text and each tool call's arguments. */
export function estimateOutputTokens(text: string, toolCalls: ToolCall[]): number {
  let tokens = estimateTokens(text);
  for (const call of toolCalls) {
    const args = typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments ?? {});
    tokens += estimateTokens(`${call.name}${args}`) + TOKENS_PER_MESSAGE;
  }
  return tokens;
}
