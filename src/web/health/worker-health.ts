import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunningWorker } from '../../queue/run-worker.js';
import { cutSecrets } from '../../secrets/secrets.js';
import { REQUEST_TIMES, requestBoundedServer, type RequestTimes } from '../access/request-times.js';
import { formatPrometheus, Histogram, type Metric } from '../views/prometheus.js';

/** The worker's counters in the Prometheus text format, beside the engine's (`lemming serve`'s /metrics). */
export function workerMetrics(worker: RunningWorker): Metric[] {
  const { stats } = worker;
  const latency = new Histogram();
  for (const seconds of stats.latencies) latency.observe(seconds);
  const counter = (name: string, help: string, value: number): Metric => ({ name, help, type: 'counter', samples: [{ value }] });
  return [
    counter('lemming_worker_jobs_taken_total', 'Jobs this worker took from a queue.', stats.taken),
    counter('lemming_worker_jobs_completed_total', 'Jobs this worker answered.', stats.completed),
    counter('lemming_worker_jobs_failed_total', 'Jobs whose call failed here.', stats.failed),
    counter('lemming_worker_jobs_retried_total', 'Retries made inside calls (rate limits, server errors).', stats.retried),
    counter('lemming_worker_jobs_handed_back_total', 'Jobs handed back to the queue by a stop that could not wait for them.', stats.handedBack),
    { name: 'lemming_worker_jobs_in_flight', help: 'Jobs in progress now.', type: 'gauge', samples: [{ value: stats.inFlight }] },
    { name: 'lemming_worker_job_seconds', help: 'How long jobs took, answered or failed.', type: 'histogram', samples: latency.samples() },
  ];
}

/**
 * `lemming worker --health-port P`: `/healthz` (the process answers), `/readyz` (connected to
 * Redis and not stopping; 503 with the reasons otherwise; always what it serves, which is nothing
 * until an engine publishes a queue, and how many jobs are in flight) and `/metrics`. No token:
 * nothing here is private. A client has `times` to send its request, as the dashboard's do: one that
 * sends it a byte at a time (slowloris) is answered 408 and cut off, not kept for Node's minutes.
 */
export async function startWorkerHealth(worker: RunningWorker, host: string, port: number, times: RequestTimes = REQUEST_TIMES): Promise<{ port: number; close(): Promise<void> }> {
  const server = requestBoundedServer(times);
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const path = (request.url ?? '/').split('?')[0];
    const send = (status: number, type: string, body: string): void => {
      response.writeHead(status, { 'Content-Type': type });
      response.end(cutSecrets(body));
    };
    if (request.method !== 'GET') return send(405, 'application/json', JSON.stringify({ error: 'method-not-allowed' }));
    if (path === '/healthz') return send(200, 'application/json', JSON.stringify({ status: 'ok' }));
    if (path === '/metrics') return send(200, 'text/plain; version=0.0.4; charset=utf-8', formatPrometheus(workerMetrics(worker)));
    if (path === '/readyz') {
      const status = worker.status();
      const reasons = [
        ...(status.redis ? [] : ['not connected to Redis']),
        ...(status.stopping ? ['stopping: finishing the jobs in flight, taking no new ones'] : []),
      ];
      return send(reasons.length === 0 ? 200 : 503, 'application/json', JSON.stringify({ ready: reasons.length === 0, reasons, redis: status.redis, serving: status.serving, inFlight: status.inFlight }));
    }
    return send(404, 'application/json', JSON.stringify({ error: 'not-found', paths: ['/healthz', '/readyz', '/metrics'] }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
