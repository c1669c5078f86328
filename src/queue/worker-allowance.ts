import { isDeepStrictEqual } from 'node:util';
import type { McpServerConfig, ModelEntry } from '../org/schema.js';
import { keyVariableFor } from '../org/org-secrets.js';
import { VENDOR_URLS } from '../providers/reachability.js';
import type { PublishedMcpServer, PublishedModel } from './queue-keys.js';

/**
 * What a worker's operator allows it to run, beyond what is safe for any queue to ask: the
 * worker's machine decides what runs there and where its keys go; a queue only asks. Anyone who
 * can write to the Redis can publish a queue, so a published entry is a request, not an order.
 */
export interface WorkerAllowance {
  /** `--models a,b`: the registry keys it serves, whatever their entry (an agent program, another `base_url`); empty: every key, the safe entries only. */
  models: readonly string[];
  /** `--mcp-servers a,b`: the MCP servers it runs, whatever their declaration; empty: none, unless `--org` declares them. */
  mcpServers: readonly string[];
  /** `--org <folder>`: that org's entries and servers, served when a queue publishes them exactly as its org.yaml declares them. */
  org?: {
    /** The folder, as the log names it. */
    folder: string;
    models: Readonly<Record<string, ModelEntry>>;
    mcpServers: Readonly<Record<string, McpServerConfig>>;
  };
}

/** What a worker does with a published queue: serve it, leave it to others (not a key it was told to serve), or refuse it, saying why. */
export type QueueDecision = { serve: true } | { serve: false; notNamed: true } | { serve: false; refused: string };

const SERVE: QueueDecision = { serve: true };
const NOT_NAMED: QueueDecision = { serve: false, notNamed: true };

/**
 * Whether a worker serves a published model queue. By default only an entry that sends nothing
 * anywhere but the vendor: the offline model, and `openai` or `anthropic` at the vendor's own URL
 * with the vendor's own key variable (`api_key_env` naming another sends that variable's value).
 * An agent program, an HTTP agent, or any other `base_url` (where the worker's key, or its
 * network's reach, would go) is served only when the operator names the key (`--models`) or the
 * worker's `--org` declares exactly that entry. Pure.
 */
export function decideModel(allowance: WorkerAllowance, published: PublishedModel): QueueDecision {
  const org = allowance.org && { folder: allowance.org.folder, declared: allowance.org.models };
  return decide(MODEL_WORDS, allowance.models, published.modelKey, published.entry, org, modelRisk(published.entry));
}

/**
 * Whether a worker runs a published MCP server. A server runs a command on the worker's machine,
 * or reaches a URL from it with the worker's header values: never by default, only when the
 * operator names it (`--mcp-servers`) or the worker's `--org` declares exactly that server. Pure.
 */
export function decideMcpServer(allowance: WorkerAllowance, published: PublishedMcpServer): QueueDecision {
  const org = allowance.org && { folder: allowance.org.folder, declared: allowance.org.mcpServers };
  return decide(MCP_WORDS, allowance.mcpServers, published.server, published.config, org, mcpRisk(published.config));
}

/** How a refusal names what it refused, a model entry or an MCP server. */
interface Words {
  declaration: string;
  field: string;
  verb: string;
  such: string;
  flag: string;
  one: string;
}

const MODEL_WORDS: Words = { declaration: 'entry', field: 'models', verb: 'serves', such: 'such an entry', flag: '--models', one: 'entry' };
const MCP_WORDS: Words = { declaration: 'declaration', field: 'mcp_servers', verb: 'runs', such: 'an MCP server', flag: '--mcp-servers', one: 'server' };

/**
 * The one rule for both: a name the operator's list leaves out is another worker's; one `--org` declares is
 * served exactly as declared; one the list names is served; else only what has no `risk`.
 */
function decide<T>(words: Words, named: readonly string[], name: string, given: T, org: { folder: string; declared: Readonly<Record<string, T>> } | undefined, risk: string | undefined): QueueDecision {
  if (named.length > 0 && !named.includes(name)) return NOT_NAMED;
  if (org && Object.hasOwn(org.declared, name)) {
    if (isDeepStrictEqual(given, org.declared[name])) return SERVE;
    return { serve: false, refused: `its ${words.declaration} differs from ${words.field}.${name} in ${org.folder}/org/org.yaml (--org): this worker ${words.verb} ${name} only as that org declares it` };
  }
  if (named.includes(name) || risk === undefined) return SERVE;
  return { serve: false, refused: `${risk}; a worker ${words.verb} ${words.such} only when its operator names it: start it with ${words.flag} ${name} (or --org with a folder whose org.yaml declares this ${words.one})` };
}

