import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { escapeHtml } from '../page/page-html.js';

/**
 * The largest request body the dashboard reads: 256 KB. The largest a person means to send is a
 * message, and a message's body is cut at `engine.max_body_chars` (20,000 by default, some 80 KB
 * as JSON at worst); a list of 1,000 ids to mark read is some 25 KB.
 */
export const MAX_BODY_BYTES = 256 * 1024;

/**
 * After a refusal, the most of the rest of a body read and thrown away, and for how long, before
 * the connection is cut: enough for a browser's or curl's upload of tens of MB to finish sending
 * and read the 413 (a client that reads only once it has sent would otherwise meet a reset, which
 * throws the answer away), and a bound on what a client that never stops can cost.
 */
export const DISCARD_BYTES = 64 * 1024 * 1024;
/** See DISCARD_BYTES: how long a refused body's client has to finish sending. */
export const DISCARD_MS = 10_000;

const TOO_LARGE = `the request body is over ${MAX_BODY_BYTES / 1024} KB, the most the dashboard reads (a message's body is cut at org.yaml's engine.max_body_chars long before that)`;

/**
 * The one gate for request bodies, on the HTTP server itself, before the app (hono) sees a
 * request: a declared `Content-Length` over MAX_BODY_BYTES is answered 413 at once (and with
 * `Expect: 100-continue`, without `100 Continue`: the client is never asked for the body); any
 * other body is read here, at most MAX_BODY_BYTES of it, and handed to the app whole
 * (`rawBody`, which @hono/node-server takes as the body); a body that runs past the cap (chunked)
 * is answered 413 at its first byte past it and never reaches the app. A refusal ends the
 * connection gracefully (see `closeAfterAnswer`), so the answer reaches the client.
 */
export function capRequestBodies(server: Server, app: RequestListener): void {
  server.on('checkContinue', (request: IncomingMessage, response: ServerResponse) => {
    if (isDeclaredOver(request)) {
      refuseTooLarge(request, response);
      return;
    }
    response.writeContinue();
    readCapped(request, response, app);
  });
  server.on('request', (request: IncomingMessage, response: ServerResponse) => readCapped(request, response, app));
}

/** The body's declared length, when it declares one (Node has refused a malformed one already). */
function declaredLength(request: IncomingMessage): number | undefined {
  const header = request.headers['content-length'];
  return header === undefined ? undefined : Number(header);
}

function isDeclaredOver(request: IncomingMessage): boolean {
  return (declaredLength(request) ?? 0) > MAX_BODY_BYTES;
}

/** Read the body (at most the cap), then hand the request to the app with it; or refuse it. */
function readCapped(request: IncomingMessage, response: ServerResponse, app: RequestListener): void {
  if (isDeclaredOver(request)) {
    refuseTooLarge(request, response);
    return;
  }
  const chunked = request.headers['transfer-encoding'] !== undefined;
  if (!chunked && (declaredLength(request) ?? 0) === 0) {
    app(request, response);
    return;
  }
  const chunks: Buffer[] = [];
  let length = 0;
  const stop = (): void => {
    request.off('data', onData);
    request.off('end', onEnd);
    request.off('close', stop);
  };
  const onData = (chunk: Buffer): void => {
    length += chunk.length;
    if (length > MAX_BODY_BYTES) {
      stop();
      refuseTooLarge(request, response);
      return;
    }
    chunks.push(chunk);
  };
  const onEnd = (): void => {
    stop();
    // @hono/node-server reads a request's `rawBody`, when there is one, as its body.
    Object.assign(request, { rawBody: Buffer.concat(chunks, length) });
    app(request, response);
  };
  request.on('data', onData);
  request.on('end', onEnd);
  // The client went away mid-body: nobody to answer.
  request.on('close', stop);
}

/** 413 as `refuse` answers (refusal.ts): a one-line page for a browser that asked for HTML, else JSON. */
function refuseTooLarge(request: IncomingMessage, response: ServerResponse): void {
  closeAfterAnswer(request);
  const html = (request.headers.accept ?? '').includes('text/html');
  const body = html ? `<!doctype html><meta charset="utf-8"><title>lemming</title><p>${escapeHtml(TOO_LARGE)}</p>` : JSON.stringify({ error: 'too-large', message: TOO_LARGE });
  response.writeHead(413, {
    'Content-Type': html ? 'text/html; charset=UTF-8' : 'application/json',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    'Content-Security-Policy': "default-src 'none'",
    'X-Content-Type-Options': 'nosniff',
    // The rest of the body is not worth keeping the connection for.
    Connection: 'close',
  });
  response.end(body);
}

/**
 * End the connection of a refused body without throwing the answer away. Node ends a
 * `Connection: close` answer with `socket.destroySoon()`: a FIN, then a destroy as soon as the
 * answer is written; the body the client is still sending then meets a closed socket, the kernel
 * answers it with a reset, and a client that reads after sending (a browser's upload, curl) loses
 * the 413 it was sent. Here the FIN is sent alone, the rest of the body is read and thrown away
 * (never handed to the app), and the socket is destroyed once the client closes its side, or
 * after DISCARD_BYTES or DISCARD_MS.
 */
function closeAfterAnswer(request: IncomingMessage): void {
  const socket = request.socket;
  const cut = (): void => {
    socket.destroy();
  };
  socket.destroySoon = () => {
    socket.end();
  };
  let discarded = 0;
  request.removeAllListeners('data');
  request.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > DISCARD_BYTES) cut();
  });
  request.resume();
  socket.once('end', cut);
  const timer = setTimeout(cut, DISCARD_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}
