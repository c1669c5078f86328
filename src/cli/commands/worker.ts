import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EXIT, LemmingError } from '../../errors.js';
import { readOrgOnly } from '../../org/org-as-written.js';
import { importQueueModule } from '../../queue/queue-packages.js';
import { onStopSignals } from '../../ui/shared/stop-signals.js';
import type { Org } from '../../org/org.js';
import type { Output } from '../cli-context.js';
import { DEFAULT_SHUTDOWN_SECONDS, guardShutdown } from '../shutdown.js';

/** The flags of `lemming worker`. */
export interface WorkerCommandOptions {
  queue: string;
  /** `--models a,b`: the registry keys to serve, whatever their entry (default: every one an engine asks for whose entry goes only to a vendor's own API). */
  models?: string[];
  /** `--mcp-servers a,b`: the org MCP servers to run (default: none). */
  mcpServers?: string[];
  /** `--org <folder>`: serve that org's models and MCP servers when a queue publishes them exactly as declared there. */
  org?: string;
  concurrency: number;
  /** `--lock-seconds`: how long a job stays with a worker that went silent. */
  lockSeconds?: number;
  /** `--health-port`: serve /healthz, /readyz and /metrics there. */
  healthPort?: number;
  healthHost?: string;
  /** `--shutdown-timeout`: seconds to finish the calls in progress after a signal before handing them back. */
  shutdownTimeout?: number;
}

/**
 * `lemming worker`: make model calls (and MCP tool calls) for any engine on the same queue until Ctrl-C or
 * SIGTERM, which lets the calls in progress finish for up to `--shutdown-timeout` seconds, then hands
 * those still running back to the queue (another worker, or this one restarted, takes them) and exits 0.
 * A second signal quits at once: a job left behind is taken by another worker once its lock runs out.
 */
export async function workerCommand(root: string, options: WorkerCommandOptions, output: Output): Promise<number> {
  const seconds = options.shutdownTimeout ?? DEFAULT_SHUTDOWN_SECONDS;
  // The queue's packages are optional dependencies: a missing one is said by name, with how to install it.
  const { startWorker } = await importQueueModule(() => import('../../queue/run-worker.js'));
  const worker = await startWorker({
    address: options.queue,
    models: options.models ?? [],
    mcpServers: options.mcpServers ?? [],
    ...(options.org === undefined ? {} : { org: declaredBy(resolve(options.org)) }),
    concurrency: options.concurrency,
    ...(options.lockSeconds === undefined ? {} : { lockMs: options.lockSeconds * 1000 }),
    root,
    log: (line) => output.err(line),
  });
  // Loaded only with the flag: a worker without it starts without an HTTP server.
  const health =
    options.healthPort === undefined ? undefined : await (await import('../../web/health/worker-health.js')).startWorkerHealth(worker, options.healthHost ?? '127.0.0.1', options.healthPort);
  if (health) output.err(`health: http://${options.healthHost ?? '127.0.0.1'}:${health.port}/healthz, /readyz and /metrics`);
  // The bound and the second signal: the guard quits if handing back itself hangs (Redis gone).
  const shutdown = guardShutdown(output, seconds + 2);
  await new Promise<void>((resolve) => {
    const dispose = onStopSignals(() => {
      dispose();
      output.err(`stopping: finishing the calls in progress for up to ${seconds} s, then handing them back to the queue (Ctrl-C again to quit now)`);
      resolve();
    });
  });
  try {
    await worker.close(seconds * 1000);
    await health?.close();
  } finally {
    shutdown.dispose();
  }
  return 0;
}

/** The models and MCP servers the org at `folder` declares (`--org`), read and nothing written there; an org with errors stops the worker, naming each. */
function declaredBy(folder: string): { folder: string; models: Org['models']; mcpServers: Org['mcpServers'] } {
  if (!existsSync(join(folder, 'org', 'org.yaml'))) {
    throw new LemmingError('usage', `--org ${folder}: there is no org/org.yaml in that folder; give the folder of an org (the one that holds org/ and agents/)`, { exitCode: EXIT.usage });
  }
  const { org } = readOrgOnly(folder);
  return { folder, models: org.models, mcpServers: org.mcpServers };
}
