import type { Redis } from 'ioredis';
import { WORKER_KEY_PATTERN, workerKey } from './queue-keys.js';

/** What a worker announces about itself while it runs: which models it serves, and where it runs. */
export interface WorkerAnnouncement {
  id: string;
  host: string;
  pid: number;
  /** Registry keys it serves; empty means every model an engine publishes (and it has keys for). */
  models: string[];
  /** The org MCP servers it runs; empty means every one an engine publishes. */
  mcpServers: string[];
  /** The queues it is taking jobs from right now. */
  queues: string[];
  concurrency: number;
  /** Set by a worker told to stop: it finishes the calls it has, takes no more, then withdraws its heartbeat. */
  stopping?: boolean;
}

/** How long a heartbeat lives; a worker refreshes it three times as often, so one missed beat is harmless. */
export const HEARTBEAT_TTL_MS = 10_000;

/** Write or refresh a worker's heartbeat. */
export async function announce(client: Redis, announcement: WorkerAnnouncement): Promise<void> {
  await client.set(workerKey(announcement.id), JSON.stringify(announcement), 'PX', HEARTBEAT_TTL_MS);
}

/** Take a worker's heartbeat away at once on a clean stop, rather than letting it expire. */
export async function withdraw(client: Redis, workerId: string): Promise<void> {
  await client.del(workerKey(workerId));
}

/** Every worker whose heartbeat is live. */
export async function liveWorkers(client: Redis): Promise<WorkerAnnouncement[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await client.scan(cursor, 'MATCH', WORKER_KEY_PATTERN, 'COUNT', 200);
    cursor = next;
    keys.push(...found);
  } while (cursor !== '0');
  if (keys.length === 0) return [];
  const values = await client.mget(...keys);
  const workers: WorkerAnnouncement[] = [];
  for (const value of values) {
    if (value === null) continue;
    try {
      workers.push(JSON.parse(value) as WorkerAnnouncement);
    } catch {
      // A key someone else wrote under our prefix: not a worker.
    }
  }
  return workers;
}
