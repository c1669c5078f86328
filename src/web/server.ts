import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import type { z } from 'zod';
import { LemmingError } from '../errors.js';
import { StorageError } from '../storage/storage-error.js';
import { checkToken } from './access/access-token.js';
import { requireOwnHost } from './access/allowed-hosts.js';
import { capRequestBodies } from './access/body-cap.js';
import { requestBoundedServer, type RequestTimes } from './access/request-times.js';
import { cutSecretsFromAnswers } from './access/cut-secrets.js';
import { requireToken } from './access/require-token.js';
import { Dashboard } from './dashboard.js';
import type { EventHub } from './event-hub.js';
import { actionRoutes } from './routes/action-routes.js';
import { appRoutes } from './routes/app-routes.js';
import { eventStream } from './routes/event-stream.js';
import { readRoutes } from './routes/read-routes.js';
import { analysisRoutes } from './routes/analysis-routes.js';
import { chartRoutes } from './routes/chart-routes.js';
import { atTurn, turnsRoute } from './turns/at-turn.js';
import { healthRoutes } from './health/health-routes.js';
import type { ReadinessCheck } from './health/readiness.js';
import type { errorSchema } from './openapi/answer-schemas.js';
import { openApiDocument, packageVersion } from './openapi/openapi-document.js';
import { OPENAPI_ROUTE, ORGS_ROUTE } from './openapi/route-specs.js';
import { answer, type AnswerOf } from './routes/route-answer.js';
import { BadQueryError } from './search/message-filter.js';
import { servedOrgs, type ServedOrg } from './served-orgs.js';
import { stateTurn } from '../engine/record/state-store.js';
import { statePaths } from '../engine/record/state-paths.js';
import { collectMetrics } from './views/metrics-view.js';
import { formatPrometheus } from './views/prometheus.js';

/** How to start the dashboard's server. */
export interface WebServerOptions {
  root: string;
  /**
   * More orgs to serve beside `root`, each with its own dashboard (files, index, events) under
   * `/o/<key>/`; `root` is also served at `/`, so the single-org URLs keep working. `/api/orgs` lists them.
   */
  moreRoots?: readonly string[];
  /** The address to listen on; loopback unless the person asked otherwise. Requests must name it or loopback (see allowed-hosts.ts). */
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Every request must carry it or a session it was traded for (see require-token.ts); 16 characters or more, no whitespace. */
  token: string;
  /** The hub the engine's events go into, for `lemming run --serve`; a new one otherwise. */
  hub?: EventHub;
  /** Answers `/mcp` (an org as an MCP server over streamable HTTP), behind the same token; absent: no such route. */
  mcp?: (root: string, request: Request) => Promise<Response>;
  /**
   * What `/readyz` checks (see health/engine-checks.ts); none for a dashboard alone, which is ready once it listens.
   * The message index does not count: the server does its work (status, the chart, sending, the engine) while it loads.
   */
  readiness?: () => readonly ReadinessCheck[];
  /** How long a client has to send its headers and its whole request (request-times.ts): 5 s and 30 s unless given (tests give less). */
  requestTimes?: RequestTimes;
  /** Where a line for a person goes when something fails beside the requests (the message index): standard error by default. */
  report?: (line: string) => void;
}

/** A running dashboard. */
export interface WebServer {
  /** The address to open, token included. */
  url: string;
  port: number;
  dashboard: Dashboard;
  /** Every org served, by key: the first is `dashboard`. */
  dashboards: ReadonlyMap<string, Dashboard>;
  close(): Promise<void>;
}

/** Browsers load nothing but the dashboard's own files, and run no inline script: a body that smuggles HTML in runs nothing. */
const CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/**
 * The HTTP status for an error a route threw: the person's mistake (4xx), the org's disk that would
 * not take the write (507: full, read-only or failing, the same StorageError `lemming send` exits 5
 * with), or ours (500).
 */
