import type { ModelEntry } from '../../org/schema.js';
import type { ProviderError } from '../provider-error.js';
import type { ToolCall, ToolDefinition } from '../provider.js';
import { scrub } from '../sdk-error.js';
import { parseTextReply } from '../text-tools/parse-text-reply.js';
import type { ReportedUsage } from '../usage.js';
import { isReportedCount } from '../usage-gate.js';
import type { WireAnswer } from '../wire-adapter.js';
import { ranAndFailed } from './outside-charge.js';

/** How an outside agent answers: action blocks in plain text (with an optional usage line), or one JSON object. */
export type ReplyFormat = 'text' | 'json';

/**
 * An answer lemming cannot use, said in words a person can act on; `reported` is the usage the
 * agent reported with it, when it did (charged all the same, as a vendor's unusable answer is).
 */
export class UnusableReply extends Error {
  constructor(
    message: string,
    readonly reported?: ReportedUsage,
  ) {
    super(message);
    this.name = 'UnusableReply';
  }
}

/**
 * Read an outside agent's answer. Text: the reply format's blocks, which the adapter reads (or, when
 * `tools` are offered natively, read here), and any line that is exactly `{"usage": {...}}`, taken out
 * of the text. JSON: `{"text" | "result", "tool_calls", "usage", "is_error"}` (see the README, "Outside
 * agents"; `result` and `is_error` are what `claude -p --output-format json` prints). An answer with
 * nothing in it, or not of the form, throws UnusableReply. Pure.
 */
export function readAgentReply(output: string, format: ReplyFormat, tools: readonly ToolDefinition[]): WireAnswer {
  return format === 'json' ? readJsonReply(output, tools) : readTextReply(output, tools);
}

function readTextReply(output: string, tools: readonly ToolDefinition[]): WireAnswer {
  let usage: ReportedUsage | undefined;
  const kept: string[] = [];
  for (const line of output.replace(/\r\n?/g, '\n').split('\n')) {
    const reported = usageLine(line);
    if (reported) usage = reported;
    else kept.push(line);
  }
  const text = kept.join('\n').trim();
  if (text === '') throw new UnusableReply('answered nothing (stdout was empty); an agent with nothing to do says so in a line of text', usage);
  return answerOf(text, undefined, usage, tools);
}

