import type { z as Zod } from 'zod';

/** What `org.yaml` `notify:` entries can be told of. */
export const NOTIFY_EVENTS = ['human-message', 'proposal', 'agent-held', 'run-error', 'budget', 'loop'] as const;

/**
 * What an org reaches outside itself (org.yaml `web`, `mcp_servers`, `notify`): the pages fetch_url
 * may read, the MCP servers its agents' tools come from, and the webhooks that tell a person what
 * needs them. Built by schema.ts's `buildSchemas` with its zod and its rule of an environment
 * variable's name (`envName`: secrets are named, never written in the file); kept here so that file
 * stays one list of the org's files. Comments on the fields are what docs/org-files.md says of them
 * (`npm run docs` reads this file too).
 */
export function buildOutsideSchemas(z: typeof Zod, envName: Zod.ZodString) {
  const nonNegativeInt = z.number().int().min(0);
  const positiveInt = z.number().int().min(1);

  /** A host an agent may fetch (`docs.python.org`, `*.python.org`, `127.0.0.1:8080`) or a URL prefix (`https://api.github.com/repos/`). */
  const webEntry = z.string().min(1).max(2048).regex(/^(https?:\/\/\S+|[A-Za-z0-9*.:[\]-]+)$/, 'must be a host like docs.python.org (or *.python.org, 127.0.0.1:8080) or a URL prefix like https://api.github.com/repos/');
  /** What fetch_url may reach: nothing unless listed. */
  const webSettingsSchema = z.strictObject({
    /** Hosts (`docs.python.org`, `*.python.org`, `127.0.0.1:8080`) or URL prefixes (`https://api.github.com/repos/`) fetch_url may reach; nothing unless listed. */
    allow: z.array(webEntry).default([]),
    /** Read of one page, in bytes. */
    max_bytes: positiveInt.max(50 * 1024 * 1024).default(2 * 1024 * 1024),
    /** One fetch, redirects included, in milliseconds. */
    timeout_ms: positiveInt.max(600_000).default(20_000),
  });

  const mcpCommon = {
    /** Milliseconds for start-up and for each call. */
    timeout_ms: positiveInt.default(30_000),
    /** Its tools may safely run twice (a crash between running one and journaling its result runs it again). */
    idempotent: z.boolean().default(false),
  };
  /** A server the engine starts as a child process and speaks to over stdin/stdout. */
  const mcpStdioSchema = z.strictObject({
    /** The program that serves MCP on stdin/stdout, found on PATH. */
    command: z.string().min(1),
    /** Its arguments. */
    args: z.array(z.string()).default([]),
    /** Variables passed on to it by name (their values are secrets). */
    env: z.array(envName).default([]),
    /** The folder it starts in. */
    cwd: z.string().min(1).optional(),
    ...mcpCommon,
  });
  /** A server reached over streamable HTTP; header values come from environment variables, never the file. */
  const mcpHttpSchema = z.strictObject({
    /** Where the server is. */
    url: z.string().url(),
    /** Header name to the environment variable holding its value. */
    headers: z.record(z.string().min(1), envName).default({}),
    ...mcpCommon,
  });

  /** A person told of what needs them, by a webhook: its URL (and headers) come from environment variables, never the file. */
  const notifySchema = z.strictObject({
    /** The environment variable holding the URL (a Slack webhook's URL is itself a secret). */
    url_env: envName,
    /** `json`: lemming's own payload; `slack`: `{text, blocks}`, as Slack's incoming webhooks take it. */
    format: z.enum(['json', 'slack']).default('json'),
    /** The events that are told: a message to the human, a proposal, an agent held, a run's error, a share of a budget passed (`budget`), a loop seen by a circuit breaker (`loop`). */
    on: z.array(z.enum(NOTIFY_EVENTS)).min(1).default([...NOTIFY_EVENTS]),
    /** Header name to the environment variable holding its value. */
    headers: z.record(z.string().min(1), envName).default({}),
    /** Attempts after the first, with backoff (1 s, 2 s, 4 s ...). */
    retries: nonNegativeInt.default(3),
    /** One delivery, in milliseconds. */
    timeout_ms: positiveInt.default(10_000),
  });

  return { webEntry, webSettingsSchema, mcpStdioSchema, mcpHttpSchema, notifySchema };
}
