import { join, relative } from 'node:path';
import { LemmingError } from '../../errors.js';
import { padTurn } from '../../mailbox/message.js';
import type { ChatTurn, ProviderRequest, ProviderResponse, ToolDefinition } from '../../providers/provider.js';
import { readOwnFile } from '../../storage/read-own-file.js';
import { asStorageError } from '../../storage/storage-error.js';
import { withoutSecrets } from '../../secrets/secrets.js';
import { agentPaths } from './state-paths.js';
import { TraceFolder, traceTurnsIn } from './trace-folder.js';
import { readPart, textPart, toolsPart, type PartSources, type TracePart } from './trace-parts.js';
import { TraceWriter } from './trace-writer.js';
import { systemWithTextReply } from '../../providers/text-tools/text-reply-format.js';

/**
 * One model call as it happened: the prompt exactly as the provider was given it and the
 * answer exactly as the provider returned it. Kept as `agents/<name>/logs/traces/<turn>.json`,
 * with the pieces many traces share in `parts/` beside it (see StoredTrace).
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
  request: {
    system: string;
    messages: ChatTurn[];
    tools: ToolDefinition[];
    maxOutputTokens?: number;
    creditsLeft?: number;
    /** The tools the system prompt described as action blocks, when none was offered as a function (sentInText). */
    toolsInPrompt?: string[];
  };
  response: ProviderResponse;
  /**
   * With tools, each step of the call (see stepsSoFar); `request` and `response` are then the
   * last step's, whose messages hold every step's exchange. Absent for a call of one step.
   */
  steps?: TraceStep[];
}

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

/**
 * A system prompt in the pieces build-prompt joined it from: `system` is the pieces joined in order,
 * each a text of this prompt's own or, as `{ shared }`, one that many prompts hold (the org's list
 * of everyone, the closing instructions), kept once in a part file by the traces.
 */
export interface SystemPieces {
  system: string;
  pieces: ReadonlyArray<string | { shared: string }>;
}

/** In a trace file: this piece is the file at `file`, relative to the traces folder (`parts/<digest>.txt`). */
export interface PartReference {
  file: string;
}

/**
 * A trace as its file holds it: a CallTrace whose system prompt may be a list of texts and part
 * references, joined in order, and whose tools may be a part. Traces written before parts
 * existed hold both whole, and read the same.
 */
export type StoredTrace = Omit<CallTrace, 'request'> & {
  request: Omit<CallTrace['request'], 'system' | 'tools'> & {
    system: string | Array<string | PartReference>;
    tools: ToolDefinition[] | PartReference;
  };
};

/**
 * The trace as its file will hold it, and the parts it refers to. The shared pieces of the system
 * prompt (when `pieces` are this very prompt's) and the tools go to parts: at 1,000 agents who may
 * all write to each other they were 15 KB of each 16 KB trace, the same in every one.
 */
export function storedTrace(trace: CallTrace, pieces?: SystemPieces): { stored: StoredTrace; parts: TracePart[] } {
  const parts: TracePart[] = [];
  const { request } = trace;
  let system: StoredTrace['request']['system'] = request.system;
  // Identity first (the prompt asked is the one built); only a prompt built again compares by content.
  if (pieces !== undefined && pieces.system === request.system) {
    system = pieces.pieces.map((piece) => {
      if (typeof piece === 'string') return piece;
      const part = textPart(piece.shared);
      parts.push(part);
      return part.reference;
    });
  }
  let tools: StoredTrace['request']['tools'] = request.tools;
  if (request.tools.length > 0) {
    const part = toolsPart(request.tools);
    parts.push(part);
    tools = part.reference;
  }
  // Written out field by field, in the trace's order: spreading objects costs more than the rest of this, per call.
  const stored: StoredTrace = { agent: trace.agent, turn: trace.turn, at: trace.at, modelKey: trace.modelKey, model: trace.model, request: { system, messages: request.messages, tools }, response: trace.response };
  if (request.maxOutputTokens !== undefined) stored.request.maxOutputTokens = request.maxOutputTokens;
  if (request.creditsLeft !== undefined) stored.request.creditsLeft = request.creditsLeft;
  if (request.toolsInPrompt !== undefined) stored.request.toolsInPrompt = request.toolsInPrompt;
  if (trace.steps) stored.steps = trace.steps;
  return { stored, parts };
}

/** Where a stored trace lies, for resolving its parts and naming files in errors. */
export interface TraceLocation {
  root: string;
  /** The agent's traces folder. */
  folder: string;
  /** The trace file. */
  file: string;
}

/** The trace as the model saw it: parts read back in (checked against their names; see readPart for the errors). */
export function resolveTrace(stored: StoredTrace, where: TraceLocation): CallTrace {
  const read = (part: PartReference): string => readPart(where.root, where.folder, part.file, where.file);
  const { system, tools } = stored.request;
  return {
    ...stored,
    request: {
      ...stored.request,
      system: typeof system === 'string' ? system : system.map((piece) => (typeof piece === 'string' ? piece : read(piece))).join(''),
      tools: Array.isArray(tools) ? tools : (JSON.parse(read(tools)) as ToolDefinition[]),
    },
  };
}

/** The folder of an agent's call traces. */
export function tracesDirectory(root: string, agent: string): string {
  return join(agentPaths(root, agent).logs, 'traces');
}

/**
 * An engine's call traces: each agent's traces folder, listed when the engine first writes there and
 * kept up to date by its own writes, and the part files it has placed (trace-parts.ts).
 */
