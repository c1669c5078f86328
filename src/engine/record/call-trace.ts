import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, unlinkSync, writevSync } from 'node:fs';
import { join } from 'node:path';
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

/** The turns each agent's traces folder holds, listed once per process and kept up to date by our own writes. */
const knownTurns = new Map<string, number[]>();

/**
 * Keep one call's trace and drop the oldest beyond `keep` (org.yaml `engine.traces.keep`; 0 keeps none).
 * A trace is a record for people, never read by the engine, so it costs a turn one plain write (no
 * temporary file and rename: a trace cut short by a crash reads as missing) and, once the folder is
 * full, one removal; a failure to write one is swallowed rather than failing the turn. It is named by
 * the turn, so a turn finished after a crash writes it again whole. `shared` is a long piece of
 * the system prompt that many agents' prompts hold (the org's list of everyone): see `traceBytes`.
 */
export function recordCallTrace(root: string, keep: number, request: ProviderRequest, response: ProviderResponse, at: string, shared?: SharedText): void {
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
    let turns = knownTurns.get(directory);
    if (!turns) {
      // A folder made just now holds no trace: only one that was there already is listed.
      turns = mkdirSync(directory, { recursive: true }) === undefined ? listTraceTurns(root, request.agent) : [];
      knownTurns.set(directory, turns);
    }
    const descriptor = openSync(join(directory, `${padTurn(request.turn)}.json`), 'w');
    try {
      writevSync(descriptor, traceBytes(trace, shared));
    } finally {
      closeSync(descriptor);
    }
    if (!turns.includes(request.turn)) turns.push(request.turn);
    while (turns.length > keep) {
      const oldest = turns.shift() as number;
      unlinkSync(join(directory, `${padTurn(oldest)}.json`));
    }
  } catch {
    // See above: the trace is a convenience; the journal and the log are the record. A folder changed
    // behind our back (a reset, a person) is listed again next time.
    knownTurns.delete(tracesDirectory(root, request.agent));
  }
}

/** A long piece of text many traces' system prompts hold, and where it starts in this one. */
export interface SharedText {
  text: string;
  at: number;
}

/** Stands for the shared piece while the rest of a trace is turned into JSON; JSON writes the NULs as `\u0000`. */
const SHARED_MARK = '\u0000lemming-shared-prompt-part\u0000';
const ESCAPED_MARK = JSON.stringify(SHARED_MARK).slice(1, -1);
/** The shared piece as JSON string content, escaped and encoded once rather than once per trace. */
let escapedShared: { text: string; bytes: Buffer } | undefined;

/**
 * A trace as the bytes of `JSON.stringify(trace, null, 2)` and a newline. When the system prompt
 * holds `shared` where it says, that piece is escaped and encoded once and written from the same buffer into
 * every trace: with a chart where everyone may write to everyone, each prompt lists all N agents,
 * and escaping that list afresh for each of N traces was most of what traces cost a turn. Only
 * the prompt's own copy is read to find the piece; the prompt part kept for later turns is left as
 * it is, so it keeps sharing the one list rather than each agent holding a copy.
 */
export function traceBytes(trace: CallTrace, shared?: SharedText): Buffer[] {
  // Read through a string of its own: reading a joined string makes V8 copy it flat inside that very
  // string, and the request's prompt lives until the turn ends, so each would keep a copy of the list.
  const system = `\n${trace.request.system}`.slice(1);
  const copied = { ...trace, request: { ...trace.request, system } };
  const whole = (): Buffer[] => [Buffer.from(`${JSON.stringify(copied, null, 2)}\n`)];
  // Compared as a slice: `startsWith` walks a joined string character by character.
  if (shared === undefined || system.slice(shared.at, shared.at + shared.text.length) !== shared.text) return whole();
  const before = system.slice(0, shared.at);
  // Only the fields before the prompt's first piece could hold the mark ahead of ours: names, times, keys.
  if (before.includes(SHARED_MARK)) return whole();
  const marked = { ...copied, request: { ...copied.request, system: `${before}${SHARED_MARK}${system.slice(shared.at + shared.text.length)}` } };
  const text = `${JSON.stringify(marked, null, 2)}\n`;
  const split = text.indexOf(ESCAPED_MARK);
  if (split < 0) return whole();
  if (escapedShared?.text !== shared.text) escapedShared = { text: shared.text, bytes: Buffer.from(JSON.stringify(shared.text).slice(1, -1)) };
  return [Buffer.from(text.slice(0, split)), escapedShared.bytes, Buffer.from(text.slice(split + ESCAPED_MARK.length))];
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
