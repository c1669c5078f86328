import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChatTurn, ProviderRequest, ProviderResponse, ToolDefinition } from '../../providers/provider.js';
import { agentPaths } from './state-paths.js';

/**
 * One model call as it happened: the prompt exactly as the provider was given it and the
 * answer exactly as the provider returned it. Kept in `agents/<name>/logs/traces/slot-<n>.json`.
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

/** A trace file: one of `keep` slots, `slot-007.json`; the turn it holds is inside. */
const TRACE_FILE = /^slot-\d{3,}\.json$/;

/** The folder of an agent's call traces. */
export function tracesDirectory(root: string, agent: string): string {
  return join(agentPaths(root, agent).logs, 'traces');
}

/** Folders made by this process, so a turn does not ask for them again. */
const madeDirectories = new Set<string>();

/**
 * Keep one call's trace. Retention needs no listing: the call of turn t goes into slot t mod `keep`
 * (org.yaml `engine.traces.keep`; 0 keeps none), so the folder never holds more than `keep` files and
 * every call of the last `keep` turns is there, each slot holding the newest call of its turns. A
 * trace is a record for people, never read by the engine, so it costs a turn one plain write (no
 * temporary file and rename: a trace cut short by a crash reads as missing); a failure to write one is
 * swallowed rather than failing the turn. A turn finished after a crash writes its slot again whole.
 */
export function recordCallTrace(root: string, keep: number, request: ProviderRequest, response: ProviderResponse, at: string): void {
  if (keep <= 0) return;
  const directory = tracesDirectory(root, request.agent);
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
    if (!madeDirectories.has(directory)) {
      mkdirSync(directory, { recursive: true });
      madeDirectories.add(directory);
    }
    // Compact: a call's trace is written every turn, and `lemming trace` and the dashboard lay it out for reading.
    writeFileSync(join(directory, `slot-${String(request.turn % keep).padStart(3, '0')}.json`), `${JSON.stringify(trace)}\n`);
  } catch {
    // See above: the trace is a convenience; the journal and the log are the record. A folder removed
    // behind our back (a reset, a person) is made again next time.
    madeDirectories.delete(directory);
  }
}

/** An agent's kept traces, oldest first (each slot read; a slot cut short by a crash is left out). */
export function readCallTraces(root: string, agent: string): CallTrace[] {
  let names: string[];
  try {
    names = readdirSync(tracesDirectory(root, agent)).filter((name) => TRACE_FILE.test(name));
  } catch {
    return [];
  }
  const traces: CallTrace[] = [];
  for (const name of names) {
    try {
      const trace = JSON.parse(readFileSync(join(tracesDirectory(root, agent), name), 'utf8')) as CallTrace;
      if (typeof trace.turn === 'number') traces.push(trace);
    } catch {
      // Cut short by a crash, or not a trace.
    }
  }
  return traces.sort((left, right) => left.turn - right.turn);
}

/** The turns an agent has a trace for, oldest first. */
export function listTraceTurns(root: string, agent: string): number[] {
  return readCallTraces(root, agent).map((trace) => trace.turn);
}

/** An agent's trace for one turn, or undefined when there is none (never kept, overwritten, or unreadable). */
export function readCallTrace(root: string, agent: string, turn: number): CallTrace | undefined {
  return readCallTraces(root, agent).find((trace) => trace.turn === turn);
}
