import { closeSync, fstatSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { logSegments } from '../../engine/record/log-segments.js';
import { agentPaths } from '../../engine/record/state-paths.js';
import { wholeEntries, type LogEntry } from '../../engine/record/agent-log.js';
import { isValidAgentName } from '../../org/names.js';
import { sendCauseOf, sendsOf } from '../../engine/refusal-causes.js';

/** Which refusals and errors the activity logs hold, summed over every agent: refused sends by `cause kind`, errors by kind. */
export interface ActivityCounts {
  refusals: Record<string, number>;
  errors: Record<string, number>;
}

/**
 * A refused send's cause (the one rule of engine/refusal-causes.ts: `chart` or `cap`) and, within the
 * chart's, which part refused it, from the reason the engine wrote: `chart send_to`, `cap per_turn_cap`.
 */
export function refusalKind(line: { readonly [field: string]: unknown }): string {
  const cause = sendCauseOf(line);
  if (cause === 'cap') return 'cap per_turn_cap';
  const reason = typeof line['reason'] === 'string' ? line['reason'] : '';
  if (reason.includes('.send_to')) return 'chart send_to';
  if (reason.includes('.read_from')) return 'chart read_from';
  if (reason.includes('may_post')) return 'chart may_post';
  if (reason.includes('not an agent name') || reason.includes('no agent named') || reason.includes('not an agent of')) return 'chart unknown_recipient';
  if (reason.includes('to itself')) return 'chart self';
  return 'chart other';
}

/** Log events that are errors, by the kind `/metrics` gives them. */
const ERROR_KINDS: Record<string, string> = { error: 'model_call', 'invalid-tool-call': 'invalid_tool_call', 'text-reply': 'no_tool_call' };

/**
 * How far an agent's log has been counted: its pieces (log-segments.ts), and the log itself up to
 * `offset` (`lines` whole lines) while it is the file `ino`.
 */
interface Counted {
  segments: number;
  ino: number;
  offset: number;
  lines: number;
}

/**
 * Counts refusals and errors from every agent's `logs/activity.jsonl`, reading each log
 * once and then only what was appended. A log moved to its next piece is finished from the piece
 * and begun again; one that shrank, or whose pieces went, is counted again whole. Each file is read by
 * the rule of every record lemming appends to (storage/whole-records.ts, through agent-log.ts): a last
 * line still being written or torn is counted once it is whole; a damaged line with an entry after it
 * throws, naming the file and the line (skipped, the counts would be short unsaid).
 */
export class ActivityCounter {
  private readonly counted = new Map<string, Counted>();
  private readonly perAgent = new Map<string, ActivityCounts>();

  constructor(private readonly root: string) {}

  counts(): ActivityCounts {
    let agents: string[];
    try {
      agents = readdirSync(join(this.root, 'agents')).filter(isValidAgentName);
    } catch {
      agents = [];
    }
    const total: ActivityCounts = { refusals: {}, errors: {} };
    for (const agent of agents) {
      const counts = this.readAgent(agent);
      for (const [kind, count] of Object.entries(counts.refusals)) total.refusals[kind] = (total.refusals[kind] ?? 0) + count;
      for (const [kind, count] of Object.entries(counts.errors)) total.errors[kind] = (total.errors[kind] ?? 0) + count;
    }
    return total;
  }

  private readAgent(agent: string): ActivityCounts {
    const log = agentPaths(this.root, agent).log;
    const stat = statSync(log, { throwIfNoEntry: false });
    const size = stat?.size ?? 0;
    const ino = stat?.ino ?? -1;
    let counted = this.counted.get(agent);
    let counts = this.perAgent.get(agent);
    if (!counts || !counted || counted.ino !== ino || size < counted.offset) {
      const segments = logSegments(log);
      if (counts && counted && counted.ino !== ino && segments.length > counted.segments) {
        // The log counted so far is now the first new piece: its rest, then any later ones whole.
        countLines(segments[counted.segments] as string, counted.offset, counted.lines, counts);
        for (const piece of segments.slice(counted.segments + 1)) countLines(piece, 0, 0, counts);
      } else {
        counts = { refusals: {}, errors: {} };
        for (const piece of segments) countLines(piece, 0, 0, counts);
      }
      counted = { segments: segments.length, ino, offset: 0, lines: 0 };
      this.perAgent.set(agent, counts);
      this.counted.set(agent, counted);
    }
    if (size > counted.offset) {
      const read = countLines(log, counted.offset, counted.lines, counts);
      counted.offset += read.bytes;
      counted.lines += read.lines;
    }
    return counts;
  }
}

/** Count the entries of a file from byte `start` (after its first `linesBefore` lines); the bytes and lines counted, a torn tail not. */
function countLines(path: string, start: number, linesBefore: number, counts: ActivityCounts): { bytes: number; lines: number } {
  let bytes: Buffer;
  try {
    bytes = readFrom(path, start);
  } catch {
    return { bytes: 0, lines: 0 };
  }
  const { records, wholeBytes } = wholeEntries(bytes, path, linesBefore);
  for (const entry of records) count(entry, counts);
  let lines = 0;
  for (let at = bytes.indexOf(10); at >= 0 && at < wholeBytes; at = bytes.indexOf(10, at + 1)) lines += 1;
  return { bytes: wholeBytes, lines };
}

function count(entry: LogEntry, counts: ActivityCounts): void {
  if (entry.event === 'refused') {
    const kind = refusalKind(entry);
    // One line stands for the sends of one reply refused for one reason: its `count`.
    counts.refusals[kind] = (counts.refusals[kind] ?? 0) + sendsOf(entry);
  }
  const errorKind = Object.hasOwn(ERROR_KINDS, entry.event) ? ERROR_KINDS[entry.event] : undefined;
  if (errorKind) counts.errors[errorKind] = (counts.errors[errorKind] ?? 0) + 1;
}

function readFrom(path: string, start: number): Buffer {
  const descriptor = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(Math.max(0, fstatSync(descriptor).size - start));
    const read = readSync(descriptor, buffer, 0, buffer.length, start);
    return buffer.subarray(0, read);
  } finally {
    closeSync(descriptor);
  }
}
