import type { Redis } from 'ioredis';
import { WORKER_KEY_PATTERN, workerKey } from './queue-keys.js';

/** What a worker announces about itself while it runs: which models it serves, and where it runs. */
export interface WorkerAnnouncement {
  id: string;
  host: string;
  pid: number;
  /** Registry keys it serves (`--models`); empty means every model an engine publishes that it serves unasked (worker-allowance.ts) and has keys for. */
  models: string[];
  /** The org MCP servers it runs (`--mcp-servers`); empty means none but those its `--org` declares. */
  mcpServers: string[];
  /** The queues it is taking jobs from right now. */
  queues: string[];
  concurrency: number;
  /**
   * Queues it refused to serve, and why (an agent program, another `base_url`, an MCP server its operator did not name):
   * an engine whose calls wait on one that no worker serves fails them with that reason rather than wait. The latest
   * MAX_REFUSALS_ANNOUNCED only, so a Redis flooded with queues does not swell every heartbeat.
   */
  refused?: QueueRefusal[];
  /** Set by a worker told to stop: it finishes the calls it has, takes no more, then withdraws its heartbeat. */
  stopping?: boolean;
}

/** A queue a worker refused to serve, and the reason its log gave (which names the flag that would allow it). */
export interface QueueRefusal {
  queue: string;
  reason: string;
}

/** How many refusals a heartbeat carries at most: the latest. */
export const MAX_REFUSALS_ANNOUNCED = 100;

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
