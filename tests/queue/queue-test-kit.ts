import { afterAll, afterEach, beforeAll } from 'vitest';
import type { EngineEvent } from '../../src/engine/events.js';
import { createRunProviderFactory } from '../../src/queue/queue-provider-factory.js';
import { read, write } from '../helpers/org-files.js';
import { runEngine } from '../helpers/temp-org.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { startWatched, type WatchedProcess } from '../helpers/watched-process.js';

/** A test file's own `redis-server`, and the lemming processes (workers, runs) its tests start. */
export interface QueueTestKit {
  /** `redis://127.0.0.1:<port>`, once the file's tests have started. */
  readonly url: string;
  /** The `redis-server` itself, to empty, kill or restart in the middle of a test. */
  readonly server: RedisServer;
  /** Start the built CLI; it is killed after the test. */
  watched(root: string, args: string[], env?: Record<string, string>): WatchedProcess;
}

/**
 * Start Redis before the file's tests and stop it after; after each test, kill the processes
 * it started and empty Redis, so the next test sees none of its jobs and no worker heartbeat.
 */
export function queueTestKit(): QueueTestKit {
  let redis: RedisServer | undefined;
  const started: WatchedProcess[] = [];
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => redis?.stop());
  afterEach(async () => {
    await Promise.all(started.splice(0).map((process) => process.stop('SIGKILL')));
    // A test that killed Redis leaves it down: the next one starts with it up and empty.
    await redis?.start();
    await redis?.flush();
  });
  return {
    get url() {
      if (!redis) throw new Error('queueTestKit: Redis starts in beforeAll; use the url inside a test');
      return redis.url;
    },
    get server() {
      if (!redis) throw new Error('queueTestKit: Redis starts in beforeAll; use the server inside a test');
      return redis;
    },
    watched(root, args, env = {}) {
      const process = startWatched(root, args, env);
      started.push(process);
      return process;
    },
  };
}

/**
 * Have the engine of the org at `root` (one whose org.yaml has an `engine:` block, as the default
 * org's) look at its waiting jobs twice a second rather than every 5 s. Its events are the fast path
 * to an answer; the look is how it finds one given while it did not listen, as when a run resumes
 * a turn whose job a worker answered before the run was up.
 */
export function quickJobChecks(root: string): void {
  const yaml = read(root, 'org/org.yaml');
  if (!/^engine:\n/m.test(yaml)) throw new Error(`quickJobChecks: ${root}/org/org.yaml has no engine: block`);
  write(root, 'org/org.yaml', yaml.replace(/^engine:\n/m, 'engine:\n  queue_checks: { every_seconds: 0.5 }\n'));
}

/** Run the engine of the org at `root` in this process with its model and MCP calls on the queue at `url` (`--queue`), for `maxTurns` turns (or until idle); its connections are closed after. */
export async function runOnQueue(root: string, url: string, maxTurns?: number): Promise<EngineEvent[]> {
  const factory = createRunProviderFactory({ root, queue: url });
  try {
    return await runEngine(root, maxTurns === undefined ? {} : { maxTurns }, { providerFactory: factory, mcp: factory.mcp });
  } finally {
    await factory.close();
  }
}
