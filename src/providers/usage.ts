import { estimateInputTokens } from './estimate-cost.js';
import type { ProviderRequest, ToolCall, Usage } from './provider.js';
import { estimateTokens, TOKENS_PER_MESSAGE } from './token-estimate.js';

/** Token counts as a vendor reported them; either may be missing (many local servers report nothing). */
export interface ReportedUsage {
  inputTokens?: number | null | undefined;
  outputTokens?: number | null | undefined;
}

function isCount(value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/**
 * Usage as the provider reported it. Where it reported nothing (or only half),
 * lemming's documented estimate stands in for the missing part, and the usage is
 * marked `estimated` so credits and message files say so.
 */
export function usageFrom(reported: ReportedUsage | undefined, request: ProviderRequest, text: string, toolCalls: ToolCall[]): Usage {
  const input = reported?.inputTokens;
  const output = reported?.outputTokens;
  if (isCount(input) && isCount(output)) return { inputTokens: input, outputTokens: output, estimated: false };
  return {
    inputTokens: isCount(input) ? input : estimateInputTokens(request),
    outputTokens: isCount(output) ? output : estimateOutputTokens(text, toolCalls),
    estimated: true,
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
