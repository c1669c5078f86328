import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWorker } from '../src/queue/run-worker.js';
import { NextAgentProvider } from './bench-providers.js';
import { agentName } from './build-org.js';

/**
 * A `lemming worker` for the queue benchmark: lemming's own worker, with a model that takes
 * `delayMs` per call (a sleep, then one message to the next agent) in place of a vendor's.
 * Usage: queue-worker.js REDIS_URL CONCURRENCY DELAY_MS AGENTS. Prints "ready" once it serves.
 */
const [address, concurrency, delayMs, agents] = process.argv.slice(2);
const names = Array.from({ length: Number(agents) }, (_, index) => agentName(index));
const model = new NextAgentProvider(names, Number(delayMs));
const worker = await startWorker({
  address: address ?? '',
  models: [],
  concurrency: Number(concurrency),
  root: mkdtempSync(join(tmpdir(), 'lemming-bench-worker-')),
  log: (line) => {
    if (line.startsWith('serving')) process.stdout.write('ready\n');
  },
  providerFor: () => model,
  discoverEveryMs: 100,
});
process.on('SIGTERM', () => void worker.close().then(() => process.exit(0)));
