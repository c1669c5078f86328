import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IAnyValue, IKeyValue } from '@opentelemetry/otlp-transformer/build/src/common/internal-types.js';
import type { IExportTraceServiceRequest, ISpan } from '@opentelemetry/otlp-transformer/build/src/trace/internal-types.js';

/** A span as the receiver decoded it: its ids, name, parent and attributes as plain values. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: Record<string, unknown>;
  events: Array<{ name: string; attributes: Record<string, unknown> }>;
  status?: { code?: number; message?: string };
  /** The resource's attributes (service.name, …). */
  resource: Record<string, unknown>;
}

/** An OTLP/HTTP receiver on 127.0.0.1: what it received, decoded; `url` is its endpoint. */
export interface OtlpReceiver {
  url: string;
  spans: ReceivedSpan[];
  /** Requests that were not OTLP/JSON export requests to /v1/traces. */
  refused: string[];
  close(): Promise<void>;
}

/** An OTLP AnyValue as a plain value: the JSON encoding's int64 as a string is a number here. */
function plain(value: IAnyValue | undefined): unknown {
  if (!value) return undefined;
  if (value.stringValue !== undefined && value.stringValue !== null) return value.stringValue;
  if (value.boolValue !== undefined && value.boolValue !== null) return value.boolValue;
  if (value.intValue !== undefined && value.intValue !== null) return Number(value.intValue);
  if (value.doubleValue !== undefined && value.doubleValue !== null) return Number(value.doubleValue);
  if (value.arrayValue) return value.arrayValue.values.map(plain);
  return undefined;
}

function attributesOf(list: IKeyValue[] | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map((pair) => [pair.key, plain(pair.value)]));
}

const hex = (id: string | Uint8Array | undefined): string | undefined => (id === undefined || id === '' ? undefined : typeof id === 'string' ? id : Buffer.from(id).toString('hex'));

/**
 * A local receiver of OTLP/HTTP traces as a collector takes them: POST /v1/traces with an
 * ExportTraceServiceRequest in the protocol's JSON encoding (what the official exporter sends by
 * default), read with the official definitions of its messages (@opentelemetry/otlp-transformer's).
 */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const refused: string[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const type = request.headers['content-type'] ?? '';
      if (request.method !== 'POST' || request.url !== '/v1/traces' || !type.startsWith('application/json')) {
        refused.push(`${request.method} ${request.url} ${type}`);
        response.writeHead(404).end();
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as IExportTraceServiceRequest;
      for (const resourceSpans of body.resourceSpans ?? []) {
        const resource = attributesOf(resourceSpans.resource?.attributes);
        for (const scope of resourceSpans.scopeSpans) {
          for (const span of scope.spans ?? ([] as ISpan[])) {
            const parentSpanId = hex(span.parentSpanId);
            spans.push({
              traceId: hex(span.traceId) ?? '',
              spanId: hex(span.spanId) ?? '',
              ...(parentSpanId ? { parentSpanId } : {}),
              name: span.name,
              attributes: attributesOf(span.attributes),
              events: (span.events ?? []).map((event) => ({ name: event.name, attributes: attributesOf(event.attributes) })),
              ...(span.status ? { status: { ...(span.status.code === undefined ? {} : { code: Number(span.status.code) }), ...(span.status.message ? { message: span.status.message } : {}) } } : {}),
              resource,
            });
          }
        }
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    refused,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A collector that refuses every export at once with one status, counting the answers it finished. */
export interface RefusingCollector {
  url: string;
  answered(): number;
  close(): Promise<void>;
}

/**
 * A collector that answers every export at once with `status`: 400, which the exporter never tries
 * again, or 503 (overloaded), which it retries with backoff.
 */
export async function startRefusingCollector(status: number): Promise<RefusingCollector> {
  let answered = 0;
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.on('finish', () => (answered += 1));
      response.writeHead(status, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    answered: () => answered,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
