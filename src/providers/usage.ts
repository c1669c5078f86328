import { estimateInputTokens, estimateOutputTokens } from './request-tokens.js';
import type { AnsweredUsage, ProviderRequest, ProviderResponse, ToolCall, Usage } from './provider.js';
import { isReportedCount } from './usage-gate.js';

/**
 * Token counts as a vendor reported them, as they came: any may be missing (many local servers report
 * nothing) or be no count at all (usage-gate.ts, isReportedCount).
 * `inputTokens` is every prompt token, the cached ones included (an adapter whose vendor counts
 * them apart adds them back); the cache counts say which of them were read from or written to it.
 */
export interface ReportedUsage {
  inputTokens?: unknown;
  outputTokens?: unknown;
  cachedInputTokens?: unknown;
  cacheWriteTokens?: unknown;
}

/**
 * Usage as the provider reported it. Where it reported nothing (or only half),
 * lemming's documented estimate stands in for the missing part, and the usage is
 * marked `estimated` so credits and message files say so. The cache counts are kept
 * only with a reported input, and only when not zero. What a count is, and how much
 * of one is counted, is the usage gate's (usage-gate.ts), which every answer passes next.
 */
export function usageFrom(reported: ReportedUsage | undefined, request: ProviderRequest, text: string, toolCalls: ToolCall[]): Usage {
  const input = reported?.inputTokens;
  const output = reported?.outputTokens;
  if (isReportedCount(input) && isReportedCount(output)) return { inputTokens: input, outputTokens: output, ...cacheSplit(reported, input), estimated: false };
  return {
    inputTokens: isReportedCount(input) ? input : estimateInputTokens(request),
    outputTokens: isReportedCount(output) ? output : estimateOutputTokens(text, toolCalls),
    ...(isReportedCount(input) ? cacheSplit(reported, input) : {}),
    estimated: true,
  };
}

/** The cached part of `input`, never more than it: a server that claims more cached tokens than it was sent is held to what it was sent. */
function cacheSplit(reported: ReportedUsage | undefined, input: number): Pick<Usage, 'cachedInputTokens' | 'cacheWriteTokens'> {
  const cached = reported?.cachedInputTokens;
  const writes = reported?.cacheWriteTokens;
  const read = isReportedCount(cached) ? Math.min(cached, input) : 0;
  const written = isReportedCount(writes) ? Math.min(writes, input - read) : 0;
  return { ...(read > 0 ? { cachedInputTokens: read } : {}), ...(written > 0 ? { cacheWriteTokens: written } : {}) };
}

/** The usage of several calls (the steps of a turn) as one: every count summed (the answers too), estimated if any was, each gate's sentences kept. */
export function sumUsage(usages: readonly Usage[]): Usage {
  let inputTokens = 0;
  let outputTokens = 0;
  let read = 0;
  let written = 0;
  let calls = 0;
  const clamped: string[] = [];
  for (const usage of usages) {
    inputTokens += usage.inputTokens;
    outputTokens += usage.outputTokens;
    read += usage.cachedInputTokens ?? 0;
    written += usage.cacheWriteTokens ?? 0;
    calls += usage.calls ?? 1;
    if (usage.clamped) clamped.push(...usage.clamped);
  }
  return {
    inputTokens,
    outputTokens,
    ...(read > 0 ? { cachedInputTokens: read } : {}),
    ...(written > 0 ? { cacheWriteTokens: written } : {}),
    estimated: usages.some((usage) => usage.estimated),
    // One answer is the default; a sum of several says how many, for a price per call.
    ...(calls > 1 ? { calls } : {}),
    ...(clamped.length > 0 ? { clamped } : {}),
  };
}

/**
 * The tokens a server reported for an answer lemming could not use: what it is charged for (missing counts as
 * none), or undefined when it gave no count (a proxy's page: nothing says a model read the prompt). A count of
 * 0 is a count: the usage gate holds it to the request (usage-gate.ts, admitFailure).
 */
export function reportedOnly(reported: ReportedUsage | undefined): Usage | undefined {
  if (!isReportedCount(reported?.inputTokens) && !isReportedCount(reported?.outputTokens)) return undefined;
  const input = isReportedCount(reported?.inputTokens) ? reported.inputTokens : 0;
  const output = isReportedCount(reported?.outputTokens) ? reported.outputTokens : 0;
  return { inputTokens: input, outputTokens: output, ...cacheSplit(reported, input), estimated: false };
}

/** Every answer a response is charged for, each with its model (see ProviderResponse.charged). */
export function chargedAnswers(response: Pick<ProviderResponse, 'charged' | 'usage' | 'modelKey'>): AnsweredUsage[] {
  return response.charged ?? [{ modelKey: response.modelKey, usage: response.usage }];
}

/**
 * A response charged for these answers together, in order: `usage` sums them, and `charged` lists
 * them by model (one entry a model, summed) when more than one model is among them, so each is
 * priced at its own prices. All of one model: no `charged`, as for a plain answer.
 */
export function chargedTogether<T extends Omit<ProviderResponse, 'usage' | 'charged'>>(response: T, answers: readonly AnsweredUsage[]): T & Pick<ProviderResponse, 'usage' | 'charged'> {
  const byModel = new Map<string, Usage[]>();
  for (const answer of answers) byModel.set(answer.modelKey, [...(byModel.get(answer.modelKey) ?? []), answer.usage]);
  const { charged: _old, usage: _total, ...rest } = response as T & Partial<Pick<ProviderResponse, 'usage' | 'charged'>>;
  const usage = sumUsage(answers.map((answer) => answer.usage));
  const single = byModel.size === 1 && byModel.has(response.modelKey);
  if (single) return { ...(rest as T), usage };
  return { ...(rest as T), usage, charged: [...byModel].map(([modelKey, usages]) => ({ modelKey, usage: sumUsage(usages) })) };
}
