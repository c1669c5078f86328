import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { Ajv2020 } from 'ajv/dist/2020.js';
import openapiTS, { astToString } from 'openapi-typescript';
import { describe, expect, test } from 'vitest';
import { newToken } from '../../src/web/access/access-token.js';
import { startWebServer } from '../../src/web/server.js';
import { defaultOrg, humanSends, REPO_ROOT, runEngine, tempDir } from '../helpers/temp-org.js';
import { serveOrg } from '../web/web-server.js';

/*
 * What a program that knows lemming only by its OpenAPI document sees: the document passes two
 * independent checkers, a client generated from it types the answers, and what the server really
 * answers is what the document says it answers.
 */

type Json = Record<string, unknown>;
interface Operation {
  operationId?: string;
  responses: Record<string, { headers?: Json; content?: Record<string, { schema?: Json }> }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components?: Json;
}

const METHODS = ['get', 'post', 'put', 'delete', 'patch'];

async function documentOf(server: { base: string; token: string }): Promise<Document> {
  const response = await fetch(`${server.base}/api/openapi.json`, { headers: { Authorization: `Bearer ${server.token}` } });
  expect(response.status).toBe(200);
  return (await response.json()) as Document;
}

/** The JSON Schema the document gives for an answer, with the document's components beside it for its `$ref`s. */
function answerSchema(document: Document, method: string, path: string, status: number): Json {
  const operation = document.paths[path]?.[method];
  if (!operation) throw new Error(`the document has no ${method.toUpperCase()} ${path}`);
  const schema = operation.responses[String(status)]?.content?.['application/json']?.schema;
  if (!schema) throw new Error(`the document gives no JSON schema for ${method.toUpperCase()} ${path} ${status} (it has ${Object.keys(operation.responses).join(', ')})`);
  return schema;
}

/** Checks answers against the document's schemas, as an independent client would. */
function answerChecker(document: Document) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  // The document's components, so a `$ref: #/components/schemas/…` resolves as it does in the document.
  ajv.addSchema({ $id: 'lemming-openapi', components: document.components ?? {} } as Json);
  return (method: string, path: string, status: number, body: unknown): string[] => {
    const schema = JSON.parse(JSON.stringify(answerSchema(document, method, path, status)).replaceAll('"#/components/', '"lemming-openapi#/components/')) as Json;
    const validate = ajv.compile(schema);
    return validate(body) ? [] : (validate.errors ?? []).map((error) => `${method.toUpperCase()} ${path} ${status}: ${error.instancePath || '(body)'} ${error.message ?? ''} ${JSON.stringify(error.params)}`);
  };
}