/** A line that is a JSON object whose only field is `usage`: the agent reporting its tokens. */
function usageLine(line: string): ReportedUsage | undefined {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{') || !trimmed.includes('"usage"')) return undefined;
  try {
    const value: unknown = JSON.parse(trimmed);
    if (!isRecord(value) || Object.keys(value).length !== 1 || !isRecord(value.usage)) return undefined;
    return usageOf(value.usage);
  } catch {
    return undefined;
  }
}

function readJsonReply(output: string, tools: readonly ToolDefinition[]): WireAnswer {
  const trimmed = output.trim();
  if (trimmed === '') throw new UnusableReply('answered nothing (an empty body or stdout, where a JSON object was expected)');
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch (error) {
    throw new UnusableReply(`answered something that is not JSON (${(error as Error).message}); it starts ${JSON.stringify(trimmed.slice(0, 60))}`);
  }
  if (!isRecord(value)) throw new UnusableReply(`answered JSON that is not an object (${Array.isArray(value) ? 'an array' : typeof value}); expected {"text": ..., "tool_calls": [...], "usage": {...}}`);
  const usage = isRecord(value.usage) ? usageOf(value.usage) : undefined;
  const said = typeof value.text === 'string' ? value.text : typeof value.result === 'string' ? value.result : undefined;
  if (value.is_error === true) throw new UnusableReply(`reported an error: ${scrub(said ?? JSON.stringify(value))}`, usage);
  if (value.tool_calls !== undefined && value.tool_calls !== null && !Array.isArray(value.tool_calls)) {
    throw new UnusableReply('answered "tool_calls" that is not a list; expected [{"name": "send_message", "arguments": {...}}]', usage);
  }
  const calls = Array.isArray(value.tool_calls) ? value.tool_calls.map((call, index) => toolCallOf(call, index, usage)) : undefined;
  if (said === undefined && calls === undefined) {
    throw new UnusableReply(`answered JSON with neither "text" nor "tool_calls" (its fields: ${Object.keys(value).join(', ') || 'none'})`, usage);
  }
  return answerOf(said ?? '', calls, usage, tools);
}

/** One of `tool_calls`: a name, and arguments as an object or as a JSON string (OpenAI's form). */
function toolCallOf(call: unknown, index: number, usage: ReportedUsage | undefined): ToolCall {
  const record = isRecord(call) ? call : {};
  const fn = isRecord(record.function) ? record.function : record;
  const name = fn.name;
  if (typeof name !== 'string' || name === '') throw new UnusableReply(`answered tool_calls[${index}] without a "name"`, usage);
  const id = typeof record.id === 'string' && record.id !== '' ? record.id : `call_${index + 1}`;
  const args = fn.arguments ?? fn.input ?? {};
  if (typeof args !== 'string') return { id, name, arguments: args };
  try {
    return { id, name, arguments: JSON.parse(args) as unknown };
  } catch (error) {
    return { id, name, arguments: args, argumentsError: (error as Error).message };
  }
}

/** The answer: calls as given, or read from the text's blocks when tools were offered natively and none were given. */
function answerOf(text: string, calls: ToolCall[] | undefined, usage: ReportedUsage | undefined, tools: readonly ToolDefinition[]): WireAnswer {
  if (calls === undefined && tools.length > 0) {
    const reply = parseTextReply(text, tools);
    return { text: reply.text, toolCalls: reply.calls, ...(usage ? { usage } : {}) };
  }
  return { text, toolCalls: calls ?? [], ...(usage ? { usage } : {}) };
}

/**
 * Token counts an agent reported. `input_tokens` is every prompt token; Anthropic's split, as Claude
 * Code reports it (`cache_read_input_tokens` and `cache_creation_input_tokens` beside an
 * `input_tokens` that leaves them out), is added back, as the Anthropic adapter does.
 */
function usageOf(usage: Record<string, unknown>): ReportedUsage {
  const count = (value: unknown): number | undefined => (isReportedCount(value) ? value : undefined);
  const input = count(usage.input_tokens);
  const anthropicRead = count(usage.cache_read_input_tokens);
  const anthropicWrite = count(usage.cache_creation_input_tokens);
  const split = anthropicRead !== undefined || anthropicWrite !== undefined;
  const counts: ReportedUsage = {
    inputTokens: input === undefined ? undefined : input + (split ? (anthropicRead ?? 0) + (anthropicWrite ?? 0) : 0),
    outputTokens: count(usage.output_tokens),
    cachedInputTokens: split ? anthropicRead : count(usage.cached_input_tokens),
    cacheWriteTokens: split ? anthropicWrite : count(usage.cache_write_tokens),
  };
  return Object.fromEntries(Object.entries(counts).filter(([, value]) => value !== undefined)) as ReportedUsage;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The failure an unusable answer is for the engine: not worth retrying, and charged as a run (see outside-charge.ts) with the usage it reported. */
export function unusableAnswerError(modelKey: string, entry: Pick<ModelEntry, 'price_per_call'>, who: string, error: UnusableReply): ProviderError {
  return ranAndFailed(modelKey, entry, `${modelKey}: ${who} ${error.message}`, { retryable: false }, error.reported);
}

/**
 * The usage an output reports, if any, read as its answer would be but never failing: a program
 * that failed (a non-zero exit) after printing its usage is charged those tokens. Pure.
 */
export function reportedUsageIn(output: string, format: ReplyFormat): ReportedUsage | undefined {
  try {
    return readAgentReply(output, format, []).usage;
  } catch (error) {
    return error instanceof UnusableReply ? error.reported : undefined;
  }
}
