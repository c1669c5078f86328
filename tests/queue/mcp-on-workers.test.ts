import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { describe, expect, test } from 'vitest';
import { loadOrg } from '../../src/org/load-org-once.js';
import { KEY_PREFIX, mcpQueueNameFor } from '../../src/queue/queue-keys.js';
import { connectionOptions } from '../../src/queue/redis-address.js';
import { KEYS } from '../faults/wire-org.js';
import { writeFile } from '../faults/fault-org.js';
import { lemmingAsync } from '../helpers/cli.js';
import { activityLogs, charges, messageFiles } from '../helpers/org-snapshot.js';
import { read, tempDir } from '../helpers/org-files.js';
import type { WatchedProcess } from '../helpers/watched-process.js';
import { startWireServer } from '../helpers/wire-server.js';
import { mcpModel, mcpOrg, TOKEN } from './mcp-org.js';
import { queueTestKit } from './queue-test-kit.js';
import { everythingInRedis } from './redis-contents.js';

const redis = queueTestKit();

function worker(args: string[]): WatchedProcess {
  return redis.watched(tempDir('lemming-worker-'), ['worker', '--queue', redis.url, ...args], { ...KEYS, LEMMING_MCP_TOKEN: TOKEN });
}

/** Jobs the workers finished on the queue of the org's "everything" server, by name (offer, call). */
async function mcpJobs(root: string): Promise<Record<string, number>> {
  const config = loadOrg(root).org?.mcpServers.everything;
  if (!config) throw new Error('no MCP server everything');
  const queue = new Queue(mcpQueueNameFor('everything', config), { connection: connectionOptions(redis.url), prefix: KEY_PREFIX });
  try {
    const counted: Record<string, number> = {};
    for (const job of await queue.getJobs(['completed'])) counted[job.name] = (counted[job.name] ?? 0) + 1;
    return counted;
  } finally {
    await queue.close();
  }
}

describe('MCP tool calls on workers', () => {
  test('a worker runs the org MCP server: same messages, logs and charges as a local run; a call no worker serves is reported, then goes ahead', { timeout: 120_000 }, async () => {
    const server = await startWireServer(mcpModel());
    try {
      const local = mcpOrg(server.url);
      const queued = tempDir();
      cpSync(local, queued, { recursive: true });
      const localRun = await lemmingAsync(local, ['run', '--plain'], { ...KEYS, LEMMING_MCP_TOKEN: TOKEN });
      expect(localRun.status).toBe(0);
      expect(read(local, 'agents/manager/logs/activity.jsonl')).toContain('everything__echo');
      expect(Object.values(messageFiles(local)).join('\n')).toContain('The server said: ship it on Friday');

      // The first worker makes model calls but runs no MCP server: the engine says so, and waits.
      const modelsOnly = worker(['--models', 'flaky-openai,flaky-anthropic', '--mcp-servers', 'some-other-server']);
      await modelsOnly.waitFor(/runs MCP servers some-other-server/);
      // The engine has neither the model's key nor the MCP server's variable: both live with the workers.
      const run = redis.watched(queued, ['run', '--plain', '--queue', redis.url]);
      await run.waitFor(/queue: no worker serves MCP server "everything"/);
      const runsMcp = worker(['--models', 'flaky-anthropic', '--mcp-servers', 'everything']);
      await runsMcp.waitFor(/serving MCP server everything \(queue mcp-everything-\w+\): 4 at a time/);
      expect(await run.exited()).toBe(0);
      const said = run.output();
      expect(said).toMatch(/queue: no worker serves MCP server "everything": 1 call\(s\) wait in queue mcp-everything-\w+ on redis:\/\/127\.0\.0\.1:\d+; start one with `lemming worker --queue redis:\/\/127\.0\.0\.1:\d+ --mcp-servers everything`/);
      expect(said).toMatch(/queue: a worker serves MCP server "everything" now/);

      expect(messageFiles(queued)).toEqual(messageFiles(local));
      expect(charges(queued)).toEqual(charges(local));
      expect(activityLogs(queued)).toEqual(activityLogs(local));
      // The tool ran on the worker, once; the worker that runs no MCP server took none of its jobs.
      expect(await mcpJobs(queued)).toEqual({ offer: 1, call: 1 });
      expect(modelsOnly.output()).not.toMatch(/serving MCP server/);
      // A job names the variable; its value stays with the workers.
      const stored = await everythingInRedis(redis.url);
      expect(stored).toContain('LEMMING_MCP_TOKEN');
      expect(stored).not.toContain(TOKEN);
    } finally {
      await server.close();
    }
  });

  test('a run through workers, MCP calls included, recorded by the engine, replays into a fresh copy with neither queue nor server', { timeout: 120_000 }, async () => {
    const server = await startWireServer(mcpModel());
    try {
      const recorded = mcpOrg(server.url);
      const replayed = tempDir();
      cpSync(recorded, replayed, { recursive: true });
      const cassette = join(tempDir(), 'run.jsonl');
      await worker(['--models', 'flaky-openai,flaky-anthropic', '--mcp-servers', 'everything']).waitFor(/serves models flaky-openai/);
      const run = await lemmingAsync(recorded, ['run', '--plain', '--queue', redis.url, '--record', cassette]);
      expect(run.status).toBe(0);
      expect(read(recorded, 'agents/manager/logs/activity.jsonl')).toContain('everything__echo');
      // The copy cannot start the server, and has no queue and no key: the replay needs none of them.
      writeFile(replayed, 'org/org.yaml', read(replayed, 'org/org.yaml').replace(JSON.stringify(process.execPath), '"/nonexistent/mcp-server"'));
      const replay = await lemmingAsync(replayed, ['run', '--plain', '--replay', cassette]);
      expect(replay.status).toBe(0);
      expect(messageFiles(replayed)).toEqual(messageFiles(recorded));
      expect(activityLogs(replayed)).toEqual(activityLogs(recorded));
      expect(charges(replayed)).toEqual(charges(recorded));
      expect(Object.values(messageFiles(replayed)).join('\n')).toContain('The server said: ship it on Friday');
    } finally {
      await server.close();
    }
  });
});
