import { createRequire } from 'node:module';
import { z } from 'zod';
import { errorSchema } from './answer-schemas.js';
import type { RouteSpec } from './route-spec.js';
import { ROUTES, TURN_QUERY } from './route-specs.js';

type JsonSchema = Record<string, unknown>;

/**
 * Turns zod schemas into the document's JSON Schemas (2020-12, OpenAPI 3.1's dialect). A schema
 * named with `.meta({ id })` becomes one component that every use points to, as `$ref`.
 */
class SchemaWriter {
  readonly components: Record<string, JsonSchema> = {};

  /** As a request must send it (`input`: before defaults and transforms) or as an answer holds it (`output`). */
  write(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
    const { $schema: _dialect, $defs, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema & { $defs?: Record<string, JsonSchema> };
    for (const [id, definition] of Object.entries($defs ?? {})) this.components[id] = pointToComponents(definition) as JsonSchema;
    return pointToComponents(rest) as JsonSchema;
  }
}

/** zod points at its `$defs`; in the document those are `components.schemas`. */
function pointToComponents(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(pointToComponents);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [key, key === '$ref' && typeof inner === 'string' ? inner.replace(/^#\/\$defs\//, '#/components/schemas/') : pointToComponents(inner)]),
  );
}

/** The parameters of a route's path or query, one OpenAPI parameter each. */
function parameters(writer: SchemaWriter, schema: z.ZodObject | undefined, where: 'path' | 'query'): JsonSchema[] {
  if (!schema) return [];
  const object = writer.write(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    return { name, in: where, required: where === 'path' || (object.required ?? []).includes(name), schema: rest, ...(typeof description === 'string' ? { description } : {}) };
  });
}

const ERROR = { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } };

/** What each refusal means, for the document. */
const REFUSALS: Record<string, string> = {
  '400': 'a parameter or field is not valid: `field` names it, `message` shows a valid value',
  '401': 'no token, or a wrong one: send `Authorization: Bearer <token>` (the token in the URL the command printed, or LEMMING_TOKEN)',
  '403': 'refused: a change that does not come from the dashboard itself (a cookie without its origin), or a send the chart does not allow',
  '404': 'there is no such agent, message, proposal, trace or turn (a `turn` the history does not hold, or an org that keeps none)',
  '409': 'the proposal was already decided the other way, or was approved and could not be carried out (`approval-failed`: it is closed as failed, `message` says why and names its file), the org on disk is not valid, or a change was asked of the org at a past turn (`?turn=`), which is read-only',
  '507': "the org's disk would not take the change: full (`storage-full`), read-only (`storage-read-only`) or failing (`storage-failed`), or a folder of the org leads out of it (`storage-outside`), as `message` says, naming the file; nothing of it was written: ask again once the disk is mended",
  '503': 'the message index is still loading, or failed and is being built again (`index`, `messages`); ask again after Retry-After',
};

/** The statuses a route can refuse with: those its spec implies, and those its own code adds. */
function refusals(route: RouteSpec): string[] {
  const statuses = new Set<number>(route.errors ?? []);
  if (route.query || route.body) statuses.add(400);
  if (!route.public) statuses.add(401);
  if (!route.public && route.method !== 'get') statuses.add(403);
  if (route.params || route.atTurn) statuses.add(404);
  if (route.atTurn) statuses.add(400);
  // A change carries no `turn`; one that does is refused (web/turns/at-turn.ts): a past turn is read-only.
  if (!route.public && route.method === 'post') {
    statuses.add(409);
    // A change is written to the org's files: a disk that refuses the write refuses the change (server.ts, statusOf).
    statuses.add(507);
  }
  if (route.needsIndex) statuses.add(503);
  return [...statuses].sort().map(String);
}

function refusal(route: RouteSpec, status: string): JsonSchema {
  const description = REFUSALS[status] ?? status;
  // The modules of the page are files: a name that is none is Hono's plain 404.
  if (status === '404' && route.answers.type === 'text/javascript') return { description: 'no such file', content: { 'text/plain': { schema: { type: 'string' } } } };
  if (status === '401') return { description, headers: { 'WWW-Authenticate': { description: '`Bearer`: the scheme this server takes (no OAuth)', schema: { type: 'string' } } }, content: ERROR };
  if (status === '503') return { description, headers: { 'Retry-After': { description: 'seconds', schema: { type: 'integer' } } }, content: ERROR };
  return { description, content: ERROR };
}

function operation(writer: SchemaWriter, route: RouteSpec, method: string): JsonSchema {
  const parameterList = [...parameters(writer, route.params, 'path'), ...parameters(writer, route.query, 'query'), ...(route.atTurn ? parameters(writer, TURN_QUERY, 'query') : [])];
  const success = { description: route.answers.description, content: { [route.answers.type]: { schema: writer.write(route.answers.schema, 'output') } } };
  const responses: Record<string, JsonSchema> = { [String(route.answers.status)]: success };
  for (const status of refusals(route)) responses[status] = refusal(route, status);
  // The probe's 503 is its own answer: every check with why it fails.
  if (route.path === '/readyz') responses['503'] = { description: 'not ready: each failing check with its reason', content: success.content };
  responses.default = { description: 'any other failure: 421 a Host that is not this server, 413 a body over the cap, 500 a fault', content: ERROR };
  return {
    operationId: route.method === 'all' ? `${route.operationId}${method[0]?.toUpperCase()}${method.slice(1)}` : route.operationId,
    summary: route.summary,
    ...(parameterList.length > 0 ? { parameters: parameterList } : {}),
    ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: writer.write(route.body, 'input') } } } } : {}),
    ...(route.public ? { security: [] } : {}),
    responses,
  };
}

/**
 * `GET /api/openapi.json`: OpenAPI 3.1, made from the route specs: the schemas that validate the
 * requests (route-input.ts) and those the answers must fit (routes/route-answer.ts), so a client
 * generated from it types both. `mcp`: whether this server mounts `/mcp`.
 */
export function openApiDocument(version: string, mcp: boolean): JsonSchema {
  const writer = new SchemaWriter();
  writer.write(errorSchema, 'output');
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of ROUTES) {
    if (route.path === '/mcp' && !mcp) continue;
    const methods = route.method === 'all' ? ['get', 'post', 'delete'] : [route.method];
    for (const method of methods) (paths[route.path] ??= {})[method] = operation(writer, route, method);
    // Served once, at the root: not under each org's /o/<key>/.
    if (route.serverWide) (paths[route.path] as Record<string, unknown>).servers = [{ url: '/' }];
  }
  return {
    openapi: '3.1.0',
    info: { title: 'lemming dashboard', version, description: 'The API of `lemming serve` and `lemming run --serve` (README: "The dashboard\'s API").', license: { name: 'MIT', identifier: 'MIT' } },
    components: {
      schemas: writer.components,
      securitySchemes: {
        token: { type: 'http', scheme: 'bearer', description: 'The token in the URL the command prints (or LEMMING_TOKEN); a browser trades it for a session cookie.' },
      },
    },
    security: [{ token: [] }],
    // The first org's routes are at the root; every org served (the first too) has them under /o/<key>/, as /api/orgs lists.
    servers: [
      { url: '/', description: 'the first org served' },
      { url: '/o/{org}', description: "any org served, by its key (its folder's name; GET /api/orgs lists them)", variables: { org: { default: 'default' } } },
    ],
    paths,
  };
}

/** lemming's version, from its package.json (two folders up from web/openapi/, under src/ and dist/ alike). */
export function packageVersion(): string {
  return (createRequire(import.meta.url)('../../../package.json') as { version: string }).version;
}
