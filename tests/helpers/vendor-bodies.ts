/** Answer bodies in each vendor's wire format, as their APIs send them. */

export interface ToolUse {
  name: string;
  arguments: Record<string, unknown> | string;
  id?: string;
}

/**
 * An OpenAI Chat Completions answer. `usage: null` leaves usage out, as many local servers do;
 * `prompt_tokens_details.cached_tokens` is the part of `prompt_tokens` read from OpenAI's prompt cache.
 */
export function chatCompletion(options: {
  content?: string | null;
  toolCalls?: ToolUse[];
  usage?: { prompt_tokens: number; completion_tokens: number; prompt_tokens_details?: { cached_tokens: number; audio_tokens?: number } } | null;
  finishReason?: string;
  refusal?: string;
}): Record<string, unknown> {
  const toolCalls = options.toolCalls?.map((call, index) => ({
    id: call.id ?? `call_${index + 1}`,
    type: 'function',
    function: { name: call.name, arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments) },
  }));
  const body: Record<string, unknown> = {
    id: 'chatcmpl-test',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: 'test-model',
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: options.content ?? null,
          refusal: options.refusal ?? null,
          ...(toolCalls ? { tool_calls: toolCalls } : {}),
        },
        finish_reason: options.finishReason ?? (toolCalls ? 'tool_calls' : 'stop'),
      },
    ],
  };
  if (options.usage !== null) {
    const usage = options.usage ?? { prompt_tokens: 120, completion_tokens: 30 };
    body.usage = { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens };
  }
  return body;
}

/**
 * An Anthropic Messages answer. Its `input_tokens` leaves out the prompt tokens read from the
 * cache (`cache_read_input_tokens`) and written to it (`cache_creation_input_tokens`).
 */
export function anthropicMessage(options: {
  text?: string;
  toolUses?: ToolUse[];
  usage?: { input_tokens: number; output_tokens: number; cache_read_input_tokens?: number; cache_creation_input_tokens?: number } | null;
  stopReason?: string;
}): Record<string, unknown> {
  const content: unknown[] = [];
  if (options.text) content.push({ type: 'text', text: options.text });
  options.toolUses?.forEach((call, index) => content.push({ type: 'tool_use', id: call.id ?? `toolu_${index + 1}`, name: call.name, input: call.arguments }));
  const body: Record<string, unknown> = {
    id: 'msg_test',
    type: 'message',
    role: 'assistant',
    model: 'claude-test',
    content,
    stop_reason: options.stopReason ?? (options.toolUses ? 'tool_use' : 'end_turn'),
    stop_sequence: null,
  };
  if (options.usage !== null) body.usage = options.usage ?? { input_tokens: 200, output_tokens: 40 };
  return body;
}

/** An error body as both vendors send them. */
export function errorBody(message: string, type = 'error'): Record<string, unknown> {
  return { type: 'error', error: { type, message } };
}

/** The text of an Anthropic `system` or message `content` as sent: a string, or text blocks (a cache breakpoint splits the system prompt in two). */
export function anthropicText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (!Array.isArray(value)) return String(value);
  return value.map((block: { text?: unknown }) => (typeof block.text === 'string' ? block.text : '')).join('');
}
