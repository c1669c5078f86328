import { chatCompletion, type ToolUse } from './vendor-bodies.js';
import type { ReceivedRequest, WireReply } from './wire-server.js';

/** What a small local server does with a prompt longer than its context: llama.cpp refuses it, Ollama cuts it silently. */
export type OverLong = 'refuse' | 'truncate';

/** The stand-in's settings: its context size, how it counts, and what it does with a prompt past its context. */
export interface SmallWindowOptions {
  /** The server's context size (llama.cpp's `-c`, Ollama's `num_ctx`). */
  window: number;
  overLong: OverLong;
  /** Bytes of the messages' text a token stands for: 4 for a large vocabulary, less for a small one. */
  bytesPerToken?: number;
  /** What the model answers to a prompt that fitted (or was cut). */
  answer(request: ReceivedRequest): { toolCalls?: ToolUse[]; content?: string };
}

/** The prompt tokens the stand-in counts of a chat request: its messages' text, a token per `bytesPerToken` bytes. */
export function countedTokens(request: ReceivedRequest, bytesPerToken = 4): number {
  const messages = (request.body?.messages ?? []) as Array<{ content: unknown }>;
  const bytes = messages.reduce((sum, message) => sum + Buffer.byteLength(String(message.content ?? '')), 0);
  return Math.ceil(bytes / bytesPerToken);
}

/**
 * A local OpenAI-compatible server with a small context and no tokenizer endpoint (no `/tokenize`,
 * no `/apply-template`, as Ollama): a prompt it counts past its window is refused in llama.cpp's words
 * and sizes, or cut silently with the window's size reported as its prompt tokens (as Ollama keeps the
 * end of a prompt longer than `num_ctx`). Every answer reports the prompt tokens it counted.
 */
export function smallWindowServer(options: SmallWindowOptions): (request: ReceivedRequest) => WireReply {
  return (request) => {
    if (request.path !== '/v1/chat/completions') return { status: 404, body: 'Not Found' };
    const tokens = countedTokens(request, options.bytesPerToken);
    if (tokens > options.window && options.overLong === 'refuse') {
      const message = `request (${tokens} tokens) exceeds the available context size (${options.window} tokens), try increasing it`;
      return { status: 400, body: { error: { code: 400, message, type: 'exceed_context_size_error', n_prompt_tokens: tokens, n_ctx: options.window } } };
    }
    const promptTokens = Math.min(tokens, options.window);
    return { body: chatCompletion({ ...options.answer(request), usage: { prompt_tokens: promptTokens, completion_tokens: 20 } }) };
  };
}
