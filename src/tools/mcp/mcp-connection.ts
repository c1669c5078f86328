import { fileURLToPath } from 'node:url';
import { isAbsolute, join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { McpServerConfig } from '../../org/schema.js';
import type { JsonSchema } from '../../providers/provider.js';
import { bodyCapped, redirectTarget } from '../../providers/response-body.js';
import type { KeyLookup } from '../../secrets/key-lookup.js';
import { tether } from '../../process-tether.js';
import { killQuietly } from '../../process-kill.js';

/** One tool a server offers, as it described it. */
export interface McpTool {
  name: string;
  description: string;
  inputSchema: JsonSchema;
}

/** What a server answered to a call: its content blocks flattened to text, and whether it is an error. */
export interface McpCallResult {
  text: string;
  isError: boolean;
}

/** A started server: list its tools, call them, close it. */
export interface McpConnection {
  tools(): Promise<McpTool[]>;
  call(name: string, args: Record<string, unknown>): Promise<McpCallResult>;
  /** True once the server went away (its process exited, the connection closed): the next use starts it again. */
  readonly closed: boolean;
  close(): Promise<void>;
}

/** Environment variables passed to a stdio server: the SDK's safe defaults plus the names org.yaml lists. */
function serverEnvironment(names: readonly string[], defaults: Record<string, string>, lookup: KeyLookup): Record<string, string> {
  const picked: Record<string, string> = { ...defaults };
  for (const name of names) {
    const value = lookup(name);
    if (value !== undefined) picked[name] = value;
  }
  return picked;
}

/**
 * The most bytes of one answer of a server: the bound the SDK holds a stdio server's message to
 * (STDIO_DEFAULT_MAX_BUFFER_SIZE), over HTTP too, and some 200 times the text a result gives the model (tool-result.ts).
 */
export const MCP_ANSWER_MAX_BYTES = 10 * 1024 * 1024;

/**
 * The fetch an HTTP server's transport uses: a redirect is not followed (response-body.ts,
 * redirectTarget), as a model server's is not, so the calls and the server's `headers:` go to its
 * `url` or nowhere. The SDK on its own follows one within the server's origin, and its `follow`
 * policy (as earlier SDKs did) anywhere, with every header but `authorization`. An answer is read
 * within MCP_ANSWER_MAX_BYTES: the SDK reads a JSON answer whole, and an event stream's event whole.
 * `cutOff` is told of an answer cut there, with the ids of the requests the cut answer was for.
 */
function fetchFollowingNoRedirect(name: string, cutOff: (error: Error, requests: readonly RequestId[]) => void): (input: string | URL, init?: RequestInit) => Promise<Response> {
  return async (input, init) => {
    const response = await fetch(input, { ...init, redirect: 'manual' });
    const target = redirectTarget(response, String(input));
    if (target === undefined) {
      return bodyCapped(response, MCP_ANSWER_MAX_BYTES, () => {
        const error = answerTooLarge(name);
        cutOff(error, requestIds(init?.body));
        return error;
      });
    }
    await response.body?.cancel().catch(() => undefined);
    throw new Error(`it redirected the request (${response.status}) to ${target}; lemming sends a call and its headers only where org.yaml says, so it did not follow: set mcp_servers.${name}.url to where the server points`);
  };
}

/** A JSON-RPC request's id. */
type RequestId = string | number;

/** The ids of the JSON-RPC requests a POST's body (lemming's own, as the SDK wrote it) carries: one message or a batch. Pure. */
function requestIds(body: unknown): RequestId[] {
  if (typeof body !== 'string') return [];
  let sent: unknown;
  try {
    sent = JSON.parse(body);
  } catch {
    return [];
  }
  return (Array.isArray(sent) ? sent : [sent]).flatMap((message: unknown) => {
    const { id, method } = (typeof message === 'object' && message !== null ? message : {}) as { id?: unknown; method?: unknown };
    return typeof method === 'string' && (typeof id === 'string' || typeof id === 'number') ? [id] : [];
  });
}

/** What a call says of an answer cut off past MCP_ANSWER_MAX_BYTES, over HTTP or stdio alike. */
function answerTooLarge(name: string): Error {
  return new Error(`the MCP server ${name} answered more than ${MCP_ANSWER_MAX_BYTES / 1024 / 1024} MiB; lemming read no further`);
}

/** HTTP headers from environment variables; a missing variable is an error that names it, never an empty header. */
function headersFrom(headers: Readonly<Record<string, string>>, lookup: KeyLookup, server: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [header, variable] of Object.entries(headers)) {
    const value = lookup(variable);
    if (value === undefined) {
      throw new Error(`the MCP server ${server} needs the environment variable ${variable} (for its ${header} header); set it in the environment or .env`);
    }
    result[header] = value;
  }
  return result;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms (org.yaml mcp_servers timeout_ms)`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** SIGKILL to a server's process while the transport still holds it (null once it has exited and been reaped). */
function killNow(pid: number | null): void {
  if (pid !== null) killQuietly(pid);
}

/** The text of an MCP result's content blocks; images and binary resources are named, not inlined. */
function contentText(content: unknown): string {
  if (!Array.isArray(content)) return '';
  return content
    .map((block: Record<string, unknown>) => {
      if (block.type === 'text' && typeof block.text === 'string') return block.text;
      if (block.type === 'image' || block.type === 'audio') return `[${String(block.type)}: ${String(block.mimeType)}, ${String(block.data ?? '').length} base64 characters not shown]`;
      if (block.type === 'resource' && block.resource && typeof block.resource === 'object') {
        const resource = block.resource as Record<string, unknown>;
        return typeof resource.text === 'string' ? resource.text : `[resource ${String(resource.uri)} not shown]`;
      }
      if (block.type === 'resource_link') return `[resource link ${String(block.uri)}]`;
      return `[${String(block.type)} content not shown]`;
    })
    .join('\n');
}

/**
 * What a transport error says of a line on a stdio server's standard output that is not MCP (a log
 * line, a banner), or undefined for any other error. The SDK drops such a line and tells only
 * `onerror`; a start that then times out would say nothing of why.
 */
function notMcpLine(error: unknown): string | undefined {
  if (error instanceof SyntaxError) return error.message.slice(0, 200);
  if (error instanceof Error && error.name === 'ZodError') return 'a JSON line that is not a JSON-RPC message';
  return undefined;
}

/** The clause a failure ends with once the server wrote what is not MCP to its standard output. */
function wroteNotMcp(line: string | undefined): string {
  return line === undefined ? '' : `; it wrote to its standard output what is not MCP (${line}): a stdio server writes only MCP messages there, and its logs to stderr`;
}

/** lemming's own entry point, `dist/cli/main.js` (from the built module beside it, or, under the tests, from the build). */
function lemmingMain(): string {
  const main = new URL('../../cli/main.js', import.meta.url);
  return fileURLToPath(import.meta.url.endsWith('.ts') ? main.href.replace(/\/src\/cli\/main\.js$/, '/dist/cli/main.js') : main);
}

/**
 * The program to start for a server's `command`: `lemming` is this lemming (this Node and its own
 * entry point, whatever PATH holds), so `command: lemming, args: [example-tools]` runs anywhere lemming does.
 */
function serverCommand(command: string, args: readonly string[] | undefined): { command: string; args: string[] } {
  if (command === 'lemming') return { command: process.execPath, args: [lemmingMain(), ...(args ?? [])] };
  return { command, args: [...(args ?? [])] };
}

/**
 * Start a server declared in org.yaml and connect to it with the official MCP client, with the
 * values of the variables it names found by `lookup` (the environment, then the root's `.env`;
 * each one registered as a secret). Start-up is bounded by `timeout_ms` (a stdio server not started by
 * then is killed, not waited for); so is every call. The
 * SDK is loaded here, on first use, so commands that use no MCP server never load it.
 */
export async function connectMcpServer(name: string, config: McpServerConfig, root: string, lookup: KeyLookup): Promise<McpConnection> {
  const { Client } = await import('@modelcontextprotocol/sdk/client/index.js');
  const client: Client = new Client({ name: 'lemming', version: '1' });
  let closed = false;
  let stderrTail = '';
  let notMcp: string | undefined;
  let transport;
  let stdioPid: (() => number | null) | undefined;
  // The last answer cut off past MCP_ANSWER_MAX_BYTES, and how many were: a request's failure meanwhile is said as the cut.
  let cutOff: { error?: Error; count: number } = { count: 0 };
  if ('command' in config) {
    const { StdioClientTransport, getDefaultEnvironment } = await import('@modelcontextprotocol/sdk/client/stdio.js');
    const cwd = config.cwd === undefined ? root : isAbsolute(config.cwd) ? config.cwd : join(root, config.cwd);
    const { command, args } = serverCommand(config.command, config.args);
    // The SDK's stdio reader holds a message to its default bound, MCP_ANSWER_MAX_BYTES, and closes the connection past it.
    const stdio = new StdioClientTransport({ command, args, env: serverEnvironment(config.env, getDefaultEnvironment(), lookup), cwd, stderr: 'pipe' });
    // Its last words explain a failed start better than "connection closed".
    stdio.stderr?.on('data', (chunk: Buffer) => {
      stderrTail = (stderrTail + chunk.toString('utf8')).slice(-1_000);
    });
    transport = stdio;
    stdioPid = () => stdio.pid;
  } else {
    const { StreamableHTTPClientTransport } = await import('@modelcontextprotocol/sdk/client/streamableHttp.js');
    const http = new StreamableHTTPClientTransport(new URL(config.url), {
      requestInit: { headers: headersFrom(config.headers, lookup, name) },
      fetch: fetchFollowingNoRedirect(name, (error, requests) => {
        cutOff = { error, count: cutOff.count + 1 };
        // The SDK takes an event stream's error for a disconnection and leaves its requests waiting, to their timeout_ms:
        // each request the cut answer was for is answered with the failure now (one already answered ignores it).
        for (const id of requests) http.onmessage?.({ jsonrpc: '2.0', id, error: { code: -32603, message: error.message } });
      }),
    });
    transport = http;
  }
  // The server is tied to this process once started (process-tether.ts): lemming killed, even by SIGKILL, takes it with it.
  let untie: () => void = () => undefined;
  client.onclose = () => {
    closed = true;
    untie();
  };
  if ('command' in config) {
    client.onerror = (error) => {
      // What follows a cut answer is the rest of it, not a line of the server's own: said as the cut alone.
      if (!closed) notMcp = notMcpLine(error) ?? notMcp;
      // Said by the SDK's stdio reader (shared/stdio.js, ReadBuffer) as it closes the connection: its calls fail "Connection closed".
      if (error.message.startsWith('ReadBuffer exceeded maximum size')) {
        cutOff = { error: answerTooLarge(name), count: cutOff.count + 1 };
        // Closed from here, and the server stopped at once: the SDK's own close ends its stdin and waits 2 s (then SIGTERM, 2 s) for a
        // server still writing the rest, and a call made meanwhile found the old connection gone ("Not connected"), not a new one started.
        closed = true;
        if (stdioPid !== undefined) killNow(stdioPid());
      }
    };
  }
  try {
    const connecting = client.connect(transport);
    // The SDK's start spawns the server before its first wait, so its pid is known here, before the handshake.
    const pid = stdioPid?.();
    if (pid !== undefined && pid !== null) untie = tether(pid);
    await withTimeout(connecting, config.timeout_ms, `starting the MCP server ${name}`);
  } catch (error) {
    // Stopped at once, so a turn waits timeout_ms and no more: the client's polite close would end the
    // server's stdin and wait 2 s, send SIGTERM and wait 2 s more, for a server that has shown it does not answer.
    if (stdioPid !== undefined) killNow(stdioPid());
    await client.close().catch(() => undefined);
    untie();
    const said = stderrTail.trim() === '' ? '' : `; it said: ${stderrTail.trim().split('\n').slice(-3).join(' | ')}`;
    throw new Error(`the MCP server ${name} did not start: ${(error as Error).message}${wroteNotMcp(notMcp)}${said}`);
  }
  let listed: Promise<McpTool[]> | undefined;
  /** A request's failure, said as the answer cut off meanwhile when one was. */
  const asked = async <T>(request: () => Promise<T>): Promise<T> => {
    const before = cutOff.count;
    return request().catch((error: unknown) => {
      throw cutOff.count > before && cutOff.error !== undefined ? cutOff.error : error;
    });
  };
  return {
    get closed() {
      return closed;
    },
    tools() {
      if (listed === undefined) {
        const listing = asked(() => client.listTools(undefined, { timeout: config.timeout_ms })).then((answer) =>
          answer.tools.map((tool) => ({ name: tool.name, description: tool.description ?? '', inputSchema: tool.inputSchema as JsonSchema })),
        );
        // A failed list is asked again at the next offer, as a failed start is: a server slow once is unavailable that turn, not for the run.
        listing.catch(() => {
          if (listed === listing) listed = undefined;
        });
        listed = listing;
      }
      return listed;
    },
    async call(tool, args) {
      const answer = await asked(() => client.callTool({ name: tool, arguments: args }, undefined, { timeout: config.timeout_ms })).catch((error: unknown) => {
        if (notMcp === undefined) throw error;
        throw new Error(`${error instanceof Error ? error.message : String(error)}${wroteNotMcp(notMcp)}`);
      });
      const text = contentText(answer.content) || (answer.structuredContent === undefined ? '' : JSON.stringify(answer.structuredContent));
      return { text, isError: answer.isError === true };
    },
    async close() {
      closed = true;
      await client.close().catch(() => undefined);
      untie();
    },
  };
}
