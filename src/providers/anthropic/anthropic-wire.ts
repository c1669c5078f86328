import type { MessageCreateParamsNonStreaming, Tool } from '@anthropic-ai/sdk/resources/messages/messages';
import { z } from 'zod';
import { MODEL_DEFAULTS } from '../model-defaults.js';
import { ProviderError } from '../provider-error.js';
import { splitSystem } from '../prompt-cache.js';
import type { ProviderRequest, ToolCall } from '../provider.js';
import { reportedOnly, type ReportedUsage } from '../usage.js';
import { isReportedCount } from '../usage-gate.js';
import type { WireAnswer } from '../wire-adapter.js';

const BREAKPOINT = { type: 'ephemeral' } as const;

/**
 * The Messages API request for an engine request. Anthropic requires an output cap, so one is always
 * sent. With `cache` (the entry's `prompt_cache`, on unless set false), the tools, the stable part of
 * the system prompt and the last message each end with a cache breakpoint (see prompt-cache.ts). Pure.
 */
export function toMessageParams(request: ProviderRequest, cache = true): MessageCreateParamsNonStreaming {
  const { stable, rest } = splitSystem(request);
  const system: MessageCreateParamsNonStreaming['system'] =
    cache && stable.length > 0
      ? [{ type: 'text', text: stable, cache_control: BREAKPOINT }, ...(rest.length > 0 ? [{ type: 'text' as const, text: rest }] : [])]
      : request.system;
  const last = request.messages.length - 1;
  const params: MessageCreateParamsNonStreaming = {
    model: request.model,
    max_tokens: request.maxOutputTokens ?? MODEL_DEFAULTS.maxOutputTokens,
    system,
    messages: request.messages.map((turn, index) =>
      cache && index === last && turn.content.length > 0
        ? { role: turn.role, content: [{ type: 'text', text: turn.content, cache_control: BREAKPOINT }] }
        : { role: turn.role, content: turn.content },
    ),
  };
  if (request.tools.length > 0) {
    const lastTool = request.tools.length - 1;
    params.tools = request.tools.map(
      (tool, index): Tool => ({
        name: tool.name,
        description: tool.description,
        input_schema: tool.parameters as Tool['input_schema'],
        ...(cache && index === lastTool ? { cache_control: BREAKPOINT } : {}),
      }),
    );
  }
  return params;
}

// Counts are read as they came: the usage gate's (usage-gate.ts), as in openai-wire.ts.
const count = z.unknown().optional();
const messageSchema = z.looseObject({
  content: z.array(
    z.looseObject({
      type: z.string(),
      text: z.string().nullish(),
      id: z.string().nullish(),
      name: z.string().nullish(),
      input: z.unknown().optional(),
    }),
  ),
  stop_reason: z.string().nullish(),
  usage: z
    .looseObject({
      input_tokens: count,
      output_tokens: count,
      cache_creation_input_tokens: count,
      cache_read_input_tokens: count,
    })
    .nullish(),
});

/** Messages API usage as lemming counts it: Anthropic's input_tokens leaves out what was read from and written to the prompt cache; lemming's input counts every prompt token. */
function messageUsage(usage: z.infer<typeof messageSchema>['usage'] | undefined): ReportedUsage | undefined {
  if (!usage) return undefined;
  const input = usage.input_tokens;
  const part = (value: unknown): number => (isReportedCount(value) ? value : 0);
  return {
    inputTokens: isReportedCount(input) ? input + part(usage.cache_creation_input_tokens) + part(usage.cache_read_input_tokens) : input,
    outputTokens: usage.output_tokens,
    cachedInputTokens: usage.cache_read_input_tokens,
    cacheWriteTokens: usage.cache_creation_input_tokens,
  };
}

/**
 * Read a Messages API answer: its text blocks, its tool_use blocks, the usage as
 * reported (cache reads and writes count as input, and are told apart), a note for a refusal,
 * and whether the output cap cut the answer (and its last call) short. A body of any other
 * shape is an error. Pure.
 */
export function fromMessage(body: unknown, modelKey: string): WireAnswer {
  const parsed = messageSchema.safeParse(body);
  if (!parsed.success) {
    const what = typeof body === 'string' ? `text (${JSON.stringify(body.slice(0, 60))})` : 'JSON without a content list';
    // An answer lemming cannot use is still one the server counted: it is charged.
    const usage = reportedOnly(messageUsage(messageSchema.shape.usage.safeParse((body as { usage?: unknown } | null)?.usage).data));
    throw new ProviderError(`${modelKey}: the server's answer is not a message: it sent ${what}`, { retryable: false, ...(usage ? { unusable: [{ modelKey, usage }] } : {}) });
  }
  const texts: string[] = [];
  const toolCalls: ToolCall[] = [];
  for (const block of parsed.data.content) {
    if (block.type === 'text' && block.text) texts.push(block.text);
    if (block.type === 'tool_use' && block.name) {
      toolCalls.push({ id: block.id ?? `toolu_${toolCalls.length + 1}`, name: block.name, arguments: block.input ?? {} });
    }
  }
  const notes: string[] = [];
  if (parsed.data.stop_reason === 'refusal') notes.push('the model declined to answer (stop_reason: refusal)');
  const truncated = parsed.data.stop_reason === 'max_tokens';
  // Blocks come in the order written: an answer stopped at the cap while its last block was a
  // tool_use was stopped inside that call, whatever part of its input came through.
  const lastBlock = parsed.data.content.at(-1);
  const lastCall = toolCalls.at(-1);
  if (truncated && lastBlock?.type === 'tool_use' && lastCall) lastCall.cut = true;
  const answer: WireAnswer = { text: texts.join('\n\n'), toolCalls, notes, ...(truncated ? { truncated } : {}) };
  const usage = messageUsage(parsed.data.usage);
  if (usage) answer.usage = usage;
  return answer;
}
