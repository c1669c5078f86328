import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { agentPaths } from '../../engine/record/state-paths.js';
import { isValidAgentName } from '../../org/names.js';

/** Which refusals and errors the activity logs hold, by kind, summed over every agent. */
export interface ActivityCounts {
  refusals: Record<string, number>;
  errors: Record<string, number>;
}

/** A refusal's kind, from the reason the engine wrote: which rule refused it. */
export function refusalKind(reason: string): string {
  if (reason.includes('.send_to')) return 'send_to';
  if (reason.includes('.read_from')) return 'read_from';
  if (reason.includes('over the cap')) return 'per_turn_cap';
  if (reason.includes('not an agent name') || reason.includes('no agent named') || reason.includes('not an agent of')) return 'unknown_recipient';
  if (reason.includes('to itself')) return 'self';
  return 'other';
}

/** Log events that are errors, by the kind `/metrics` gives them. */
const ERROR_KINDS: Record<string, string> = { error: 'model_call', 'invalid-tool-call': 'invalid_tool_call', 'text-reply': 'no_tool_call' };

/**
 * Counts refusals and errors from every agent's `logs/activity.jsonl`, reading each log
 * once and then only what was appended (a log that shrank is read again).
 */
export class ActivityCounter {
  private readonly offsets = new Map<string, number>();
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
    const path = agentPaths(this.root, agent).log;
    const size = statSync(path, { throwIfNoEntry: false })?.size ?? 0;
    let offset = this.offsets.get(agent) ?? 0;
    let counts = this.perAgent.get(agent);
    if (!counts || size < offset) {
      counts = { refusals: {}, errors: {} };
      offset = 0;
      this.perAgent.set(agent, counts);
    }
    if (size > offset) {
      const chunk = readRange(path, offset, size);
      const lastNewline = chunk.lastIndexOf('\n');
      for (const line of chunk.slice(0, lastNewline + 1).split('\n')) count(line, counts);
      offset += Buffer.byteLength(chunk.slice(0, lastNewline + 1));
    }
    this.offsets.set(agent, offset);
    return counts;
  }
}

function count(line: string, counts: ActivityCounts): void {
  if (line === '') return;
  let entry: { event?: unknown; reason?: unknown };
  try {
    entry = JSON.parse(line) as typeof entry;
  } catch {
    return;
  }
  if (entry.event === 'refused') {
    const kind = refusalKind(typeof entry.reason === 'string' ? entry.reason : '');
    counts.refusals[kind] = (counts.refusals[kind] ?? 0) + 1;
  }
  const errorKind = typeof entry.event === 'string' ? ERROR_KINDS[entry.event] : undefined;
  if (errorKind) counts.errors[errorKind] = (counts.errors[errorKind] ?? 0) + 1;
}

function readRange(path: string, start: number, end: number): string {
  const descriptor = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(end - start);
    const read = readSync(descriptor, buffer, 0, buffer.length, start);
    return buffer.subarray(0, read).toString('utf8');
  } finally {
    closeSync(descriptor);
  }
}
