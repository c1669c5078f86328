import { createHash } from 'node:crypto';
import type { McpServerConfig, ModelEntry } from '../org/schema.js';

/** Every key lemming keeps in Redis starts with this; BullMQ's queues too. */
export const KEY_PREFIX = 'lemming';

/** Redis hash: queue name → the registry entry it serves, published by engines so workers can find their queues. */
export const MODELS_KEY = `${KEY_PREFIX}:models`;

/** A registry entry as published in MODELS_KEY. */
export interface PublishedModel {
  modelKey: string;
  entry: ModelEntry;
}

/**
 * The queue of one registry entry. Its rate limits are enforced by BullMQ on the queue, so
 * they hold across every worker; the digest of the entry keeps two orgs that give the same
 * key different models (or different limits) apart. Queue names may not hold ':'.
 */
export function queueNameFor(modelKey: string, entry: ModelEntry): string {
  return digestedQueueName('model', modelKey, entry);
}

/** `<kind>-<name>-<8 hex of the declaration's digest>`: one name per declaration, whichever org gives it. */
function digestedQueueName(kind: 'model' | 'mcp', name: string, declaration: ModelEntry | McpServerConfig): string {
  const digest = createHash('sha256').update(JSON.stringify(declaration)).digest('hex').slice(0, 8);
  return `${kind}-${encodeURIComponent(name)}-${digest}`;
}

/** The heartbeat key of one worker process; it expires when the worker stops refreshing it. */
export function workerKey(workerId: string): string {
  return `${KEY_PREFIX}:worker:${workerId}`;
}

/** The pattern that finds every live worker's heartbeat. */
export const WORKER_KEY_PATTERN = `${KEY_PREFIX}:worker:*`;

/** Redis hash: queue name → the MCP server it serves, published by engines so workers can find their queues. */
export const MCP_SERVERS_KEY = `${KEY_PREFIX}:mcp-servers`;

/** An org's MCP server as published in MCP_SERVERS_KEY: its declaration, which names environment variables but never holds their values. */
export interface PublishedMcpServer {
  server: string;
  config: McpServerConfig;
}

/**
 * The queue of one MCP server: every call to it goes through this one queue, so a worker's
 * `--concurrency` for it holds per server. The digest of the declaration keeps two orgs that
 * give one name different servers apart.
 */
export function mcpQueueNameFor(server: string, config: McpServerConfig): string {
  return digestedQueueName('mcp', server, config);
}
