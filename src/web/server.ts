import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { LemmingError } from '../errors.js';
import { checkToken } from './access/access-token.js';
import { requireOwnHost } from './access/allowed-hosts.js';
import { capBodies } from './access/body-cap.js';
import { cutSecretsFromAnswers } from './access/cut-secrets.js';
import { requireToken } from './access/require-token.js';
import { Dashboard } from './dashboard.js';
import type { EventHub } from './event-hub.js';
import { actionRoutes } from './routes/action-routes.js';
import { appRoutes } from './routes/app-routes.js';
import { eventStream } from './routes/event-stream.js';
import { readRoutes } from './routes/read-routes.js';
import { healthRoutes } from './health/health-routes.js';
import type { ReadinessCheck } from './health/readiness.js';
import { openApiDocument, packageVersion } from './openapi/openapi-document.js';
import { BadQueryError } from './search/message-filter.js';
import { collectMetrics } from './views/metrics-view.js';
import { formatPrometheus } from './views/prometheus.js';

/** How to start the dashboard's server. */
export interface WebServerOptions {
  root: string;
  /** The address to listen on; loopback unless the person asked otherwise. Requests must name it or loopback (see allowed-hosts.ts). */
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Every request must carry it or a session it was traded for (see require-token.ts); 16 characters or more, no whitespace. */
  token: string;
  /** The hub the engine's events go into, for `lemming run --serve`; a new one otherwise. */
  hub?: EventHub;
  /** Answers `/mcp` (the org as an MCP server over streamable HTTP), behind the same token; absent: no such route. */
  mcp?: (request: Request) => Promise<Response>;
  /** What `/readyz` checks (see health/engine-checks.ts); none for a dashboard alone, which is ready once it listens. */
  readiness?: () => readonly ReadinessCheck[];
}

/** A running dashboard. */
export interface WebServer {
  /** The address to open, token included. */
  url: string;
  port: number;
  dashboard: Dashboard;
  close(): Promise<void>;
}

/** Browsers load nothing but the dashboard's own files, and run no inline script: a body that smuggles HTML in runs nothing. */
const CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** The HTTP status for an error a route threw: the person's mistake (4xx) or ours (500). */
function statusOf(error: unknown): 400 | 403 | 404 | 409 | 500 {
  if (error instanceof BadQueryError) return 400;
  if (!(error instanceof LemmingError)) return 500;
  if (error.code === 'not-found' || error.code === 'unknown-agent' || error.code === 'unknown-proposal') return 404;
  if (error.code === 'refused') return 403;
  if (error.code === 'invalid-org' || error.code === 'already-decided') return 409;
  return 400;
}

/** Where a server is reached, for the app's checks: the address it listens on and the port it got. */
export interface WebAddress {
  host: string;
  port: () => number;
}

/** `http://host:port`, IPv6 in brackets. */
function baseUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/**
 * The Hono app: the health probes, then the Host header (a name that is not this machine's gets nothing), then the
 * token or its session, then the body's size, then the API, the event stream, the MCP endpoint,
 * metrics and the browser app.
 */
export function createWebApp(dashboard: Dashboard, token: string, address: WebAddress, mcp?: WebServerOptions['mcp'], readiness: WebServerOptions['readiness'] = () => []): Hono {
  const app = new Hono();
  // Before the Host and token checks: a supervisor's probe knows neither, and these answers say nothing private.
  app.route('/', healthRoutes(readiness));
  app.use('*', async (context, next) => {
    await next();
    context.header('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    context.header('X-Content-Type-Options', 'nosniff');
    context.header('Referrer-Policy', 'no-referrer');
  });
  app.use('*', requireOwnHost(address.host, () => `${baseUrl(address.host, address.port())}/?token=...`));
  app.use('*', requireToken(token, address.port));
  app.use('*', capBodies());
  app.use('/api/*', cutSecretsFromAnswers());
  app.onError((error, context) => {
    const status = statusOf(error);
    const code = error instanceof LemmingError ? error.code : error instanceof BadQueryError ? 'bad-request' : 'internal';
    return context.json({ error: code, message: error.message, ...(error instanceof BadQueryError ? { field: error.field } : {}) }, status);
  });
  app.get('/api/events', eventStream(dashboard.hub));
  // Made from the route specs that validate the requests (openapi/route-specs.ts): one source of truth.
  app.get('/api/openapi.json', (context) => context.json(openApiDocument(packageVersion(), mcp !== undefined)));
  app.route('/api', readRoutes(dashboard));
  app.route('/api', actionRoutes(dashboard));
  if (mcp) app.all('/mcp', (context) => mcp(context.req.raw));
  app.get('/metrics', async (context) => {
    await dashboard.watch.look();
    return context.body(formatPrometheus(collectMetrics(dashboard)), 200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
  });
  app.route('/', appRoutes(() => dashboard.org().name));
  return app;
}

/** Start serving the org; resolves once the server listens. Reads the org's files; never starts an engine. */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  checkToken(options.token, 'the token');
  const dashboard = new Dashboard(options.root, options.hub);
  let port = options.port;
  const app = createWebApp(dashboard, options.token, { host: options.host, port: () => port }, options.mcp, options.readiness);
  let server: ServerType;
  try {
    await dashboard.watch.ready();
    server = await new Promise<ServerType>((resolve, reject) => {
      const started: ServerType = serve({ fetch: app.fetch, hostname: options.host, port: options.port }, (info: AddressInfo) => {
        port = info.port;
        resolve(started);
      });
      started.once('error', reject);
    });
  } catch (error) {
    await dashboard.close();
    throw error;
  }
  return {
    url: `${baseUrl(options.host, port)}/?token=${encodeURIComponent(options.token)}`,
    port,
    dashboard,
    close: async () => {
      await dashboard.close();
      await new Promise<void>((resolve) => {
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}
