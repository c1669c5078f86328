import { describe, expect, test } from 'vitest';
import { expectSameAsLocal, lostJobKit, RAW_BULLMQ } from './lost-job-kit.js';
import { ECHO, slowTool } from './mcp-org.js';

const kit = lostJobKit();

describe('MCP jobs lost from Redis are asked again too', () => {
  test("FLUSHALL while the MCP server's jobs wait for a worker that runs it: queued again, and the org ends as a local run does", { timeout: 120_000 }, async () => {
    const { local, queued } = await kit.mcpLocalAndQueued(ECHO);
    await kit.worker(['--mcp-servers', 'some-other-server']).waitFor(/runs MCP servers some-other-server/);
    const run = kit.queuedRun(queued);
    await run.waitFor(/queue: no worker serves MCP server "everything"/);
    // The offer of the server's tools, numbered by BullMQ.
    await kit.jobInRedis('lemming:mcp-everything-*:[0-9]*');
    await kit.redis.server.flush();
    // The offer of the server's tools is a job too (numbered by BullMQ): it is asked again, under a new number.
    await run.waitFor(/queue: the job \d+ \(MCP server "everything"\) is gone from Redis \(.*\); it is queued again\n/);
    kit.worker(['--models', 'flaky-anthropic']);
    expect(await run.exited()).toBe(0);
    expect(run.output()).not.toMatch(RAW_BULLMQ);
    expectSameAsLocal(queued, local);
  });

  test('Redis restarted without persistence while a worker runs the MCP tool: the call is queued again under its id, and the org ends as a local run does', { timeout: 120_000 }, async () => {
    const { local, queued } = await kit.mcpLocalAndQueued(slowTool(3));
    await kit.worker().waitFor(/serves models flaky-openai/);
    const run = kit.queuedRun(queued);
    // A worker holds the call's lock while its server runs the tool.
    await kit.onRedis(async (client) => {
      while ((await client.keys('lemming:mcp-everything-*:faults.t1.manager.c*.everything.*:lock')).length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    });
    await kit.redis.server.restart();
    await run.waitFor(/queue: the job faults\.t1\.manager\.c\d+\.everything\.\w+ \(MCP server "everything"\) is gone from Redis \(.*\); it is queued again under the same id/);
    expect(await run.exited()).toBe(0);
    expect(run.output()).not.toMatch(RAW_BULLMQ);
    expectSameAsLocal(queued, local);
  });
});
