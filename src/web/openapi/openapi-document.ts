import { createRequire } from 'node:module';
import { z } from 'zod';
import { ROUTES, type RouteSpec } from './route-specs.js';

type JsonSchema = Record<string, unknown>;

/** A schema as JSON Schema 2020-12 (OpenAPI 3.1's dialect), as a request must send it. */
function jsonSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

/** The parameters of a route's path or query, one OpenAPI parameter each. */
function parameters(schema: z.ZodObject | undefined, where: 'path' | 'query'): JsonSchema[] {
  if (!schema) return [];
  const object = jsonSchema(schema) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    return { name, in: where, required: where === 'path' || (object.required ?? []).includes(name), schema: rest, ...(typeof description === 'string' ? { description } : {}) };
  });
}

function operation(route: RouteSpec): JsonSchema {
  const parameterList = [...parameters(route.params, 'path'), ...parameters(route.query, 'query')];
  const bad = { description: 'a parameter or field is not valid: {"error": "bad-request", "field": …, "message": …}' };
  const loading = { description: 'the message index is still loading, or failed and is being built again: {"error": "index-loading" or "index-failed", "index": "loading" or "failed", "messages": …, "message": …}, with Retry-After' };
  return {
    summary: route.summary,
    ...(parameterList.length > 0 ? { parameters: parameterList } : {}),
    ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body) } } } } : {}),
    ...(route.public ? { security: [] } : {}),
    responses: {
      [String(route.answers.status)]: { description: route.answers.description, content: { [route.answers.type]: {} } },
      ...(route.params || route.query || route.body ? { '400': bad } : {}),
      ...(route.needsIndex ? { '503': loading } : {}),
      ...(route.public ? { ...(route.path === '/readyz' ? { '503': { description: 'not ready: each failing check with its reason' } } : {}) } : { '401': { description: 'no token, or a wrong one' } }),
    },
  };
}

/**
 * `GET /api/openapi.json`: OpenAPI 3.1, made from the route specs whose schemas validate the
 * requests (route-input.ts). `mcp`: whether this server mounts `/mcp`.
 */
export function openApiDocument(version: string, mcp: boolean): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of ROUTES) {
    if (route.path === '/mcp' && !mcp) continue;
    const methods = route.method === 'all' ? ['get', 'post', 'delete'] : [route.method];
    for (const method of methods) (paths[route.path] ??= {})[method] = operation(route);
    // Served once, at the root: not under each org's /o/<key>/.
    if (route.serverWide) (paths[route.path] as Record<string, unknown>).servers = [{ url: '/' }];
  }
  return {
    openapi: '3.1.0',
    info: { title: 'lemming dashboard', version, description: 'The API of `lemming serve` and `lemming run --serve` (README: "The dashboard\'s API").' },
    components: {
      securitySchemes: {
        token: { type: 'http', scheme: 'bearer', description: 'The token in the URL the command prints (or LEMMING_TOKEN); a browser trades it for a session cookie.' },
      },
    },
    security: [{ token: [] }],
    // The first org's routes are at the root; every org served (the first too) has them under /o/<key>/, as /api/orgs lists.
    servers: [
      { url: '/', description: 'the first org served' },
      { url: '/o/{org}', description: 'any org served, by its key (GET /api/orgs lists them)', variables: { org: { default: 'default', description: "the org's key: its folder's name" } } },
    ],
    paths,
  };
}

/** lemming's version, from its package.json (two folders up from web/openapi/, under src/ and dist/ alike). */
export function packageVersion(): string {
  return (createRequire(import.meta.url)('../../../package.json') as { version: string }).version;
}
