import { errorMessage } from '../errors.js';
import type { QueueClient } from './queue-client.js';
import { showAddress } from './redis-address.js';

/** Something the engine's side of the queue wants a person to know (printed as a line by the CLI). */
export type QueueNotice = (message: string) => void;

/** What a queue serves, as its notices name it: a registry entry's model, or one of the org's MCP servers. */
export interface QueueTarget {
  kind: 'model' | 'mcp-server';
  name: string;
}

interface Waiting {
  target: QueueTarget;
  calls: number;
}

/** "model "fast"" or "MCP server "files"", for a notice. */
export function describeTarget(target: QueueTarget): string {
  return `${target.kind === 'model' ? 'model' : 'MCP server'} "${target.name}"`;
}

/** The `lemming worker` flag that makes a worker serve this. */
function serveFlag(target: QueueTarget): string {
  return `${target.kind === 'model' ? '--models' : '--mcp-servers'} ${target.name}`;
}

/**
 * Watches, while calls wait on a queue, whether any live worker serves it, and says so
 * when none does (and again when one turns up): a call for a model no worker serves
 * waits with a clear message rather than in silence. A queue is checked a first time
 * one interval after its first call, so a worker that is just discovering it is not
 * reported missing.
 */
export class WorkerWatch {
  private readonly waiting = new Map<string, Waiting>();
  private readonly reported = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly client: QueueClient,
    private readonly notify: QueueNotice,
    private readonly intervalMs = 2_000,
  ) {}

  /** A call starts waiting on a queue; the returned function says it is done. */
  enter(queueName: string, target: QueueTarget): () => void {
    const entry = this.waiting.get(queueName) ?? { target, calls: 0 };
    entry.calls += 1;
    this.waiting.set(queueName, entry);
    this.timer ??= setInterval(() => void this.check(), this.intervalMs);
    let left = false;
    return () => {
      if (left) return;
      left = true;
      entry.calls -= 1;
      // An answer came, so someone served it: say so even if it came between two checks.
      if (this.reported.delete(queueName)) this.notify(servedNow(target));
      if (entry.calls > 0) return;
      this.waiting.delete(queueName);
      if (this.waiting.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    };
  }

  private async check(): Promise<void> {
    let served: Set<string>;
    try {
      served = new Set((await this.client.workers()).flatMap((worker) => worker.queues));
    } catch (error) {
      this.notify(`cannot see the workers on ${showAddress(this.client.address)}: ${errorMessage(error)}`);
      return;
    }
    for (const [queueName, waiting] of this.waiting) {
      if (!served.has(queueName) && !this.reported.has(queueName)) {
        this.reported.add(queueName);
        const address = showAddress(this.client.address);
        this.notify(
          `no worker serves ${describeTarget(waiting.target)}: ${waiting.calls} call(s) wait in queue ${queueName} on ${address}; ` +
            `start one with \`lemming worker --queue ${address} ${serveFlag(waiting.target)}\``,
        );
      } else if (served.has(queueName) && this.reported.delete(queueName)) {
        this.notify(servedNow(waiting.target));
      }
    }
  }
}

function servedNow(target: QueueTarget): string {
  return `a worker serves ${describeTarget(target)} now: its waiting calls go ahead`;
}
