import { z } from 'zod';
import { ProviderError } from '../provider-error.js';
import { promptCacheKey } from '../prompt-cache.js';
import type { ProviderRequest, ToolCall } from '../provider.js';
import { reportedOnly, type ReportedUsage } from '../usage.js';
import type { WireAnswer } from '../wire-adapter.js';

/**
 * `openai` sends the output cap as `max_completion_tokens` (the only name newer
 * OpenAI models accept); `openai-compatible` as `max_tokens`, the name Ollama,
 * vLLM and LM Studio read.
 */
export type ChatFlavour = 'openai' | 'openai-compatible';

/** What a registry entry says of the prompt cache (see prompt-cache.ts). */
export interface ChatCacheSettings {
  /** `prompt_cache`: false sends no cache field. */
  promptCache?: boolean;
  /** `cache_slots` of an `openai-compatible` llama.cpp server: an agent keeps to the slot its request names (`cacheSlot`). */
  cacheSlots?: number;
}

/** The Chat Completions request lemming sends: the fields it sets, as OpenAI's API reference names them. */
export interface ChatParams {
  model: string;
  messages: Array<{ role: 'system' | 'user' | 'assistant'; content: string }>;
  tools?: Array<{ type: 'function'; function: { name: string; description: string; parameters: object } }>;
  /** OpenAI's output cap; a server that speaks the older API reads `max_tokens`. */
  max_completion_tokens?: number;
  max_tokens?: number;
  /** OpenAI's prompt cache: the requests of one agent share a key. */
  prompt_cache_key?: string;
  /** llama.cpp's: keep the prompt cached in the slot `id_slot`. */
  cache_prompt?: boolean;
  id_slot?: number;
  seed?: number;
}

/**
 * The Chat Completions request for an engine request: the system prompt first (its stable part
 * leading), then the mail. OpenAI is given a `prompt_cache_key` per agent; a local server is given
 * `cache_prompt` and an `id_slot` only when the entry names its slots and the request the slot its
 * agent keeps to (prompt-cache.ts); otherwise it chooses a slot itself (llama.cpp, by the longest
 * shared prefix), and others reuse a prefix unasked and might refuse a field they do not know. `seed` is the registry entry's (an experiment's
 * repeat sets it). Pure.
 */
export function toChatParams(request: ProviderRequest, flavour: ChatFlavour, cache: ChatCacheSettings = {}, seed?: number): ChatParams {
  const messages: ChatParams['messages'] = [{ role: 'system', content: request.system }];
  for (const turn of request.messages) messages.push({ role: turn.role, content: turn.content });
  const params: ChatParams = { model: request.model, messages };
  if (request.tools.length > 0) {
    params.tools = request.tools.map((tool) => ({
      type: 'function',
      function: { name: tool.name, description: tool.description, parameters: tool.parameters },
    }));
  }
  if (request.maxOutputTokens !== undefined) {
    if (flavour === 'openai') params.max_completion_tokens = request.maxOutputTokens;
    else params.max_tokens = request.maxOutputTokens;
  }
  if (cache.promptCache !== false) {
    if (flavour === 'openai') params.prompt_cache_key = promptCacheKey(request);
    else if (cache.cacheSlots !== undefined && request.cacheSlot !== undefined && request.cacheSlot < cache.cacheSlots) {
      params.cache_prompt = true;
      params.id_slot = request.cacheSlot;
    }
  }
  if (seed !== undefined) params.seed = seed;
  return params;
}

// Counts are read as they came: which of them are counts, and how much of one is counted, is the usage gate's
// (usage-gate.ts); a count the schema refused (1e999 is Infinity) would make the whole answer unusable, and free.
const count = z.unknown().optional();
/**
 * A message's content: text, or a list of parts as some OpenAI-compatible servers send it; the text
 * parts are its text, the others (a model's thinking, an image) are left out.
 */
