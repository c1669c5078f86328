import { ProviderError } from '../provider-error.js';

/**
 * True when a server refused a call because the model cannot call tools, as
 * Ollama ("... does not support tools"), vLLM ("auto" tool choice requires
 * --enable-auto-tool-choice ...) and similar servers answer. Pure.
 */
export function isToolsUnsupported(error: unknown): boolean {
  if (!(error instanceof ProviderError) || error.retryable) return false;
  if (error.status !== undefined && ![400, 404, 422, 501].includes(error.status)) return false;
  const message = error.message.toLowerCase();
  if (!message.includes('tool')) return false;
  return /not support|unsupported|does not have|requires --enable-auto-tool-choice|tool.?choice|tool-call-parser|no tools/.test(message);
}
