import { describeTarget, type QueueTarget } from './queue-notice.js';
import type { WorkerAnnouncement } from './worker-presence.js';

/** The most of a worker's reason an engine repeats: it was read from Redis, which others can write. */
const MAX_REASON_CHARS = 1_000;

/** The most workers one failure quotes: they mostly say the same. */
const MAX_WORKERS_SAID = 3;

/**
 * What the live workers (not stopping) that refused a queue said, as the failure of a call waiting on
 * it: which worker, which queue, and the reason its log gave (which names the flag that would allow it).
 * Undefined when none refused it. Pure.
 */
export function refusalOf(workers: readonly WorkerAnnouncement[], queueName: string, target: QueueTarget, address: string): string | undefined {
  const said: string[] = [];
  for (const worker of workers) {
    if (worker.stopping || !Array.isArray(worker.refused)) continue;
    for (const refusal of worker.refused as unknown[]) {
      const { queue, reason } = (refusal ?? {}) as { queue?: unknown; reason?: unknown };
      if (queue !== queueName || typeof reason !== 'string') continue;
      said.push(`worker ${String(worker.id)}: ${reason.slice(0, MAX_REASON_CHARS)}`);
    }
  }
  if (said.length === 0) return undefined;
  const more = said.length > MAX_WORKERS_SAID ? `; and ${said.length - MAX_WORKERS_SAID} more` : '';
  return `no worker serves ${describeTarget(target)} on ${address}; the live worker(s) refused its queue ${queueName}: ${said.slice(0, MAX_WORKERS_SAID).join('; ')}${more}`;
}
