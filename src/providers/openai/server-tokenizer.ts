import { callDeadline } from '../call-deadline.js';
import { TEMPLATE_TOKENS_PER_MESSAGE, type TokenCounter } from '../context-fit.js';
import type { ProviderRequest } from '../provider.js';
import { readBodyCapped } from '../response-body.js';
import type { ChatParams } from './openai-wire.js';

/** How long counting a prompt may take: a local server answers in milliseconds, and a call is waiting. */
const COUNT_TIMEOUT_MS = 10_000;

/**
 * The most bytes an honest answer to a request of `sent` bytes can be. A tokenizer makes at most a
 * token a byte (byte fallback), each at most about a dozen bytes of JSON (`262143, ` and the
 * spacing of a pretty printer); a template adds its markers to the messages it was sent. Past this,
 * the answer is not read further (response-body.ts) and the server counts nothing.
 */
function answerCap(sent: number): number {
  return 64 * 1024 + 12 * sent;
}

/**
 * The model's own tokenizer on an OpenAI-compatible server that offers one, as llama.cpp's
 * `llama-server` does beside its `/v1` API: `/apply-template` makes the prompt the server would make
 * of the chat request (template, roles, tools), and `/tokenize` counts it as a completion does (with
 * the special tokens). A server without `/apply-template` has the plain text counted and room for a
 * template's markers added; one without `/tokenize` (Ollama, vLLM's OpenAI server without it) counts
 * nothing, and is not asked again. `params` is the chat request as it would be sent.
 */
export function serverTokenizer(baseUrl: string, params: (request: ProviderRequest) => ChatParams, fetchImpl: typeof fetch = fetch): TokenCounter {
  const root = baseUrl.replace(/\/+$/, '').replace(/\/v1$/, '');
  let offers = { template: true, tokenize: true };
  const post = async (path: string, body: unknown, signal?: AbortSignal): Promise<Record<string, unknown> | undefined> => {
    const deadline = callDeadline(signal, COUNT_TIMEOUT_MS);
    try {
      const sent = JSON.stringify(body);
      // A redirect is not followed (as a chat call's is not: sdk-call.ts): the prompt goes to base_url's server or nowhere; it counts nothing.
      const response = await fetchImpl(`${root}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: sent, signal: deadline.signal, redirect: 'manual' });
      if (!response.ok) {
        await response.body?.cancel().catch(() => undefined);
        return undefined;
      }
      const text = await readBodyCapped(response, answerCap(Buffer.byteLength(sent)));
      const answer = text === undefined ? undefined : parsedOrUndefined(text);
      return answer !== null && typeof answer === 'object' ? (answer as Record<string, unknown>) : undefined;
    } finally {
      deadline.end();
    }
  };
  return async (request) => {
    if (!offers.tokenize) return undefined;
    try {
      const chat = params(request);
      let prompt: string | undefined;
      if (offers.template) {
        const templated = await post('/apply-template', { messages: chat.messages, ...(chat.tools ? { tools: chat.tools } : {}) }, request.signal);
        prompt = typeof templated?.prompt === 'string' ? templated.prompt : undefined;
        if (prompt === undefined) offers = { ...offers, template: false };
      }
      const content = prompt ?? [request.system, ...request.messages.map((message) => message.content), ...(chat.tools ? [JSON.stringify(chat.tools)] : [])].join('\n');
      const counted = await post('/tokenize', { content, add_special: true, parse_special: true }, request.signal);
      if (!Array.isArray(counted?.tokens)) {
        offers = { ...offers, tokenize: false };
        return undefined;
      }
      return counted.tokens.length + (prompt === undefined ? TEMPLATE_TOKENS_PER_MESSAGE * (request.messages.length + 1) : 0);
    } catch (error) {
      // A stopped run stops here too; a server that could not count leaves the bound in force.
      if (request.signal?.aborted) throw error;
      return undefined;
    }
  };
}

function parsedOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
