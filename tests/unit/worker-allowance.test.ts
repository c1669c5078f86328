import { describe, expect, test } from 'vitest';
import type { McpServerConfig, ModelEntry } from '../../src/org/schema.js';
import { decideMcpServer, decideModel, describeAllowance, type WorkerAllowance } from '../../src/queue/worker-allowance.js';

const NO_FLAGS: WorkerAllowance = { models: [], mcpServers: [] };
const PRICES = { input_price: 1, output_price: 1, context_window: 32_000 };
const entry = (fields: Record<string, unknown>): ModelEntry => ({ ...PRICES, ...fields }) as ModelEntry;
const served = { serve: true };

describe('what a worker serves of the queues anyone can publish', () => {
  test('with no flags: the offline model and the vendors at their own URLs; nothing that runs a program or sends the key elsewhere', () => {
    const decide = (fields: Record<string, unknown>) => decideModel(NO_FLAGS, { modelKey: 'm', entry: entry(fields) });
    expect(decide({ provider: 'offline', model: 'offline-1' })).toEqual(served);
    expect(decide({ provider: 'openai', model: 'gpt-4o-mini' })).toEqual(served);
    expect(decide({ provider: 'openai', model: 'gpt-4o-mini', base_url: 'https://api.openai.com/v1/' })).toEqual(served);
    expect(decide({ provider: 'anthropic', model: 'claude', base_url: 'https://api.anthropic.com' })).toEqual(served);
    expect(decide({ provider: 'anthropic', model: 'claude', base_url: 'https://api.anthropic.com.evil.example' })).toMatchObject({ refused: expect.stringContaining('the key in ANTHROPIC_API_KEY to "https://api.anthropic.com.evil.example"') });
    expect(decide({ provider: 'openai-compatible', model: 'llama', base_url: 'http://169.254.169.254/v1' })).toMatchObject({ refused: expect.stringMatching(/^its entry sends calls to "http:\/\/169\.254\.169\.254\/v1", not to a vendor's own API; .* --models m /) });
    expect(decide({ provider: 'http', url: 'http://x.example/agent', headers: { Authorization: 'AGENT_TOKEN' } })).toMatchObject({ refused: expect.stringContaining('posts calls to "http://x.example/agent" with the values of AGENT_TOKEN') });
    expect(decide({ provider: 'command', command: 'sh' })).toMatchObject({ refused: expect.stringContaining('runs the program "sh"') });
    // A vendor's own URL, but the value of another variable sent as its key: a vendor's error quotes part of a key it refused, and the failure is kept in Redis.
    expect(decide({ provider: 'openai', model: 'gpt-4o-mini', api_key_env: 'OPENAI_API_KEY' })).toEqual(served);
    expect(decide({ provider: 'openai', model: 'gpt-4o-mini', api_key_env: 'AWS_SECRET_ACCESS_KEY' })).toMatchObject({
      refused: expect.stringMatching(/^its entry sends the value of AWS_SECRET_ACCESS_KEY as its key to https:\/\/api\.openai\.com\/v1, where openai's key is OPENAI_API_KEY; .* --models m /),
    });
    expect(decide({ provider: 'anthropic', model: 'claude', api_key_env: 'GITHUB_TOKEN' })).toMatchObject({ refused: expect.stringContaining('the value of GITHUB_TOKEN as its key') });
    expect(decide({ provider: 'constructor' })).toMatchObject({ refused: expect.stringContaining('provider "constructor" is not one a worker serves unasked') });
    expect(decideModel(NO_FLAGS, { modelKey: 'm', entry: null as unknown as ModelEntry })).toMatchObject({ refused: expect.stringContaining('not a registry entry') });
  });

  test('--models serves the keys it names whatever their entry, and leaves the others to other workers without refusing them', () => {
    const allowance: WorkerAllowance = { models: ['agent'], mcpServers: [] };
    expect(decideModel(allowance, { modelKey: 'agent', entry: entry({ provider: 'command', command: 'sh' }) })).toEqual(served);
    expect(decideModel(allowance, { modelKey: 'offline', entry: entry({ provider: 'offline' }) })).toEqual({ serve: false, notNamed: true });
  });

  test('--org serves a key it declares only as declared, and the safe entries besides', () => {
    const declared = entry({ provider: 'command', command: './bin/agent.sh', args: ['--json'] });
    const allowance: WorkerAllowance = { models: [], mcpServers: [], org: { folder: '/srv/org', models: { agent: declared }, mcpServers: {} } };
    // Another order of the same fields is the same entry.
    expect(decideModel(allowance, { modelKey: 'agent', entry: { args: ['--json'], ...declared } })).toEqual(served);
    expect(decideModel(allowance, { modelKey: 'agent', entry: { ...declared, args: ['--other'] } })).toMatchObject({ refused: expect.stringContaining('differs from models.agent in /srv/org/org/org.yaml (--org)') });
    expect(decideModel({ ...allowance, models: ['agent'] }, { modelKey: 'agent', entry: { ...declared, args: ['--other'] } })).toMatchObject({ refused: expect.any(String) });
    expect(decideModel(allowance, { modelKey: 'gpt', entry: entry({ provider: 'openai', model: 'gpt-4o-mini' }) })).toEqual(served);
  });

  test('MCP servers: none with no flags; --mcp-servers names them; --org pins them', () => {
    const config: McpServerConfig = { command: 'npx', args: ['server'], env: [], timeout_ms: 20_000, idempotent: false };
    expect(decideMcpServer(NO_FLAGS, { server: 'files', config })).toMatchObject({ refused: expect.stringContaining('runs the command "npx" on this machine; a worker runs an MCP server only when its operator names it: start it with --mcp-servers files') });
    expect(decideMcpServer(NO_FLAGS, { server: 'web', config: { url: 'http://10.0.0.1/mcp', headers: { authorization: 'KEY' }, timeout_ms: 1, idempotent: false } as McpServerConfig })).toMatchObject({ refused: expect.stringContaining('reaches "http://10.0.0.1/mcp" from this machine with the values of KEY') });
    expect(decideMcpServer({ models: [], mcpServers: ['files'] }, { server: 'files', config })).toEqual(served);
    const org: WorkerAllowance = { models: [], mcpServers: [], org: { folder: '/srv/org', models: {}, mcpServers: { files: config } } };
    expect(decideMcpServer(org, { server: 'files', config })).toEqual(served);
    expect(decideMcpServer(org, { server: 'files', config: { ...config, command: 'sh' } })).toMatchObject({ refused: expect.stringContaining('differs from mcp_servers.files') });
  });
});

describe("what a worker's first log line says it serves", () => {
  test('--models says it trusts whatever entry is published under the keys it names, and how to pin them; with --org, that they are pinned', () => {
    expect(describeAllowance({ models: ['agent'], mcpServers: [] })).toBe(
      "serves models agent whatever entry a queue publishes under those keys (anyone who can write to the Redis chooses it; --org FOLDER serves a key only as that org's org.yaml declares it); runs no MCP server (name them with --mcp-servers)",
    );
    const declared = entry({ provider: 'command', command: './bin/agent.sh' });
    expect(describeAllowance({ models: ['agent'], mcpServers: [], org: { folder: '/srv/org', models: { agent: declared }, mcpServers: {} } })).toBe(
      'serves models agent (those /srv/org/org/org.yaml declares, only as declared there); runs the MCP servers /srv/org/org/org.yaml declares, as declared there',
    );
  });
});
