import { getJson } from './api.js';
import { el, show, tokens, tokensIn, type Child } from './dom.js';

interface TraceResponse {
  text: string;
  toolCalls: Array<{ name: string; arguments: unknown }>;
  usage: { inputTokens: number; outputTokens: number; cachedInputTokens?: number; cacheWriteTokens?: number; estimated: boolean };
  modelKey: string;
}

interface Trace {
  turn: number;
  at: string;
  modelKey: string;
  model: string;
  request: { system: string; messages: Array<{ role: string; content: string }>; tools: Array<{ name: string }>; toolsInPrompt?: string[] };
  response: TraceResponse;
  /** With tools: each step's answer and how many of `request.messages` the model had seen by then. */
  steps?: Array<{ step: number; at: string; messages: number; response: TraceResponse }>;
}

function messages(trace: Trace, from: number, to: number): Child[] {
  return trace.request.messages.slice(from, to).flatMap((message) => [el('h4', {}, message.role), el('pre', { class: 'trace-message' }, message.content)]);
}

function answer(response: TraceResponse, heading: string, at: string): Child[] {
  return [
    el('h3', {}, heading),
    el('p', { class: 'muted' }, `answered ${at} by ${response.modelKey}: tokens ${tokensIn(response.usage)}, ${tokens(response.usage.outputTokens)} out${response.usage.estimated ? ' (estimated)' : ''}`),
    response.text ? el('pre', {}, response.text) : '',
    ...response.toolCalls.map((call) => el('pre', { class: 'trace-call' }, `${call.name} ${typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments, null, 2)}`)),
  ];
}

/**
 * One call's trace as the model saw it: the system prompt, the messages, the tools offered and the
 * raw answer. With tools, step by step: what was new to the model at each step (its inbox first, then
 * its own calls and the tools' results) and what it answered then.
 */
export async function showTrace(target: HTMLElement, agent: string, turn: number): Promise<void> {
  const trace = await getJson<Trace>(`/traces/${agent}/${turn}`);
  const head: Child[] = [
    el('h3', {}, `Call of turn ${trace.turn}: ${trace.modelKey} (${trace.model})${trace.steps ? `, ${trace.steps.length} steps` : ''}`),
    el('h3', {}, 'System prompt'),
    el('pre', { class: 'trace-system' }, trace.request.system),
    el('p', { class: 'muted' }, `tools offered: ${trace.request.toolsInPrompt?.length ? `none (described in the prompt as action blocks: ${trace.request.toolsInPrompt.join(', ')})` : trace.request.tools.map((tool) => tool.name).join(', ') || 'none'}`),
  ];
  if (!trace.steps) {
    show(target, ...head, ...messages(trace, 0, trace.request.messages.length), ...answer(trace.response, 'Answer, as the model gave it', trace.at));
    return;
  }
  let seen = 0;
  const steps = trace.steps.map((step) => {
    const section = el(
      'section',
      { class: 'trace-step', 'data-step': step.step },
      el('h3', {}, `Step ${step.step} of ${trace.steps?.length ?? 0}: ${seen === 0 ? 'the model saw' : 'then it saw its calls and their results'}`),
      ...messages(trace, seen, step.messages),
      ...answer(step.response, `Answer at step ${step.step}, as the model gave it`, step.at),
    );
    seen = step.messages;
    return section;
  });
  show(target, ...head, ...steps);
}