describe('the OpenAPI document, as tools outside lemming read it', () => {
  test('passes swagger-parser and redocly (recommended rules: no errors), and every operation has a unique operationId', async () => {
    const server = await serveOrg(defaultOrg());
    const document = await documentOf(server);
    // swagger-parser resolves the document in place: it gets a copy.
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeDefined();
    const problems = await lintFromString({ source: JSON.stringify(document), absoluteRef: join(tempDir(), 'openapi.json'), config: await createConfig({ extends: ['recommended'] }) });
    const errors = problems.filter((problem) => problem.severity === 'error').map((problem) => `${problem.ruleId}: ${problem.message} at ${problem.location[0]?.pointer ?? '?'}`);
    expect(errors).toEqual([]);
    const ids = Object.values(document.paths).flatMap((item) => METHODS.filter((method) => item[method]).map((method) => item[method]?.operationId));
    expect(ids.filter((id) => typeof id !== 'string')).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  test('a client generated from it (openapi-typescript) types the answers and the numeric query parameters', async () => {
    const server = await serveOrg(defaultOrg());
    const document = await documentOf(server);
    const folder = tempDir();
    writeFileSync(join(folder, 'lemming-api.ts'), astToString(await openapiTS(document as never)));
    // Each line compiles only if the answer is typed (a field of `unknown` is an error) and the page's numbers are numbers.
    writeFileSync(
      join(folder, 'usage.ts'),
      [
        "import type { operations } from './lemming-api.js';",
        "type Answer<Id extends keyof operations, Status extends keyof operations[Id]['responses']> = operations[Id]['responses'][Status] extends { content: { 'application/json': infer Body } } ? Body : never;",
        "declare const status: Answer<'getStatus', 200>;",
        'export const turn: number = status.turn;',
        'export const firstAgent: string | undefined = status.agents[0]?.name;',
        "declare const page: Answer<'listMessages', 200>;",
        'export const total: number = page.total;',
        'export const firstSubject: string | undefined = page.messages[0]?.subject;',
        "declare const sent: Answer<'sendMessage', 201>;",
        'export const sentId: string = sent.id;',
        "declare const agent: Answer<'getAgent', 200>;",
        'export const resumeText: string = agent.resume.text;',
        "declare const refused: Answer<'sendMessage', 400>;",
        'export const code: string = refused.error;',
        "declare const missing: Answer<'getAgent', 404>;",
        'export const why: string = missing.message;',
        "type MessagesQuery = NonNullable<operations['listMessages']['parameters']['query']>;",
        "export const query: MessagesQuery = { limit: 10, offset: 0, turn_from: 2, priority: 'urgent' };",
        '// @ts-expect-error a page size is a number, not a string',
        "export const wrongLimit: MessagesQuery = { limit: '10' };",
        '// @ts-expect-error a priority is one of the four',
        "export const wrongPriority: MessagesQuery = { priority: 'whenever' };",
        '',
      ].join('\n'),
    );
    writeFileSync(join(folder, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, noUncheckedIndexedAccess: true, target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext', types: [] }, files: ['usage.ts'] }));
    const tsc = spawnSync(
      process.execPath,
      [join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', join(folder, 'tsconfig.json')],
      { encoding: 'utf8', cwd: folder },
    );
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  });

  test('what the server answers, success and error, is what the document says for that status', async () => {
    const root = defaultOrg();
    humanSends(root, 'manager', 'Please plan the release', 'Release');
    await runEngine(root, { maxTurns: 3 });
    const server = await serveOrg(root);
    const document = await documentOf(server);
    const check = answerChecker(document);
    const auth = { Authorization: `Bearer ${server.token}` };
    const get = async (path: string): Promise<{ status: number; body: unknown }> => {
      const response = await fetch(`${server.base}${path}`, { headers: auth });
      return { status: response.status, body: await response.json() };
    };
    const post = async (path: string, body: unknown): Promise<{ status: number; body: unknown }> => {
      const response = await fetch(`${server.base}${path}`, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      return { status: response.status, body: await response.json() };
    };
    const problems: string[] = [];
    const expectAnswer = async (method: 'get' | 'post', path: string, asked: Promise<{ status: number; body: unknown }>, status: number): Promise<unknown> => {
      const answer = await asked;
      expect(answer.status, `${method} ${path}: ${JSON.stringify(answer.body)}`).toBe(status);
      problems.push(...check(method, path, status, answer.body));
      return answer.body;
    };
    const sent = (await expectAnswer('post', '/api/send', post('/api/send', { to: 'manager', body: 'And the notes, please', priority: 'high' }), 201)) as { id: string };
    await expectAnswer('post', '/api/send', post('/api/send', { body: 'to nobody' }), 400);
    await expectAnswer('get', '/healthz', get('/healthz'), 200);
    await expectAnswer('get', '/readyz', get('/readyz'), 200);
    await expectAnswer('get', '/api/orgs', get('/api/orgs'), 200);
    await expectAnswer('get', '/api/status', get('/api/status'), 200);
    await expectAnswer('get', '/api/agents', get('/api/agents'), 200);
    // This org keeps its history, as new orgs do: a turn it holds is shown, one it does not is 404, a change asked at one 409.
    await expectAnswer('get', '/api/turns', get('/api/turns'), 200);
    await expectAnswer('get', '/api/chart', get('/api/chart?turn=0'), 200);
    await expectAnswer('get', '/api/chart', get('/api/chart?turn=99'), 404);
    await expectAnswer('get', '/api/chart', get('/api/chart?turn=soon'), 400);
    await expectAnswer('post', '/api/send', post('/api/send?turn=0', { to: 'manager', body: 'into the past' }), 409);
    await expectAnswer('get', '/api/agents/{name}', get('/api/agents/manager'), 200);
    await expectAnswer('get', '/api/agents/{name}', get('/api/agents/nobody'), 404);
    await expectAnswer('get', '/api/chart', get('/api/chart'), 200);
    await expectAnswer('get', '/api/messages', get('/api/messages?limit=5'), 200);
    await expectAnswer('get', '/api/messages', get('/api/messages?limit=many'), 400);
    await expectAnswer('get', '/api/messages/{id}', get(`/api/messages/${sent.id}`), 200);
    await expectAnswer('get', '/api/threads/{id}', get(`/api/threads/${sent.id}`), 200);
    await expectAnswer('get', '/api/requests', get('/api/requests'), 200);
    await expectAnswer('get', '/api/search', get('/api/search?q=release'), 200);
    await expectAnswer('get', '/api/ledger', get('/api/ledger'), 200);
    // A chart's spec is JSON; its SVG is refused as JSON when the agent is unknown.
    await expectAnswer('get', '/api/charts/credits-by-turn.vl.json', get('/api/charts/credits-by-turn.vl.json'), 200);
    await expectAnswer('get', '/api/agents/{name}/credits.vl.json', get('/api/agents/manager/credits.vl.json?turn=1'), 200);
    await expectAnswer('get', '/api/agents/{name}/credits.svg', get('/api/agents/nobody/credits.svg'), 404);
    const traces = (await expectAnswer('get', '/api/traces/{agent}', get('/api/traces/manager'), 200)) as { turns: number[] };
    expect(traces.turns.length).toBeGreaterThan(0);
    await expectAnswer('get', '/api/traces/{agent}/{turn}', get(`/api/traces/manager/${traces.turns[0]}`), 200);
    await expectAnswer('get', '/api/proposals', get('/api/proposals'), 200);
    await expectAnswer('post', '/api/proposals/{id}/approve', post('/api/proposals/000099-hr-001/approve', {}), 404);
    await expectAnswer('get', '/api/inbox', get('/api/inbox'), 200);
    await expectAnswer('post', '/api/inbox/read', post('/api/inbox/read', { ids: ['000099-nobody-001'] }), 200);
    await expectAnswer('post', '/api/top-up', post('/api/top-up', { agent: 'planner', credits: 0.5 }), 201);
    const unauthorized = await fetch(`${server.base}/api/status`);
    problems.push(...check('get', '/api/status', 401, await unauthorized.json()));
    expect(problems).toEqual([]);
  });

  test('a 401 says how to authenticate (WWW-Authenticate: Bearer), on the API and on the MCP endpoint, and the document says so', async () => {
    const token = newToken();
    const server = await startWebServer({ root: defaultOrg(), host: '127.0.0.1', port: 0, token, mcp: async () => new Response('{}', { headers: { 'Content-Type': 'application/json' } }) });
    try {
      const base = `http://127.0.0.1:${server.port}`;
      for (const [method, path] of [['GET', '/api/status'], ['POST', '/mcp'], ['GET', '/o/default/api/agents']] as const) {
        const response = await fetch(`${base}${path}`, { method, headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' }, ...(method === 'POST' ? { body: '{"jsonrpc":"2.0","id":1,"method":"initialize"}' } : {}) });
        expect(response.status, `${method} ${path}`).toBe(401);
        expect(response.headers.get('www-authenticate'), `${method} ${path}`).toMatch(/^Bearer\b/);
        // lemming's own sentence stays the body: the Inspector shows it rather than starting OAuth.
        expect(((await response.json()) as { message: string }).message).toContain('Authorization: Bearer');
      }
      const document = (await (await fetch(`${base}/api/openapi.json`, { headers: { Authorization: `Bearer ${token}` } })).json()) as Document;
      for (const [path, item] of Object.entries(document.paths)) {
        for (const method of METHODS.filter((name) => item[name])) {
          const unauthorized = item[method]?.responses['401'];
          if (path === '/healthz' || path === '/readyz') expect(unauthorized, `${method} ${path}`).toBeUndefined();
          else expect(Object.keys(unauthorized?.headers ?? {}).map((name) => name.toLowerCase()), `${method} ${path}`).toContain('www-authenticate');
        }
      }
    } finally {
      await server.close();
    }
  });
});
