import type { ChatTurn, ProviderResponse } from '../../providers/provider.js';
import type { CallTrace } from './call-trace.js';

/** One step of a call with tools: what the model had seen by then, and its answer, as given. */
export interface TraceStep {
  step: number;
  /** ISO time the answer arrived. */
  at: string;
  /**
   * The model saw the system prompt and the trace's `request.messages[0 .. messages)` at this step. What
   * follows, up to the next step's count, is its own tool calls and the tools' results it was shown next.
   */
  messages: number;
  response: ProviderResponse;
}

function startsWith(later: ChatTurn[], earlier: ChatTurn[]): boolean {
  return earlier.length < later.length && earlier.every((turn, index) => turn.role === later[index]?.role && turn.content === later[index]?.content);
}

/**
 * The steps of a call that `trace` continues, or undefined when it is a call of its own. A step of the
 * loop asks again with the earlier exchange plus the tool results, so a request that extends the one
 * already traced for this turn (the text `read` gives, written or on its way) is the next step of the
 * same call: the earlier steps are kept and this one added, rather than the trace of the last step
 * replacing them. Only a request with more than one message can continue one, so a call without
 * tools reads nothing.
 */
export function stepsSoFar(read: () => string | undefined, trace: CallTrace): TraceStep[] | undefined {
  if (trace.request.messages.length <= 1) return undefined;
  let earlier: CallTrace;
  try {
    earlier = JSON.parse(read() ?? '') as CallTrace;
  } catch {
    return undefined;
  }
  if (earlier.agent !== trace.agent || earlier.turn !== trace.turn || !startsWith(trace.request.messages, earlier.request.messages)) return undefined;
  const before = earlier.steps ?? [{ step: 1, at: earlier.at, messages: earlier.request.messages.length, response: earlier.response }];
  return [...before, { step: before.length + 1, at: trace.at, messages: trace.request.messages.length, response: trace.response }];
}
