import type { ProviderRequest, ToolDefinition } from '../provider.js';

/** The version of the call lemming hands an agent program or an HTTP agent; a change that breaks readers gets a new one. */
export const AGENT_CALL_VERSION = 1;

/**
 * One call as JSON, what an HTTP agent is POSTed and an agent program with `prompt: json` reads
 * on stdin. Documented in docs/outside-agents.md; the field names are the wire's, not lemming's.
 */
export interface AgentCall {
  lemming: typeof AGENT_CALL_VERSION;
  agent: string;
  turn: number;
  /** The step of the agent's turn, from 1: a step after the first carries the tool results of the one before. */
  step: number;
  /** The registry key. */
  model_key: string;
  /** The registry entry's `model` (its provider's name when the entry names none). */
  model: string;
  system: string;
  messages: Array<{ role: 'user' | 'assistant'; content: string }>;
  /** The tools the agent may call this step; empty with `prompt: text`, whose system prompt says how to write actions. */
  tools: ToolDefinition[];
  max_output_tokens: number | null;
}

/** The step a request is for: one more than the model's answers already in the conversation. Pure. */
export function stepOf(request: Pick<ProviderRequest, 'messages'>): number {
  return request.messages.filter((message) => message.role === 'assistant').length + 1;
}

/** The request as the JSON an outside agent reads. Pure. */
export function agentCall(request: ProviderRequest): AgentCall {
  return {
    lemming: AGENT_CALL_VERSION,
    agent: request.agent,
    turn: request.turn,
    step: stepOf(request),
    model_key: request.modelKey,
    model: request.model,
    system: request.system,
    messages: request.messages.map((message) => ({ role: message.role, content: message.content })),
    tools: request.tools.map((tool) => ({ name: tool.name, description: tool.description, parameters: tool.parameters })),
    max_output_tokens: request.maxOutputTokens ?? null,
  };
}

/** The line that opens each turn of the conversation in the plain-text prompt: `--- user ---`, `--- assistant ---`. */
export function turnHeading(role: 'user' | 'assistant'): string {
  return `--- ${role} ---`;
}

/**
 * The request as one plain text, what an agent program with `prompt: text` reads on stdin: the
 * system prompt (which, in this form, ends with how to write actions as blocks), then each turn
 * of the conversation under its heading line. A first step has one turn, the agent's inbox;
 * later steps add the program's earlier answer and the results of its tools. Pure.
 */
export function agentPromptText(request: Pick<ProviderRequest, 'system' | 'messages'>): string {
  const parts = [request.system.trimEnd(), ''];
  for (const message of request.messages) parts.push(turnHeading(message.role), message.content.trimEnd(), '');
  return `${parts.join('\n')}`;
}
