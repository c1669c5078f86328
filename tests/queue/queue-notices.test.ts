import { Queue } from 'bullmq';
import { describe, expect, test } from 'vitest';
import { loadOrg } from '../../src/org/load-org-once.js';
import { KEY_PREFIX, queueNameFor } from '../../src/queue/queue-keys.js';
import { connectionOptions } from '../../src/queue/redis-address.js';
import { answer, wireOrg } from '../faults/wire-org.js';
import { lemming } from '../helpers/cli.js';
import { defaultOrg, humanSends, listOutbox, tempDir, write } from '../helpers/temp-org.js';
import { startWireServer } from '../helpers/wire-server.js';
import { queueTestKit, quickJobChecks } from './queue-test-kit.js';

const redis = queueTestKit();
const watched = (root: string, args: string[]) => redis.watched(root, args);

/** Eight agents, each with a message from the human, on one model limited to 3 requests a minute. */
function limitedOrg(serverUrl: string): string {
  const root = tempDir();
  const agents = Array.from({ length: 8 }, (_, index) => `agent_${index + 1}`);
  write(
    root,
    'org/org.yaml',
    `name: limited\nengine: { concurrency: 8 }\nmodels:\n  limited:\n    provider: openai-compatible\n    model: local-test\n    base_url: ${serverUrl}/v1\n    input_price: 0\n    output_price: 0\n    context_window: 32000\n    limits: { requests_per_minute: 3 }\n`,
  );
  write(
    root,
    'org/chart.yaml',
    `agents:\n  human: { reports_to: null, send_to: ["*"], read_from: ["*"] }\n${agents.map((name) => `  ${name}: { reports_to: human, send_to: [human], read_from: [human] }\n`).join('')}`,
  );
  write(root, 'agents/human/resume.md', '---\ntitle: The person\nmodel: human\n---\nThe person.\n');
  for (const name of agents) write(root, `agents/${name}/resume.md`, `---\ntitle: Helper ${name}\nmodel: limited\ncredits: 1\n---\nAnswer the person.\n`);
  for (const name of agents) humanSends(root, name, 'Anything to report?');
  return root;
}

