import { errorMessage } from '../../errors.js';
import { isContextLengthError, isCountedTooLong, statedSizes, type StatedSizes } from '../../providers/provider-error.js';
import type { ProviderRequest, ProviderResponse } from '../../providers/provider.js';
import { estimateTokens } from '../../providers/token-estimate.js';
import type { PromptLimit } from './build-prompt.js';
import type { PreparedCall } from './prepare-call.js';

/** The call that was answered: the prompt it was asked with decides which mail is now read. */
export interface FittedCall {
  response: ProviderResponse;
  prepared: PreparedCall;
}

/** How many times a prompt lemming counted too long is built again, smaller, before the call fails: each halves the mail. */
const MOST_SHRINKS = 6;

/**
 * Ask the model; when the prompt does not fit the model's context window, ask again showing half as
 * much mail. What is left out waits for a later turn and the prompt says so. When lemming counted the
 * prompt too long itself (providers/context-fit.ts: nothing was sent), it halves again until the
 * prompt fits or no mail is left to leave out; the call fails only then, saying that what is left
 * (the agent's resume, notes and tools) is too long for the window. When the server refused it
 * (`400 … exceeds the available context size`, `context_length_exceeded`, "prompt is too long"), it
 * is asked once more, and a second refusal says the declared window may be larger than the server's.
 * A refusal that states its sizes (llama.cpp: `request (N tokens) exceeds the available context size
 * (M tokens)`) sizes that once more by them (`sized`), where one that does not halves the mail.
 */
export async function askFitting(
  ask: (request: PreparedCall['prompt']['request']) => Promise<ProviderResponse>,
  first: PreparedCall,
  smaller: (limit: PromptLimit) => PreparedCall,
  sized?: (request: PreparedCall['prompt']['request'], stated: StatedSizes, shown: number) => PromptLimit | undefined,
): Promise<FittedCall> {
  let prepared = first;
  let refused: unknown;
  let serverRefusals = 0;
  for (let shrinks = 0; ; shrinks += 1) {
    let response: ProviderResponse;
    try {
      response = await ask(prepared.prompt.request);
    } catch (error) {
      if (!isContextLengthError(error)) throw error;
      const shown = `${prepared.prompt.shown.length} of ${first.prompt.shown.length} message(s) shown`;
      const tooLong = (): Error => new Error(`${errorMessage(error)} (with ${shown}: what is left, ${ownPart(prepared.prompt.request)}, is too long for the window; shorten them, grant fewer tools, or give the agent a model with a larger context_window)`);
      if (!isCountedTooLong(error)) {
        // The server refused a prompt lemming found within the declared window: once more, smaller; then the window is to blame.
        serverRefusals += 1;
        if (serverRefusals > 1) throw new Error(`${errorMessage(error)} (also with ${shown}; the model's context_window in org/org.yaml may be larger than the server's)`);
      } else if (shrinks >= MOST_SHRINKS || !canShrink(prepared)) {
        throw tooLong();
      }
      refused ??= error;
      const stated = statedSizes(error);
      const bySizes = stated && sized ? sized(prepared.prompt.request, stated, prepared.prompt.shown.length) : undefined;
      const next = smaller(bySizes ?? { messages: Math.max(1, Math.floor(prepared.prompt.shown.length / 2)), tokens: halved(prepared.prompt.request) });
      // Lemming's own count asks again only when less is shown: the same prompt would be counted the same.
      if (isCountedTooLong(error) && mailOf(next.prompt.request) >= mailOf(prepared.prompt.request)) throw tooLong();
      prepared = next;
      continue;
    }
    if (refused === undefined) return { response, prepared };
    const shown = `${prepared.prompt.shown.length} of ${first.prompt.shown.length} message(s)`;
    const note = isCountedTooLong(refused)
      ? `the prompt did not fit the context window (${errorMessage(refused)}); asked showing ${shown}, the rest wait for a later turn`
      : `the server said the prompt did not fit its context (${errorMessage(refused)}); asked again showing ${shown}, the rest wait for a later turn`;
    return { response: { ...response, notes: [note, ...(response.notes ?? [])] }, prepared };
  }
}

/** The agent's own part of a prompt, with its sizes: what no fitting leaves out. Pure. */
function ownPart(request: Pick<ProviderRequest, 'system' | 'tools'>): string {
  const tools = request.tools.length > 0 ? `, and its ${request.tools.length} tools' definitions, ${Buffer.byteLength(JSON.stringify(request.tools))} bytes` : '';
  return `the agent's resume, rules and notes (its system prompt, ${Buffer.byteLength(request.system)} bytes)${tools}`;
}

/** Whether a smaller prompt could leave anything out: it shows some mail. */
function canShrink(prepared: PreparedCall): boolean {
  return mailOf(prepared.prompt.request) > 0 && prepared.prompt.shown.length > 0;
}

/** Characters of mail (the messages after the system prompt) a request carries. */
function mailOf(request: Pick<ProviderRequest, 'messages'>): number {
  return request.messages.reduce((sum, message) => sum + message.content.length, 0);
}

/** Half the estimated tokens of the mail part of the prompt: at least enough for one short message. */
function halved(request: Pick<ProviderRequest, 'messages'>): number {
  const mail = request.messages.reduce((sum, message) => sum + estimateTokens(message.content), 0);
  return Math.max(256, Math.floor(mail / 2));
}
