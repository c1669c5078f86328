import { existsSync, readdirSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { defaultOrg } from '../helpers/temp-org.js';
import { serveOrg } from './web-server.js';

/** How an upload ended, as its client saw it. */
interface UploadOutcome {
  /** The answer's status, when a whole answer was read. */
  status?: number;
  text: string;
  /** Whether the server said `100 Continue`. */
  continued: boolean;
  /** The error the connection ended with before a whole answer was read (ECONNRESET, EPIPE, …). */
  error?: string;
  /** Bytes of the body written before the answer was read. */
  sent: number;
}

const MEGABYTE = 1024 * 1024;

/**
 * POST `size` bytes to `/api/send` on a socket of its own, as a client that sends its whole request
 * before it reads the answer (HTTP/1.1 lets it; a browser's upload and curl behave so): in 1 MB
 * writes as fast as the connection takes them, the length declared unless `chunked`. With
 * `expectContinue` it first waits for the server's first answer, and sends the body only after
 * `100 Continue`. Resolves with what the client read, never rejects: a reset is an outcome to count.
 */
function upload(server: { port: number; token: string }, options: { size: number; chunked?: boolean; expectContinue?: boolean }): Promise<UploadOutcome> {
  return new Promise((resolve) => {
    const outcome: UploadOutcome = { text: '', continued: false, sent: 0 };
    const head = [
      'POST /api/send HTTP/1.1',
      `Host: 127.0.0.1:${server.port}`,
      `Authorization: Bearer ${server.token}`,
      'Content-Type: application/json',
      options.chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${options.size}`,
      ...(options.expectContinue ? ['Expect: 100-continue'] : []),
    ].join('\r\n');
    const socket = connect({ host: '127.0.0.1', port: server.port });
    let received = '';
    let settled = false;
    const settle = (): void => {
      if (settled) return;
      settled = true;
      const answer = received.replace(/^HTTP\/1\.1 100 [^\r]*\r\n\r\n/, '');
      const status = /^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1];
      if (status !== undefined && outcome.error === undefined) outcome.status = Number(status);
      outcome.text = answer.slice(answer.indexOf('\r\n\r\n') + 4);
      socket.destroy();
      resolve(outcome);
    };
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      outcome.error ??= error.code ?? error.message;
      settle();
    });
    socket.on('end', settle);
    socket.on('close', settle);
    const chunk = Buffer.alloc(MEGABYTE, 'x');
    const sendBody = async (): Promise<void> => {
      // Not reading while sending: what the server answered early waits in the socket until the body is sent.
      socket.pause();
      while (outcome.sent < options.size && !socket.destroyed) {
        const piece = chunk.subarray(0, Math.min(chunk.length, options.size - outcome.sent));
        outcome.sent += piece.length;
        const framed = options.chunked ? [Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')] : [piece];
        let full = false;
        for (const part of framed) full = !socket.write(part) || full;
        if (full) {
          await new Promise<void>((drained) => {
            const done = (): void => {
              socket.off('drain', done).off('close', done);
              drained();
            };
            socket.on('drain', done).on('close', done);
          });
        }
      }
      if (!socket.destroyed) {
        if (options.chunked) socket.write('0\r\n\r\n');
        socket.resume();
      }
    };
    socket.once('connect', () => {
      socket.write(`${head}\r\n\r\n`);
      if (!options.expectContinue) {
        void sendBody();
        return;
      }
      const firstAnswer = (): void => {
        if (!received.includes('\r\n\r\n')) return;
        socket.off('data', firstAnswer);
        if (received.startsWith('HTTP/1.1 100')) {
          outcome.continued = true;
          void sendBody();
        }
      };
      socket.on('data', firstAnswer);
    });
  });
}

describe('a body over the cap is answered 413, and the answer reaches the client', () => {
  test('48 MB declared with Expect: 100-continue: 413 at once, never 100 Continue, and nothing of the body is asked for', async () => {
    const root = defaultOrg();
    const server = await serveOrg(root);
    const outcomes: UploadOutcome[] = [];
    for (let attempt = 0; attempt < 5; attempt += 1) outcomes.push(await upload(server, { size: 48 * MEGABYTE, expectContinue: true }));
    expect(outcomes.map((outcome) => ({ status: outcome.status, continued: outcome.continued, error: outcome.error, sent: outcome.sent }))).toEqual(
      Array.from({ length: 5 }, () => ({ status: 413, continued: false, error: undefined, sent: 0 })),
    );
    expect(JSON.parse(outcomes[0]?.text ?? '')).toMatchObject({ error: 'too-large', message: expect.stringContaining('256 KB') });
    expect(existsSync(join(root, 'agents/human/outbox'))).toBe(true);
    expect(listSent(root)).toEqual([]);
  });

  test('48 MB declared, streamed without Expect (a browser\'s upload): every try reads the 413, none ends in a reset', async () => {
    const root = defaultOrg();
    const server = await serveOrg(root);
    const outcomes: UploadOutcome[] = [];
    for (let attempt = 0; attempt < 5; attempt += 1) outcomes.push(await upload(server, { size: 48 * MEGABYTE }));
    expect(outcomes.map((outcome) => ({ status: outcome.status, error: outcome.error }))).toEqual(Array.from({ length: 5 }, () => ({ status: 413, error: undefined })));
    expect(JSON.parse(outcomes[0]?.text ?? '')).toMatchObject({ error: 'too-large' });
    expect(listSent(root)).toEqual([]);
  });

  test('48 MB chunked (no length to judge by): every try reads the 413 once the cap is passed, none ends in a reset', async () => {
    const root = defaultOrg();
    const server = await serveOrg(root);
    const outcomes: UploadOutcome[] = [];
    for (let attempt = 0; attempt < 5; attempt += 1) outcomes.push(await upload(server, { size: 48 * MEGABYTE, chunked: true }));
    expect(outcomes.map((outcome) => ({ status: outcome.status, error: outcome.error }))).toEqual(Array.from({ length: 5 }, () => ({ status: 413, error: undefined })));
    expect(listSent(root)).toEqual([]);
  });

  test('chunked with Expect: 100-continue: 100 Continue (no length to refuse by), then 413 once the cap is passed', async () => {
    const server = await serveOrg(defaultOrg());
    const outcome = await upload(server, { size: 8 * MEGABYTE, chunked: true, expectContinue: true });
    expect({ status: outcome.status, continued: outcome.continued, error: outcome.error }).toEqual({ status: 413, continued: true, error: undefined });
  });

  test('a body under the cap, declared or chunked, with or without Expect, reaches the route', async () => {
    const server = await serveOrg(defaultOrg());
    const body = JSON.stringify({ to: 'manager', subject: 'Small', body: 'a small message' });
    for (const options of [{}, { chunked: true }, { expectContinue: true }, { chunked: true, expectContinue: true }]) {
      const outcome = await sendSmall(server, body, options);
      expect(outcome.status, JSON.stringify(options)).toBe(201);
    }
  });
});

/** The human's sent messages. */
function listSent(root: string): string[] {
  return readdirSync(join(root, 'agents/human/outbox')).filter((name) => name.endsWith('.md'));
}

/** POST a small JSON body, declared or chunked, waiting for 100 Continue when asked to. */
function sendSmall(server: { port: number; token: string }, body: string, options: { chunked?: boolean; expectContinue?: boolean }): Promise<{ status?: number; text: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' };
    if (!options.chunked) headers['content-length'] = String(Buffer.byteLength(body));
    if (options.expectContinue) headers.expect = '100-continue';
    const outgoing = request({ host: '127.0.0.1', port: server.port, method: 'POST', path: '/api/send', headers, agent: false }, (response) => {
      let text = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode, text }));
    });
    outgoing.on('error', reject);
    const write = (): void => {
      if (options.chunked) {
        outgoing.write(body.slice(0, 10));
        outgoing.end(body.slice(10));
      } else {
        outgoing.end(body);
      }
    };
    if (options.expectContinue) {
      outgoing.flushHeaders();
      outgoing.on('continue', write);
    } else {
      write();
    }
  });
}