describe('the queue tells and limits', () => {
  test('two workers sharing an entry with requests_per_minute 3 make 3 requests between them, and the rest wait', { timeout: 60_000 }, async () => {
    const server = await startWireServer((request) => answer(request));
    try {
      const root = limitedOrg(server.url);
      const run = watched(root, ['run', '--plain', '--queue', redis.url]);
      const workers = [1, 2].map(() => watched(tempDir(), ['worker', '--queue', redis.url, '--concurrency', '4', '--models', 'limited']));
      await Promise.all(workers.map((worker) => worker.waitFor(/serving limited \(queue .*\): 4 at a time, at most 3 requests a minute across all workers/)));
      await run.waitFor(/agent_8/);
      // Eight jobs and eight free slots between the two workers; only the limit holds them back.
      const queue = new Queue(queueNameFor('limited', loadOrg(root).org?.models.limited as never), { connection: connectionOptions(redis.url), prefix: KEY_PREFIX });
      try {
        for (;;) {
          const counts = await queue.getJobCounts('completed', 'wait', 'active');
          if ((counts.completed ?? 0) >= 3) break;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        // Both workers poll again and again meanwhile; the limit in Redis holds for both.
        await new Promise((resolve) => setTimeout(resolve, 2_000));
        expect(server.requests.length).toBe(3);
        const counts = await queue.getJobCounts('completed', 'wait', 'active');
        expect(counts).toEqual({ completed: 3, wait: 5, active: 0 });
        expect(await queue.getRateLimitTtl()).toBeGreaterThan(0);
      } finally {
        await queue.close();
      }
    } finally {
      await server.close();
    }
  });

  test('a call for a model no worker serves is reported, and goes ahead once a worker for it starts', { timeout: 60_000 }, async () => {
    const root = defaultOrg();
    humanSends(root, 'manager', 'Plan the release.');
    const other = watched(tempDir(), ['worker', '--queue', redis.url, '--models', 'gpt-4o-mini']);
    await other.waitFor(/serves models gpt-4o-mini/);
    const run = watched(root, ['run', '--plain', '--queue', redis.url]);
    await run.waitFor(/queue: no worker serves model "offline": 1 call\(s\) wait in queue model-offline-\w+ on redis:\/\/127\.0\.0\.1:\d+; start one with `lemming worker --queue redis:\/\/127\.0\.0\.1:\d+ --models offline`/);
    expect(listOutbox(root, 'manager')).toEqual([]);

    watched(tempDir(), ['worker', '--queue', redis.url, '--models', 'offline']);
    expect(await run.exited()).toBe(0);
    expect(run.output()).toMatch(/queue: a worker serves model "offline" now: its waiting calls go ahead/);
    expect(run.output()).toMatch(/the org is idle/);
    expect(listOutbox(root, 'manager').length).toBeGreaterThan(0);
    // The worker that serves another model took no part.
    expect(other.output()).not.toMatch(/serving offline/);
  });

  test('a run stopped by SIGTERM while no worker serves its model says it stopped, exits 0, and never says a worker serves the model', { timeout: 60_000 }, async () => {
    const root = defaultOrg();
    // The next run's worker may answer the queued call before that run listens for answers: the run finds
    // the answer at its first look at the job, here after half a second rather than the default 5 s.
    quickJobChecks(root);
    humanSends(root, 'manager', 'Plan the release.');
    const run = watched(root, ['run', '--plain', '--queue', redis.url]);
    await run.waitFor(/queue: no worker serves model "offline"/);
    run.child.kill('SIGTERM');
    expect(await run.exited()).toBe(0);
    expect(run.output()).toMatch(/stopping: the next `lemming run` resumes where this one stops/);
    // The wait ended because the run stopped, not because a worker came.
    expect(run.output()).not.toMatch(/a worker serves/);
    expect(run.output()).not.toMatch(/worker .* (joined|left|stopped)/);
    expect(listOutbox(root, 'manager')).toEqual([]);

    // The call stayed queued: a worker started now answers it for the next run.
    watched(tempDir(), ['worker', '--queue', redis.url, '--models', 'offline']);
    const again = watched(root, ['run', '--plain', '--queue', redis.url]);
    expect(await again.exited()).toBe(0);
    expect(listOutbox(root, 'manager').length).toBeGreaterThan(0);
  });

  test('--json: the queue notices are events of the stream (no worker serves the model, then one does), not stray lines', { timeout: 60_000 }, async () => {
    const root = defaultOrg();
    humanSends(root, 'manager', 'Plan the release.');
    const run = watched(root, ['run', '--json', '--queue', redis.url]);
    await run.waitFor(/"type":"queue-notice","notice":"unserved"/);
    watched(tempDir(), ['worker', '--queue', redis.url, '--models', 'offline']);
    expect(await run.exited()).toBe(0);

    // Standard output and error together: every line is an event, nothing printed beside the stream.
    const events = run
      .output()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; notice?: string; target?: unknown; waiting?: number; message?: string });
    const unserved = events.findIndex((event) => event.type === 'queue-notice' && event.notice === 'unserved');
    expect(events[unserved]).toMatchObject({ target: { kind: 'model', name: 'offline' }, waiting: 1, message: expect.stringContaining('--models offline') });
    // Told while the manager's call waited, before anything came of it.
    const before = events.slice(0, unserved).map((event) => event.type);
    expect(before).toContain('agent-called');
    expect(before).not.toContain('agent-done');
    expect(before).not.toContain('credits-charged');
    const later = events.slice(unserved + 1).filter((event) => event.type === 'queue-notice').map((event) => event.notice);
    expect(later).toContain('served');
    expect(events.at(-1)?.type).toBe('run-finished');
    expect(listOutbox(root, 'manager').length).toBeGreaterThan(0);
  });

  test('a queue that cannot be reached stops the run at once, saying where and how to fix it', () => {
    const root = defaultOrg();
    humanSends(root, 'manager', 'Plan the release.');
    const result = lemming(root, ['run', '--plain', '--queue', 'redis://127.0.0.1:1']);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/cannot reach the queue at redis:\/\/127\.0\.0\.1:1: .*ECONNREFUSED.*start Redis there/);
    const bad = lemming(root, ['run', '--plain', '--queue', 'localhost:6379']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--queue: "localhost:6379" is not a Redis address (redis://HOST:PORT); for example redis://127.0.0.1:6379');
  });

  test('a worker without the key a model needs does not serve it, says so, and the engine reports the model unserved', { timeout: 60_000 }, async () => {
    const root = wireOrg('http://127.0.0.1:9');
    humanSends(root, 'manager', 'Build the thing.');
    const keyless = watched(tempDir(), ['worker', '--queue', redis.url, '--models', 'flaky-openai,flaky-anthropic']);
    const run = watched(root, ['run', '--plain', '--queue', redis.url]);
    await keyless.waitFor(/not serving flaky-openai: FAULT_OPENAI_KEY is not set here \(set it in this worker's environment or in .*\.env\)/);
    await run.waitFor(/queue: no worker serves model "flaky-openai"/);
    expect(listOutbox(root, 'manager')).toEqual([]);
  });
});
