import { createHash } from 'node:crypto';
import type { ChatTurn, ProviderRequest, ToolDefinition } from '../provider.js';

/**
 * The parts of a request that decide the answer, and so key a recording: who asks,
 * in which turn, of which model, with which prompt and tools. The abort signal and
 * the credits left are not among them.
 */
export interface NormalisedRequest {
  agent: string;
  turn: number;
  modelKey: string;
  model: string;
  system: string;
  messages: ChatTurn[];
  tools: ToolDefinition[];
  maxOutputTokens: number | null;
}

/** Line endings made `\n`, absent fields made explicit, so equal requests look equal. Pure. */
export function normaliseRequest(request: ProviderRequest): NormalisedRequest {
  const text = (value: string): string => value.replace(/\r\n?/g, '\n');
  return {
    agent: request.agent,
    turn: request.turn,
    modelKey: request.modelKey,
    model: request.model,
    system: text(request.system),
    messages: request.messages.map((turn) => ({ role: turn.role, content: text(turn.content) })),
    tools: request.tools.map((tool) => ({ name: tool.name, description: tool.description, parameters: tool.parameters })),
    maxOutputTokens: request.maxOutputTokens ?? null,
  };
}

/** JSON with object keys sorted at every depth, so a hash does not depend on key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, inner]) => inner !== undefined)
      .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0));
    return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${canonicalJson(inner)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The key of a request in a cassette: sha256 of its normalised form. */
export function requestKey(request: NormalisedRequest): string {
  return createHash('sha256').update(canonicalJson(request)).digest('hex');
}