/** What a worker serves, as its first log line says it. Pure. */
export function describeAllowance(allowance: WorkerAllowance): string {
  const org = allowance.org ? ` and the entries of ${allowance.org.folder}/org/org.yaml as declared there` : '';
  const models =
    allowance.models.length > 0
      ? `serves models ${allowance.models.join(', ')}${
          allowance.org
            ? ` (those ${allowance.org.folder}/org/org.yaml declares, only as declared there)`
            : " whatever entry a queue publishes under those keys (anyone who can write to the Redis chooses it; --org FOLDER serves a key only as that org's org.yaml declares it)"
        }`
      : `serves every model an engine asks for whose entry sends nothing but to a vendor's own API (the offline model; openai and anthropic at their own URLs)${org}; ` +
        'an agent program, an HTTP agent or another base_url only when named with --models';
  const servers =
    allowance.mcpServers.length > 0
      ? `runs MCP servers ${allowance.mcpServers.join(', ')}`
      : allowance.org
        ? `runs the MCP servers ${allowance.org.folder}/org/org.yaml declares, as declared there`
        : 'runs no MCP server (name them with --mcp-servers)';
  return `${models}; ${servers}`;
}

/** What an entry would make the worker do beyond asking a vendor with its own key, or undefined when nothing. */
function modelRisk(entry: ModelEntry): string | undefined {
  // Read from Redis, which others can write: anything at all.
  if (typeof entry !== 'object' || entry === null) return 'its entry is not a registry entry';
  const provider: unknown = entry.provider;
  if (provider === 'offline') return undefined;
  if (provider === 'command') return `its entry runs the program ${JSON.stringify(entry.command)} on this machine`;
  if (provider === 'http') return `its entry posts calls to ${JSON.stringify(entry.url)}${headersNamed(entry.headers)}`;
  if (typeof provider === 'string' && Object.hasOwn(VENDOR_URLS, provider)) {
    const vendor = VENDOR_URLS[provider] as string;
    if (entry.base_url === undefined || sameUrl(entry.base_url, vendor)) return keyRisk(entry, vendor);
  }
  if (typeof entry.base_url !== 'string') return `its entry's provider ${JSON.stringify(provider)} is not one a worker serves unasked`;
  const key = keyVariableFor(entry);
  return `its entry sends calls${key === undefined ? '' : ` and the key in ${key}`} to ${JSON.stringify(entry.base_url)}, not to a vendor's own API`;
}

/**
 * What an entry at a vendor's own URL would send as its key beyond the vendor's own variable
 * (`api_key_env` naming any other): that variable's value, to the vendor, whose error on a key it
 * refuses quotes part of it, a failure the worker keeps in Redis for whoever published the queue.
 */
function keyRisk(entry: ModelEntry, vendor: string): string | undefined {
  const own = keyVariableFor({ ...entry, api_key_env: undefined });
  const sent = keyVariableFor(entry);
  if (sent === undefined || sent === own) return undefined;
  return `its entry sends the value of ${sent} as its key to ${vendor}, where ${String(entry.provider)}'s key is ${own ?? 'none'}`;
}

/** What running an MCP server means for this machine, in a few words. */
function mcpRisk(config: McpServerConfig): string {
  if (typeof config === 'object' && config !== null && 'command' in config) return `it runs the command ${JSON.stringify(config.command)} on this machine`;
  const url = (config as { url?: unknown } | null)?.url;
  return `it reaches ${JSON.stringify(url)} from this machine${headersNamed((config as { headers?: Record<string, string> } | null)?.headers)}`;
}

function headersNamed(headers: Readonly<Record<string, string>> | undefined): string {
  const variables = Object.values(headers ?? {});
  return variables.length === 0 ? '' : ` with the values of ${variables.join(', ')}`;
}

/** The vendor's own URL, written with or without a trailing slash. */
function sameUrl(url: string, vendor: string): boolean {
  return url.replace(/\/+$/, '') === vendor;
}
