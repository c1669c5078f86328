import { describe, expect, test } from 'vitest';
import { startWorker } from '../../src/queue/run-worker.js';
import { startWorkerHealth } from '../../src/web/health/worker-health.js';
import { stall } from '../helpers/stalled-client.js';
import { tempDir } from '../helpers/temp-org.js';
import { queueTestKit } from '../queue/queue-test-kit.js';

const redis = queueTestKit();

/** Short bounds for the test; the worker's own are the dashboard's, 5 s for headers and 30 s for a request. */
const BOUNDS = { headersMs: 400, bodyMs: 800 };
/** How long past its bound a connection may stay open here: far below Node's own 60 s and 300 s. */
const MARGIN_MS = 6_000;

describe("a worker's health server does not keep a client that stops sending", () => {
  test('headers that never finish (slowloris): 408, and the connection is closed soon after the headers bound; a whole request is answered', { timeout: 60_000 }, async () => {
    const worker = await startWorker({ address: redis.url, models: [], concurrency: 1, root: tempDir('lemming-worker-'), log: () => undefined });
    const health = await startWorkerHealth(worker, '127.0.0.1', 0, BOUNDS);
    try {
      const seen = await stall(health.port, `GET /readyz HTTP/1.1\r\nHost: 127.0.0.1:${health.port}\r\nX-Slow: 1`, BOUNDS.headersMs + MARGIN_MS);
      // Before: the connection stayed open for Node's 60 s, as long as the client liked to trickle bytes.
      expect(seen).toEqual({ closed: true, answer: expect.stringMatching(/^HTTP\/1\.1 408 /) });
      expect((await fetch(`http://127.0.0.1:${health.port}/healthz`)).status).toBe(200);
    } finally {
      await health.close();
      await worker.close(1_000);
    }
  });
});
