import { requireOrgRoot } from '../../org/must-exist.js';
import { EXIT, LemmingError } from '../../errors.js';
import { chooseToken } from '../../web/access/access-token.js';
import { registerSecret } from '../../secrets/secrets.js';
import type { ServedRun } from '../stay-serving.js';
import { EventHub } from '../../web/event-hub.js';
import { observeEngine } from '../../web/observe-engine.js';
import { startWebServer, type WebServer } from '../../web/server.js';
import { expandOrgRoots } from '../../web/served-orgs.js';
import type { Output } from '../cli-context.js';
import { onStopSignals } from '../../ui/shared/stop-signals.js';
import type { Engine } from '../../engine/engine.js';
import { engineChecks } from '../../web/health/engine-checks.js';
import type { ReadinessCheck } from '../../web/health/readiness.js';
import { guardShutdown, type Shutdown } from '../shutdown.js';

/** `--port` and `--host` of `lemming serve` and `lemming run --serve`. */
export interface ServeOptions {
  port?: number;
  host?: string;
  /** More org roots to serve beside the first (`lemming serve --root A --root B`), each under `/o/<key>/`. */
  moreRoots?: readonly string[];
  /** `--shutdown-timeout`: the most seconds the process takes to stop after SIGTERM or SIGINT. */
  shutdownSeconds?: number;
}

/** The port the dashboard listens on when none is given. */
export const DEFAULT_PORT = 4780;

/**
 * Start the dashboard on the org and print its URL (token included) as soon as it listens: the
 * messages are taken in for search and threads behind it (some 3 s at 100,000 messages, longer
 * for a first build), and the page says so until they are in. A failure of that goes to standard
 * error (or the log). Throws LemmingError when the address is refused: a port taken, or a
 * non-loopback host without LEMMING_TOKEN.
 */
export async function openDashboard(root: string, options: ServeOptions, output: Output, hub?: EventHub, readiness?: () => readonly ReadinessCheck[]): Promise<WebServer> {
  requireOrgRoot(root);
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? DEFAULT_PORT;
  const { token, fromEnvironment } = chooseToken(host);
  // Lines bound for a log collector (`--log-format json`) do not carry the key to the dashboard: set LEMMING_TOKEN to know it.
  if (output.record) registerSecret('LEMMING_TOKEN', token);
  try {
    // The org as an MCP server at /mcp, behind the same token; its SDK is loaded by the first request.
    const mcp = async (orgRoot: string, request: Request): Promise<Response> => (await import('../../mcp-server/mcp-http.js')).handleMcpHttp(orgRoot, request);
    const server = await startWebServer({ root, host, port, token, mcp, report: (line) => output.err(line), ...(hub ? { hub } : {}), ...(options.moreRoots ? { moreRoots: options.moreRoots } : {}), ...(readiness ? { readiness } : {}) });
    output.out(`dashboard: ${server.url}`);
    if (server.dashboards.size > 1) {
      for (const [key, dashboard] of server.dashboards) output.out(`  ${key}: /o/${key}/ (${dashboard.root})`);
    }
    if (fromEnvironment) output.out('(the token is LEMMING_TOKEN from the environment)');
    return server;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new LemmingError('port-taken', `port ${port} on ${host} is taken; pass another, for example --port ${port + 1}, or --port 0 for any free port`, { exitCode: EXIT.usage });
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new LemmingError('bad-host', `cannot listen on ${host}: it is not an address of this machine; the default is --host 127.0.0.1`, { exitCode: EXIT.usage });
    throw error;
  }
}

function untilStopped(): Promise<void> {
  return new Promise<void>((resolve) => {
    const dispose = onStopSignals(() => {
      dispose();
      resolve();
    });
  });
}

/**
 * `lemming serve`: the dashboard alone, until Ctrl-C. It never runs turns. Each `--root` is an org
 * or a folder of orgs (served-orgs.ts): several orgs share one server, one token and a switcher.
 */
export async function serveCommand(roots: readonly string[], options: ServeOptions, output: Output): Promise<number> {
  const shutdown = guardShutdown(output, options.shutdownSeconds);
  const [root = '', ...moreRoots] = expandOrgRoots(roots);
  const stopping = (): readonly ReadinessCheck[] => [{ name: 'stopping', reason: async () => (shutdown.stopping() ? 'the process was asked to stop' : undefined) }];
  const server = await openDashboard(root, { ...options, ...(moreRoots.length > 0 ? { moreRoots } : {}) }, output, undefined, stopping);
  // Listening before the line that says Ctrl-C stops: a signal between the two would kill the process unanswered.
  const stopped = untilStopped();
  output.out('it runs no turns: use `lemming run` beside it (or `lemming run --serve` instead); Ctrl-C stops');
  await stopped;
  await server.close();
  shutdown.dispose();
  return 0;
}

/**
 * `lemming run --serve`: the dashboard on the running engine's own events (one process, one
 * engine), kept up after the run until Ctrl-C, the engine with it: an idle org waits for mail and
 * runs again (stay-serving.ts). With `--json`, standard output stays one JSON object a line: the
 * address comes as `{"type":"dashboard","url":…}` before the run's events, and the lines for a
 * person go to standard error.
 */
export async function serveWhileRunning(root: string, options: ServeOptions, output: Output, run: (served: ServedRun) => Promise<number>, json = false, shutdown?: Shutdown): Promise<number> {
  const hub = new EventHub();
  const person: Output = json ? { out: (line) => output.err(line), err: (line) => output.err(line) } : output;
  // The engine is open (its lock taken) before the dashboard; until the run hands it over, /readyz says no engine holds the lock.
  let watched: { engine: Engine; queueAddress: () => string | undefined } | undefined;
  const checks = engineChecks({
    root,
    hub,
    turnBoundSeconds: () => watched?.engine.currentOrg.settings.ready_turn_seconds ?? 600,
    queueAddress: () => watched?.queueAddress(),
    reachQueue: async (address) => {
      const { importQueueModule } = await import('../../queue/queue-packages.js');
      const { checkReachable } = await importQueueModule(() => import('../../queue/queue-client.js'));
      return checkReachable(address).then(() => undefined, (error: unknown) => (error instanceof Error ? error.message : String(error)));
    },
    stopping: () => shutdown?.stopping() ?? false,
  });
  const server = await openDashboard(root, options, person, hub, () => checks);
  if (json) output.out(JSON.stringify({ type: 'dashboard', url: server.url }));
  try {
    return await run({
      observe: (engine, queueAddress) => {
        watched = { engine, queueAddress };
        return observeEngine(engine, hub);
      },
      publish: (event) => hub.publish({ kind: 'engine', event }),
      person,
      url: server.url,
    });
  } finally {
    await server.close();
  }
}
