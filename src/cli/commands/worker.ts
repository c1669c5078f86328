import { startWorker } from '../../queue/run-worker.js';
import { onStopSignals } from '../../ui/shared/stop-signals.js';
import type { Output } from '../cli-context.js';

/** The flags of `lemming worker`. */
export interface WorkerCommandOptions {
  queue: string;
  /** `--models a,b`: the registry keys to serve (default: every one an engine asks for). */
  models?: string[];
  /** `--mcp-servers a,b`: the org MCP servers to run (default: every one an engine declares). */
  mcpServers?: string[];
  concurrency: number;
  /** `--lock-seconds`: how long a job stays with a worker that went silent. */
  lockSeconds?: number;
}

/**
 * `lemming worker`: make model calls (and MCP tool calls) for any engine on the same queue until Ctrl-C or
 * SIGTERM, which lets the calls in progress finish (a second one quits at once: a job
 * left behind is taken by another worker once its lock runs out).
 */
export async function workerCommand(root: string, options: WorkerCommandOptions, output: Output): Promise<number> {
  const worker = await startWorker({
    address: options.queue,
    models: options.models ?? [],
    mcpServers: options.mcpServers ?? [],
    concurrency: options.concurrency,
    ...(options.lockSeconds === undefined ? {} : { lockMs: options.lockSeconds * 1000 }),
    root,
    log: (line) => output.err(line),
  });
  await new Promise<void>((resolve) => {
    let stopping = false;
    const dispose = onStopSignals(() => {
      if (stopping) process.exit(130);
      stopping = true;
      output.err('stopping: finishing the calls in progress (Ctrl-C again to quit now)');
      dispose();
      // Listen again so a second signal quits rather than killing the process by default.
      onStopSignals(() => process.exit(130));
      resolve();
    });
  });
  await worker.close();
  return 0;
}