const contentSchema = z.union([z.string(), z.array(z.looseObject({ type: z.unknown().optional(), text: z.unknown().optional() }))], {
  error: 'not text or a list of parts like [{"type": "text", "text": "..."}]',
});
const chatCompletionSchema = z.looseObject({
  choices: z
    .array(
      z.looseObject({
        message: z.looseObject({
          content: contentSchema.nullish(),
          refusal: z.string().nullish(),
          tool_calls: z
            .array(
              z.looseObject({
                id: z.string().nullish(),
                type: z.string().nullish(),
                function: z.looseObject({ name: z.string(), arguments: z.unknown().optional() }).nullish(),
              }),
            )
            .nullish(),
        }),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1),
  usage: z
    .looseObject({ prompt_tokens: count, completion_tokens: count, prompt_tokens_details: z.looseObject({ cached_tokens: count }).nullish() })
    .nullish(),
});
const usageSchema = chatCompletionSchema.shape.usage;

/** Chat Completions usage as lemming counts it. */
function chatUsage(usage: z.infer<typeof usageSchema> | undefined): ReportedUsage | undefined {
  return usage ? { inputTokens: usage.prompt_tokens, outputTokens: usage.completion_tokens, cachedInputTokens: usage.prompt_tokens_details?.cached_tokens } : undefined;
}

/**
 * Read a Chat Completions answer: the first choice's text (or its text parts) and tool calls (their
 * arguments parsed from JSON), the usage as reported (with the part of the prompt the
 * cache served), a note for a refusal, and whether the output cap cut the answer (and its
 * last call) short. A body of any other shape is an error. Pure.
 */
export function fromChatCompletion(body: unknown, modelKey: string): WireAnswer {
  const parsed = chatCompletionSchema.safeParse(body);
  if (!parsed.success) {
    const what = typeof body === 'string' ? `text (${JSON.stringify(body.slice(0, 60))})` : unreadContent(parsed.error.issues) ?? 'JSON without a choices[0].message';
    // An answer lemming cannot use is still one the server counted (`choices: []` with its usage): it is charged.
    const usage = reportedOnly(chatUsage(usageSchema.safeParse((body as { usage?: unknown } | null)?.usage).data));
    throw new ProviderError(`${modelKey}: the server's answer is not a chat completion: it sent ${what}`, { retryable: false, ...(usage ? { unusable: [{ modelKey, usage }] } : {}) });
  }
  const choice = parsed.data.choices[0];
  const message = choice?.message;
  const toolCalls: ToolCall[] = [];
  (message?.tool_calls ?? []).forEach((call, index) => {
    if (!call.function || (call.type != null && call.type !== 'function')) return;
    toolCalls.push({ id: call.id ?? `call_${index + 1}`, name: call.function.name, ...parseArguments(call.function.arguments) });
  });
  const notes: string[] = [];
  if (message?.refusal) notes.push(`the model refused: ${message.refusal.slice(0, 300)}`);
  const truncated = choice?.finish_reason === 'length';
  // Stopped at the cap in the middle of a call: its JSON does not close. A last call that parses was complete.
  const last = toolCalls.at(-1);
  if (truncated && last?.argumentsError !== undefined) last.cut = true;
  const answer: WireAnswer = { text: textOf(message?.content), toolCalls, notes, ...(truncated ? { truncated } : {}) };
  const usage = parsed.data.usage;
  // prompt_tokens counts the cached tokens too; cached_tokens says how many of them the prompt cache served.
  const reported = chatUsage(usage);
  if (reported) answer.usage = reported;
  return answer;
}

/** A message's text: its content, or the text of its text parts one after another. */
function textOf(content: z.infer<typeof contentSchema> | null | undefined): string {
  if (content === null || content === undefined) return '';
  if (typeof content === 'string') return content;
  return content.map((part) => (part.type === 'text' && typeof part.text === 'string' ? part.text : '')).join('');
}

/** What was wrong with the first choice's content, when that is why the answer was refused. */
function unreadContent(issues: readonly z.core.$ZodIssue[]): string | undefined {
  const issue = issues.find((each) => each.path.join('.') === 'choices.0.message.content');
  return issue === undefined ? undefined : `JSON whose choices[0].message.content is ${issue.message}`;
}

/** Tool arguments arrive as a JSON string (some servers send the object itself). */
function parseArguments(raw: unknown): Pick<ToolCall, 'arguments' | 'argumentsError'> {
  if (raw === undefined || raw === null || raw === '') return { arguments: {} };
  if (typeof raw !== 'string') return { arguments: raw };
  try {
    return { arguments: JSON.parse(raw) as unknown };
  } catch (error) {
    return { arguments: raw, argumentsError: error instanceof Error ? error.message : String(error) };
  }
}
