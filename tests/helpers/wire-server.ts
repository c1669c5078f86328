import { afterEach } from 'vitest';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the server received, body parsed from JSON when it was JSON. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: any;
}

/** What the server answers: a status, headers and a body (objects are sent as JSON, strings and bytes as they are), or no answer at all. */
export interface WireReply {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Never answer (to test timeouts); the connection is dropped when the server closes. */
  hang?: boolean;
  /** Send the status, headers and the first part of the body, then drop the connection. */
  resetMidBody?: boolean;
  /** Send the status, headers and the first part of the body, then nothing more (the connection is dropped when the server closes). */
  stallMidBody?: boolean;
}

export type WireHandler = (request: ReceivedRequest, index: number) => WireReply | Promise<WireReply>;

export interface WireServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  requests: ReceivedRequest[];
  handle(handler: WireHandler): void;
  close(): Promise<void>;
}

/**
 * A local HTTP server on 127.0.0.1 that speaks whatever wire format the test's
 * handler writes (OpenAI Chat Completions, Anthropic Messages), so adapters run
 * with the real SDK and no network.
 */
export async function startWireServer(handler: WireHandler): Promise<WireServer> {
  let current = handler;
  const requests: ReceivedRequest[] = [];
  const hanging: ServerResponse[] = [];
  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        // Not JSON: keep the text.
      }
      const request: ReceivedRequest = { method: incoming.method ?? 'GET', path: incoming.url ?? '/', headers: incoming.headers, body };
      requests.push(request);
      void Promise.resolve(current(request, requests.length - 1)).then((reply) => {
        if (reply.hang) {
          hanging.push(outgoing);
          return;
        }
        const payload = Buffer.isBuffer(reply.body) || typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? {});
        if (reply.stallMidBody) {
          hanging.push(outgoing);
          outgoing.writeHead(reply.status ?? 200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)), ...reply.headers });
          outgoing.write(payload.slice(0, Math.floor(payload.length / 2)));
          return;
        }
        if (reply.resetMidBody) {
          outgoing.writeHead(reply.status ?? 200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)), ...reply.headers });
          outgoing.write(payload.slice(0, Math.floor(payload.length / 2)), () => outgoing.socket?.destroy());
          return;
        }
        outgoing.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
        outgoing.end(payload);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    handle: (next) => {
      current = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const response of hanging) response.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * For a test file: a function that starts a wire server, each one closed once its test
 * is done, so a failing test never leaves a port open for the next.
 */
export function wireServerPerTest(): (handler: WireHandler) => Promise<WireServer> {
  let server: WireServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  return async (handler) => {
    server = await startWireServer(handler);
    return server;
  };
}
