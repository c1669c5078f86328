import { errorMessage } from '../../errors.js';
import { isContextLengthError } from '../../providers/provider-error.js';
import type { ProviderRequest, ProviderResponse } from '../../providers/provider.js';
import { estimateTokens } from '../../providers/token-estimate.js';
import type { PromptLimit } from './build-prompt.js';
import type { PreparedCall } from './prepare-call.js';

/** The call that was answered: the prompt it was asked with decides which mail is now read. */
export interface FittedCall {
  response: ProviderResponse;
  prepared: PreparedCall;
}

/**
 * Ask the model; when the server says the prompt does not fit its context window
 * (`400 … exceeds the available context size`, `context_length_exceeded`, "prompt is too
 * long"), ask once more showing half as much mail. What is left out waits for a later
 * turn and the prompt says so; only when the smaller prompt fails too does the call fail.
 */
export async function askFitting(
  ask: (request: PreparedCall['prompt']['request']) => Promise<ProviderResponse>,
  first: PreparedCall,
  smaller: (limit: PromptLimit) => PreparedCall,
): Promise<FittedCall> {
  try {
    return { response: await ask(first.prompt.request), prepared: first };
  } catch (error) {
    if (!isContextLengthError(error)) throw error;
    const limit = halved(first.prompt.request);
    const retried = smaller({ messages: Math.max(1, Math.floor(first.prompt.shown.length / 2)), tokens: limit });
    const shown = `${retried.prompt.shown.length} of ${first.prompt.shown.length} message(s)`;
    let response: ProviderResponse;
    try {
      response = await ask(retried.prompt.request);
    } catch (second) {
      if (isContextLengthError(second)) throw new Error(`${errorMessage(second)} (also with ${shown} shown; the model's context_window in org/org.yaml may be larger than the server's)`);
      throw second;
    }
    const note = `the server said the prompt did not fit its context (${errorMessage(error)}); asked again showing ${shown}, the rest wait for a later turn`;
    return { response: { ...response, notes: [note, ...(response.notes ?? [])] }, prepared: retried };
  }
}

/** Half the estimated tokens of the mail part of the prompt: at least enough for one short message. */
function halved(request: Pick<ProviderRequest, 'messages'>): number {
  const mail = request.messages.reduce((sum, message) => sum + estimateTokens(message.content), 0);
  return Math.max(256, Math.floor(mail / 2));
}
