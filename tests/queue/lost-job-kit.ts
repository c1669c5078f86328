import { cpSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterAll, afterEach, expect } from 'vitest';
import { checkInvariants } from '../faults/invariants.js';
import { writeFile } from '../faults/fault-org.js';
import { scratchDir } from '../faults/scratch.js';
import { ANTHROPIC_KEY, KEYS, OPENAI_KEY, wireOrg } from '../faults/wire-org.js';
import { lemmingAsync } from '../helpers/cli.js';
import { activityLogs, charges, messageFiles } from '../helpers/org-snapshot.js';
import { humanSends, read, tempDir } from '../helpers/temp-org.js';
import type { WatchedProcess } from '../helpers/watched-process.js';
import { startWireServer } from '../helpers/wire-server.js';
import { startHeldModel, type HeldModel } from './held-model.js';
import { mcpModel, mcpOrg, TOKEN, type McpTool } from './mcp-org.js';
import { queueTestKit, type QueueTestKit } from './queue-test-kit.js';

/** The engine looks at its jobs twice a second here, and gives a silent Redis 8 s: the defaults (5 s, 60 s) are for people. */
export const QUEUE_CHECKS = 'queue_checks: { every_seconds: 0.5, unreachable_seconds: 8 }';

/** What BullMQ says when a job's keys are gone: never shown to a person as it is. */
export const RAW_BULLMQ = /Missing key|Missing lock|isFinished|moveToFinished|unexpected error|could not renew lock/;

/** The engine's notice that a model job of the org's was gone from Redis and is queued again. */
export const requeued = (agent: string, model: string): RegExp =>
  new RegExp(`queue: the job faults\\.t\\d+\\.${agent}\\.s0\\.\\w+ \\(model "${model}"\\) is gone from Redis \\(.*\\); it is queued again under the same id`);

/** The queued org ended as the local one did: the same messages, logs and charges, and every promise of the org kept. */
export function expectSameAsLocal(queued: string, local: string): void {
  expect(messageFiles(queued)).toEqual(messageFiles(local));
  expect(charges(queued)).toEqual(charges(local));
  expect(activityLogs(queued)).toEqual(activityLogs(local));
  expect(checkInvariants(queued, { secrets: [OPENAI_KEY, ANTHROPIC_KEY] })).toEqual([]);
}

/** A test file's Redis (to empty, kill, restart), and the orgs, workers and runs of its lost-job scenarios. */
export interface LostJobKit {
  redis: QueueTestKit;
  /** A `lemming worker` with the models' keys and the MCP server's variable, its lock 2 s. */
  worker(args?: string[]): WatchedProcess;
  /** The run through the queue, with no key: the keys live with the workers. */
  queuedRun(root: string): WatchedProcess;
  /**
   * The wire org (human → manager → coder → manager → human) run locally to the end, and a copy of
   * it as it was before, for the queue; the model's server, and how many calls each run made of it.
   */
  localAndQueued(): Promise<{ held: HeldModel; local: string; queued: string; localRequests: number; queuedRequests(): number }>;
  /** The MCP org run locally to the end with `tool`, and a copy of it as it was before. */
  mcpLocalAndQueued(tool: McpTool): Promise<{ local: string; queued: string }>;
  /** Run commands against the test's Redis on a client of their own. */
  onRedis<T>(command: (client: Redis) => Promise<T>): Promise<T>;
  /**
   * Wait until a job whose key matches `pattern` (a KEYS pattern) is in Redis. The run says no worker
   * serves a queue one interval after its first call starts waiting, which on a loaded machine can come
   * before the job's add has reached Redis: a Redis emptied then would lose nothing, and the job added
   * after it would never be said to be queued again.
   */
  jobInRedis(pattern: string): Promise<void>;
}

/** Start Redis for the file (queueTestKit), and close the model servers each test starts after it. */
export function lostJobKit(): LostJobKit {
  const redis = queueTestKit();
  const servers: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });
  const engineWithChecks = (root: string): void =>
    writeFile(root, 'org/org.yaml', read(root, 'org/org.yaml').replace('engine: { max_turns: 12, concurrency: 4 }', `engine: { max_turns: 12, concurrency: 4, ${QUEUE_CHECKS} }`));

  /*
   * The wire org's local run is the same for every test of a file: its model server, the org as
   * it was before and as the local run left it are made once (at the first test that asks), and
   * each test gets a fresh copy of the org as it was before, to run through the queue. The server
   * lives until the file's tests are done (the copies name its URL); each test starts with no call
   * held, and counts the calls its own run made.
   */
  let wire: Promise<{ held: HeldModel; before: string; local: string; localRequests: number }> | undefined;
  const wireOnce = (): NonNullable<typeof wire> =>
    (wire ??= (async () => {
      const held = await startHeldModel();
      const before = wireOrg(held.server.url, { timeoutMs: 60_000 });
      engineWithChecks(before);
      humanSends(before, 'manager', 'Build the thing.');
      const local = scratchDir();
      cpSync(before, local, { recursive: true });
      const run = await lemmingAsync(local, ['run', '--plain'], KEYS);
      expect(run.status, run.stdout + run.stderr).toBe(0);
      return { held, before, local, localRequests: held.server.requests.length };
    })());
  afterEach(async () => {
    (await wire?.catch(() => undefined))?.held.releaseAll();
  });
  afterAll(async () => {
    await (await wire?.catch(() => undefined))?.held.server.close();
  });
  const onRedis = async <T>(command: (client: Redis) => Promise<T>): Promise<T> => {
    const client = new Redis(redis.url);
    try {
      return await command(client);
    } finally {
      client.disconnect();
    }
  };
  return {
    redis,
    worker: (args = []) =>
      redis.watched(tempDir('lemming-worker-'), ['worker', '--queue', redis.url, '--lock-seconds', '2', '--models', 'flaky-openai,flaky-anthropic', '--mcp-servers', 'everything', ...args], { ...KEYS, LEMMING_MCP_TOKEN: TOKEN }),
    queuedRun: (root) => redis.watched(root, ['run', '--plain', '--queue', redis.url]),
    localAndQueued: async () => {
      const { held, before, local, localRequests } = await wireOnce();
      const queued = tempDir();
      cpSync(before, queued, { recursive: true });
      const requestsBefore = held.server.requests.length;
      return { held, local, queued, localRequests, queuedRequests: () => held.server.requests.length - requestsBefore };
    },
    mcpLocalAndQueued: async (tool) => {
      const server = await startWireServer(mcpModel(tool));
      servers.push(server);
      const local = mcpOrg(server.url, tool);
      engineWithChecks(local);
      const queued = tempDir();
      cpSync(local, queued, { recursive: true });
      const run = await lemmingAsync(local, ['run', '--plain'], { ...KEYS, LEMMING_MCP_TOKEN: TOKEN });
      expect(run.status).toBe(0);
      expect(read(local, 'agents/manager/logs/activity.jsonl')).toContain(`everything__${tool.name}`);
      return { local, queued };
    },
    onRedis,
    jobInRedis: (pattern) =>
      onRedis(async (client) => {
        const until = Date.now() + 60_000;
        while ((await client.keys(pattern)).length === 0) {
          if (Date.now() > until) throw new Error(`no key matching ${pattern} in Redis after 60 s: the run never added its job`);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }),
  };
}
