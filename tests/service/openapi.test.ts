import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, test } from 'vitest';
import { Dashboard } from '../../src/web/dashboard.js';
import { createWebApp } from '../../src/web/server.js';
import { defaultOrg } from '../helpers/temp-org.js';
import { serveOrg } from '../web/web-server.js';

interface Document {
  openapi: string;
  paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string }>; requestBody?: unknown; security?: unknown[] }>>;
}

async function documentOf(base: string, token: string): Promise<Document> {
  const response = await fetch(`${base}/api/openapi.json`, { headers: { Authorization: `Bearer ${token}` } });
  expect(response.status).toBe(200);
  return (await response.json()) as Document;
}

/** `/api/agents/:name` as OpenAPI writes it. */
function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z_]+)/g, '{$1}');
}

describe('GET /api/openapi.json', () => {
  test('is a valid OpenAPI 3.1 document, by a maintained validator', async () => {
    const server = await serveOrg(defaultOrg());
    const document = await documentOf(server.base, server.token);
    expect(document.openapi).toBe('3.1.0');
    const validator = new Validator();
    const result = await validator.validate(document as unknown as Parameters<Validator["validate"]>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  test('names every route the server mounts, and nothing else', async () => {
    const root = defaultOrg();
    const dashboard = new Dashboard(root);
    try {
      for (const mcp of [undefined, async () => new Response('')]) {
        const app = createWebApp(new Map([['default', dashboard]]), 'a-token-of-sixteen-chars', { host: '127.0.0.1', port: () => 1 }, mcp);
        // Handlers, not the middleware every request passes through (`app.use('*', …)`).
        const handlers = app.routes.filter((route) => !route.path.endsWith('*')).map((route) => `${route.method.toLowerCase()} ${openApiPath(route.path)}`);
        // The org's routes under /o/default (the document's second server) are those at the root, but for the server-wide ones.
        const underOrg = handlers.filter((route) => route.includes(' /o/default')).map((route) => route.replace(/ \/o\/default\/?/, ' /'));
        const atRoot = handlers.filter((route) => !route.includes(' /o/default'));
        const mounted = new Set(atRoot);
        expect(new Set(underOrg)).toEqual(new Set(atRoot.filter((route) => !/ \/(healthz|readyz|api\/orgs|api\/openapi\.json)$/.test(route))));
        const response = await app.request('/api/openapi.json', { headers: { Host: '127.0.0.1:1', Authorization: 'Bearer a-token-of-sixteen-chars' } });
        const document = (await response.json()) as Document;
        const described = new Set<string>();
        for (const [path, methods] of Object.entries(document.paths)) {
          // `/mcp` takes every method (the MCP transport's GET, POST and DELETE): Hono mounts it as ALL.
          if (path === '/mcp') described.add('all /mcp');
          else for (const method of Object.keys(methods).filter((key) => ['get', 'post', 'put', 'delete', 'patch'].includes(key))) described.add(`${method} ${path}`);
        }
        expect([...described].sort()).toEqual([...mounted].sort());
        expect(described.has('all /mcp')).toBe(mcp !== undefined);
      }
    } finally {
      await dashboard.close();
    }
  });

  test("each route's parameters and body come from the schemas that validate it: what the document requires, the server refuses without", async () => {
    const server = await serveOrg(defaultOrg());
    const document = await documentOf(server.base, server.token);
    const send = document.paths['/api/send']?.post?.requestBody as { content: { 'application/json': { schema: { required: string[]; properties: Record<string, unknown> } } } };
    expect(send.content['application/json'].schema.required.sort()).toEqual(['body', 'to']);
    expect(Object.keys(send.content['application/json'].schema.properties).sort()).toEqual(['body', 'cc', 'priority', 'reply_to', 'subject', 'to']);
    const refused = await fetch(`${server.base}/api/send`, { method: 'POST', headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ body: 'Hello' }) });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ error: 'bad-request', field: 'to', message: 'to is required: a name, or a list of names, for example "to": "manager" or "to": ["manager", "hr"]' });
    expect(document.paths['/api/messages']?.get?.parameters?.map((parameter) => parameter.name).sort()).toEqual(['agent', 'from', 'limit', 'offset', 'priority', 'subject', 'to', 'turn', 'turn_from', 'turn_to']);
    // The probes are public: the document says so.
    expect(document.paths['/healthz']?.get?.security).toEqual([]);
  });
});