function statusOf(error: unknown): 400 | 403 | 404 | 409 | 500 | 507 {
  if (error instanceof BadQueryError) return 400;
  if (error instanceof StorageError) return 507;
  if (!(error instanceof LemmingError)) return 500;
  if (error.code === 'not-found' || error.code === 'unknown-agent' || error.code === 'unknown-proposal' || error.code === 'unknown-turn' || error.code === 'no-history') return 404;
  if (error.code === 'refused') return 403;
  if (error.code === 'invalid-org' || error.code === 'already-decided' || error.code === 'approval-failed' || error.code === 'past-turn') return 409;
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

/** One org as `/api/orgs` lists it, for the page's switcher. */
export interface OrgListing {
  key: string;
  name: string;
  root: string;
  /** Where its pages and API are: `/o/<key>/`. */
  base: string;
  turn: number;
}

function onError(error: Error, context: Context): Response {
  const status = statusOf(error);
  const code = error instanceof LemmingError ? error.code : error instanceof BadQueryError ? 'bad-request' : 'internal';
  const body: z.input<typeof errorSchema> = { error: code, message: error.message, ...(error instanceof BadQueryError ? { field: error.field } : {}) };
  return context.json(body, status);
}

/** The routes that read an org, the same for the org now and for the org as it was after a turn (turns/at-turn.ts). */
function readApi(dashboard: Dashboard): Hono {
  const app = new Hono();
  app.onError(onError);
  app.route('/api', readRoutes(dashboard));
  app.route('/api', analysisRoutes(dashboard));
  app.route('/api', chartRoutes(dashboard));
  return app;
}

/**
 * One org's routes, the same wherever they are mounted (`/` for the first, `/o/<key>/` for each):
 * the API, the event stream, the MCP endpoint, metrics and the page. `base` is where they are mounted.
 */
function orgRoutes(dashboard: Dashboard, base: string, mcp?: (request: Request) => Promise<Response>): Hono {
  const app = new Hono();
  app.use('/api/*', cutSecretsFromAnswers());
  app.onError(onError);
  // `?turn=N`: the org as it was after turn N, read-only (a change asked with it is refused).
  app.use('/api/*', atTurn(dashboard, base, readApi));
  app.get('/api/events', eventStream(dashboard.hub));
  app.route('/', readApi(dashboard));
  app.route('/api', turnsRoute(dashboard));
  app.route('/api', actionRoutes(dashboard));
  if (mcp) app.all('/mcp', (context) => mcp(context.req.raw));
  app.get('/metrics', async (context) => {
    await dashboard.watch.look();
    return context.body(formatPrometheus(collectMetrics(dashboard)), 200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
  });
  app.route('/', appRoutes(() => dashboard.org().name, base));
  return app;
}

/**
 * The Hono app: the health probes, then the Host header (a name that is not this machine's gets
 * nothing), then the token or its session (one for every org served); then
 * `/api/orgs`, the API's description, each org under `/o/<key>/`, and the first org at `/` too.
 */
export function createWebApp(dashboards: ReadonlyMap<string, Dashboard>, token: string, address: WebAddress, mcp?: WebServerOptions['mcp'], readiness: WebServerOptions['readiness'] = () => []): Hono {
  // Not strict: `/o/<key>/`, the address the switcher opens, is the org's page as `/o/<key>` is.
  const app = new Hono({ strict: false });
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
  app.onError(onError);
  app.use('/api/orgs/*', cutSecretsFromAnswers());
  app.get('/api/orgs', (context) => {
    const orgs: OrgListing[] = [...dashboards].map(([key, dashboard]) => ({ key, name: dashboard.org().name, root: dashboard.root, base: `/o/${key}/`, turn: stateTurn(statePaths(dashboard.root).state) }));
    return answer(context, ORGS_ROUTE, orgs);
  });
  // Made from the route specs that validate the requests (openapi/route-specs.ts): one source of truth.
  app.get('/api/openapi.json', (context) => answer(context, OPENAPI_ROUTE, openApiDocument(packageVersion(), mcp !== undefined) as AnswerOf<typeof OPENAPI_ROUTE>));
  const mcpFor = (root: string) => (mcp ? (request: Request) => mcp(root, request) : undefined);
  for (const [key, dashboard] of dashboards) {
    app.route(`/o/${key}`, orgRoutes(dashboard, `/o/${key}/`, mcpFor(dashboard.root)));
  }
  const first = dashboards.values().next().value as Dashboard;
  app.route('/', orgRoutes(first, '/', mcpFor(first.root)));
  return app;
}

/**
 * Start serving the org; resolves once the server listens, at once: each org's message index is
 * taken in on its own thread meanwhile (seconds for 100,000 messages), and until it is in the routes
 * that need it answer 503 and the page says so (routes/index-gate.ts). Reads the org's files; never
 * starts an engine.
 */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  checkToken(options.token, 'the token');
  const orgs: ServedOrg[] = servedOrgs([options.root, ...(options.moreRoots ?? [])]);
  const dashboards = new Map<string, Dashboard>();
  let port = options.port;
  let server: Server;
  try {
    // Each org its own dashboard: its files, its index, its events (the run's hub goes to the first, the run's org).
    for (const [index, org] of orgs.entries()) dashboards.set(org.key, new Dashboard(org.root, index === 0 ? options.hub : undefined, options.report));
    const app = createWebApp(dashboards, options.token, { host: options.host, port: () => port }, options.mcp, options.readiness);
    // The body cap sits on the HTTP server, before the app: it answers `Expect: 100-continue` and
    // reads (or refuses) every body itself, so the adapter's own clean-up of unread bodies is off.
    const created = requestBoundedServer(options.requestTimes);
    capRequestBodies(created, getRequestListener(app.fetch, { hostname: options.host, autoCleanupIncoming: false }));
    server = await new Promise<Server>((resolve, reject) => {
      created.once('error', reject);
      created.listen(options.port, options.host, () => {
        port = (created.address() as AddressInfo).port;
        resolve(created);
      });
    });
  } catch (error) {
    await closeAll(dashboards);
    throw error;
  }
  const dashboard = dashboards.values().next().value as Dashboard;
  return {
    url: `${baseUrl(options.host, port)}/?token=${encodeURIComponent(options.token)}`,
    port,
    dashboard,
    dashboards,
    close: async () => {
      await closeAll(dashboards);
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}

async function closeAll(dashboards: ReadonlyMap<string, Dashboard>): Promise<void> {
  await Promise.all([...dashboards.values()].map((dashboard) => dashboard.close()));
}