export class CallTraces {
  /** By agent. */
  private readonly folders = new Map<string, TraceFolder>();
  private readonly sources: PartSources = new Map();
  private readonly writer = new TraceWriter((failures) => {
    for (const { file, code } of failures) {
      // A full or failing disk: noted (storage/storage-error.ts), and the engine stops the run (see record).
      asStorageError({ code }, file);
      // A folder changed behind our back (a reset, a person) is listed again next time.
      for (const [agent, folder] of this.folders) if (file.startsWith(folder.directory)) this.folders.delete(agent);
    }
  });

  constructor(private readonly root: string) {}

  /**
   * Keep one call's trace and drop the oldest beyond `keep` (org.yaml `engine.traces.keep`; 0 keeps none).
   * A trace is a record for people, never read by the engine, so it costs a turn one plain write (no
   * temporary file and rename: a trace cut short by a crash reads as missing), by a thread of its own
   * in a big turn (trace-writer.ts), and, once the folder is full, one removal; a failure to write one
   * is swallowed rather than failing the turn. It is named by the turn, so a turn finished after a
   * crash writes it again whole. `pieces` say which pieces of the system prompt many prompts share
   * (the org's list of everyone): those go to part files beside the traces (storedTrace), as do the
   * tools, written once and linked into each agent's `parts/` folder.
   *
   * A trace the disk has no room for (or a read-only or failing disk) is not swallowed like other
   * failures: the failure is noted (storage/storage-error.ts, storageFailure), the journal takes
   * no more records, and the engine stops the run with the one line at the latest when the turn's
   * traces are flushed. Everything after it would fail the same way, and a run that went on would
   * lose its traces for nothing. The trace that could not be written is removed, not left cut short.
   */
  record(keep: number, request: ProviderRequest, response: ProviderResponse, at: string, pieces?: SystemPieces): void {
    if (keep <= 0) return;
    try {
      // Cut before it is compared with the step before (as written, cut) and stored: parts and all are clean.
      const sent = response.toolsAsText ? sentInText(request, pieces) : { request, pieces };
      pieces = sent.pieces;
      const trace = withoutSecrets<CallTrace>({ agent: request.agent, turn: request.turn, at, modelKey: request.modelKey, model: request.model, request: sent.request, response });
      let folder = this.folders.get(request.agent);
      if (!folder) {
        folder = new TraceFolder(tracesDirectory(this.root, request.agent), this.sources, (file) => this.writer.remove(file));
        this.folders.set(request.agent, folder);
      }
      const file = folder.file(request.turn);
      const steps = stepsSoFar(() => this.writer.read(file), trace);
      const { stored, parts } = storedTrace(steps ? { ...trace, steps } : trace, pieces);
      folder.place(parts);
      this.writer.write(file, JSON.stringify(stored, null, 2), request.turn);
      folder.kept(request.turn, parts.map((part) => part.name), keep);
    } catch (error) {
      // See above: the trace is a convenience; the journal and the log are the record. A failure of the disk is noted.
      asStorageError(error);
      this.folders.delete(request.agent);
    }
  }

  /** Resolves once every trace recorded so far is on disk: the engine waits for it at the end of each turn. */
  flush(): Promise<void> {
    return this.writer.flush();
  }

  /** Stop the writing thread, if one was started (after `flush`); resolves once it has stopped. */
  close(): Promise<void> {
    return this.writer.close();
  }
}

/**
 * A request as it went out in the plain-text action format (the response says so): the system
 * prompt with the instructions for action blocks, and no tools offered, as the model or the program
 * read it. The instructions are shared by every agent with the same tools, so they are a part.
 */
export function sentInText(request: ProviderRequest, pieces?: SystemPieces): { request: CallTrace['request']; pieces: SystemPieces | undefined } {
  const system = systemWithTextReply(request.system, request.tools);
  const instructions = system.slice(request.system.length);
  const sent: CallTrace['request'] = { system, messages: request.messages, tools: [], toolsInPrompt: request.tools.map((tool) => tool.name) };
  if (request.maxOutputTokens !== undefined) sent.maxOutputTokens = request.maxOutputTokens;
  if (request.creditsLeft !== undefined) sent.creditsLeft = request.creditsLeft;
  const built = pieces !== undefined && pieces.system === request.system ? { system, pieces: [...pieces.pieces, { shared: instructions }] } : undefined;
  return { request: sent, pieces: built };
}

/** The turns an agent has a trace for, oldest first. */
export function listTraceTurns(root: string, agent: string): number[] {
  return traceTurnsIn(tracesDirectory(root, agent));
}

/**
 * An agent's trace for one turn, as the model saw it, or undefined when there is none (never kept, or
 * pruned). A trace file that cannot be read (not JSON, not a trace, not a regular file), or a part it
 * refers to that is missing or was changed, is a LemmingError naming the file: the trace cannot be
 * shown as it was, and is not shown otherwise.
 */
export function readCallTrace(root: string, agent: string, turn: number): CallTrace | undefined {
  const folder = tracesDirectory(root, agent);
  const file = join(folder, `${padTurn(turn)}.json`);
  const read = readOwnFile(file);
  if ('absent' in read) return undefined;
  // There but not readable as lemming wrote it: said, naming the file, never taken for a turn with no trace.
  const cannot = (why: string) => new LemmingError('unreadable', `${relative(root, file)} ${why}, so the trace of turn ${turn} cannot be shown`);
  if ('problem' in read) throw cannot(`${read.problem}, where lemming keeps a call trace (a file)`);
  let stored: StoredTrace;
  try {
    stored = JSON.parse(read.bytes.toString('utf8')) as StoredTrace;
  } catch (error) {
    throw cannot(`is not the JSON lemming wrote (${error instanceof Error ? error.message : String(error)})`);
  }
  if (typeof stored !== 'object' || stored === null || typeof stored.request !== 'object' || stored.request === null) {
    throw cannot('does not hold a call trace as lemming writes it ({"request":{"system":...},...})');
  }
  return resolveTrace(stored, { root, folder, file });
}
