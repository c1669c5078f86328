import { readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../mailbox/atomic-write.js';
import { padTurn } from '../../mailbox/message.js';
import type { ChatTurn, ProviderRequest, ProviderResponse, ToolDefinition } from '../../providers/provider.js';
import { agentPaths } from './state-paths.js';

/**
 * One model call as it happened: the prompt exactly as the provider was given it and the
 * answer exactly as the provider returned it. Kept as `agents/<name>/logs/traces/<turn>.json`.
 */
export interface CallTrace {
  agent: string;
  turn: number;
  /** ISO time the answer arrived. */
  at: string;
  /** The registry key the call was made for (a fallback may have answered: see `response.modelKey`). */
  modelKey: string;
  /** The vendor's model name. */
  model: string;
  request: { system: string; messages: ChatTurn[]; tools: ToolDefinition[]; maxOutputTokens?: number; creditsLeft?: number };
  response: ProviderResponse;
}

const TRACE_FILE = /^(\d{6,})\.json$/;

/** The folder of an agent's call traces. */
export function tracesDirectory(root: string, agent: string): string {
  return join(agentPaths(root, agent).logs, 'traces');
}

/**
 * Keep one call's trace and drop the oldest beyond `keep` (org.yaml `engine.traces.keep`; 0 keeps none).
 * A trace is a record for people, never read by the engine: a failure to write one must not fail the turn,
 * so it is swallowed. Written whole under the turn's name, so a turn finished after a crash rewrites it.
 */
export function recordCallTrace(root: string, keep: number, request: ProviderRequest, response: ProviderResponse, at: string): void {
  if (keep <= 0) return;
  try {
    const trace: CallTrace = {
      agent: request.agent,
      turn: request.turn,
      at,
      modelKey: request.modelKey,
      model: request.model,
      request: {
        system: request.system,
        messages: request.messages,
        tools: request.tools,
        ...(request.maxOutputTokens === undefined ? {} : { maxOutputTokens: request.maxOutputTokens }),
        ...(request.creditsLeft === undefined ? {} : { creditsLeft: request.creditsLeft }),
      },
      response,
    };
    const directory = tracesDirectory(root, request.agent);
    writeFileAtomic(join(directory, `${padTurn(request.turn)}.json`), `${JSON.stringify(trace, null, 2)}\n`);
    for (const turn of listTraceTurns(root, request.agent).slice(0, -keep)) unlinkSync(join(directory, `${padTurn(turn)}.json`));
  } catch {
    // See above: the trace is a convenience; the journal and the log are the record.
  }
}

/** The turns an agent has a trace for, oldest first. */
export function listTraceTurns(root: string, agent: string): number[] {
  let names: string[];
  try {
    names = readdirSync(tracesDirectory(root, agent));
  } catch {
    return [];
  }
  return names
    .map((name) => TRACE_FILE.exec(name)?.[1])
    .filter((turn): turn is string => turn !== undefined)
    .map(Number)
    .sort((left, right) => left - right);
}

/** An agent's trace for one turn, or undefined when there is none (never kept, pruned, or unreadable). */
export function readCallTrace(root: string, agent: string, turn: number): CallTrace | undefined {
  try {
    return JSON.parse(readFileSync(join(tracesDirectory(root, agent), `${padTurn(turn)}.json`), 'utf8')) as CallTrace;
  } catch {
    return undefined;
  }
}
