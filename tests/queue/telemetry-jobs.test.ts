import { expect, test } from 'vitest';
import { lemmingAsync } from '../helpers/cli.js';
import { startOtlpReceiver } from '../helpers/otlp-receiver.js';
import { defaultOrg, humanSends, tempDir } from '../helpers/temp-org.js';
import { completedJobs } from './redis-contents.js';
import { queueTestKit } from './queue-test-kit.js';

const redis = queueTestKit();

test('a run whose calls go to workers sends a span for every worker job, in the trace of its turn, below the model call it made', { timeout: 120_000 }, async () => {
  const receiver = await startOtlpReceiver();
  try {
    const worker = redis.watched(tempDir('lemming-worker-'), ['worker', '--queue', redis.url]);
    await worker.waitFor(/serves every model/);
    const root = defaultOrg();
    humanSends(root, 'manager', 'Plan the first release', 'Plan the first release');
    const run = await lemmingAsync(root, ['run', '--plain', '--queue', redis.url, '--otlp', receiver.url]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);

    const jobs = receiver.spans.filter((span) => span.name.startsWith('worker job '));
    expect(jobs.length).toBe(await completedJobs(redis.url, root, 'offline'));
    const byId = new Map(receiver.spans.map((span) => [span.spanId, span]));
    for (const job of jobs) {
      const parent = byId.get(job.parentSpanId ?? '');
      expect(parent?.traceId).toBe(job.traceId);
      expect(parent?.name).toMatch(/^(chat offline-1|invoke_agent \w+)$/);
      expect(parent?.attributes['lemming.agent']).toBe(job.attributes['lemming.agent']);
      expect(job.attributes['messaging.system']).toBe('bullmq');
    }
    // Each model call was one job: a call's steps, or the one answer of a call without tools.
    const calls = receiver.spans.filter((span) => span.name.startsWith('invoke_agent '));
    const steps = receiver.spans.filter((span) => span.name.startsWith('chat '));
    const withoutSteps = calls.filter((call) => !steps.some((step) => step.parentSpanId === call.spanId));
    expect(jobs.length).toBe(steps.length + withoutSteps.length);
  } finally {
    await receiver.close();
  }
});
