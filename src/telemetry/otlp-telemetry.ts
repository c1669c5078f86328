import type { Tracer } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { packageVersion } from '../package-root.js';
import { tracesUrl } from './otlp-endpoint.js';

/** OpenTelemetry's SDK set up to send spans to one OTLP/HTTP endpoint. */
export interface OtlpTelemetry {
  tracer: Tracer;
  /** The traces URL spans go to. */
  url: string;
  /** Send what is still waiting and stop; resolves once the endpoint answered or gave up. */
  shutdown(): Promise<void>;
}

/** How long one export may take before it counts as failed. */
const EXPORT_TIMEOUT_MS = 10_000;

/**
 * The official SDK (`BasicTracerProvider`, a `BatchSpanProcessor`) and its OTLP/HTTP exporter (JSON
 * over HTTP), sending to `endpoint`'s `/v1/traces` as the service `lemming`. `onFailure` hears the first
 * export that failed (the endpoint down or refusing), once: a run goes on without its telemetry.
 */
export function startOtlpTelemetry(endpoint: string, onFailure: (message: string) => void): OtlpTelemetry {
  const url = tracesUrl(endpoint);
  const exporter = new OTLPTraceExporter({ url, timeoutMillis: EXPORT_TIMEOUT_MS });
  let told = false;
  const failed = (error: Error | undefined): void => {
    if (told) return;
    told = true;
    onFailure(`telemetry: spans could not be sent to ${url} (${error?.message ?? 'no answer'}); the run goes on without them`);
  };
  const watched: SpanExporter = {
    export(spans: ReadableSpan[], done) {
      exporter.export(spans, (result) => {
        if (result.code !== ExportResultCode.SUCCESS) failed(result.error);
        done(result);
      });
    },
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush(),
  };
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'lemming', 'service.version': packageVersion() }),
    spanProcessors: [new BatchSpanProcessor(watched, { scheduledDelayMillis: 1000, exportTimeoutMillis: EXPORT_TIMEOUT_MS })],
  });
  return {
    tracer: provider.getTracer('lemming', packageVersion()),
    url,
    shutdown: async () => {
      // A failed export is said once through onFailure; it never fails the run that made the spans.
      try {
        await provider.forceFlush();
        await provider.shutdown();
      } catch (error) {
        failed(error instanceof Error ? error : new Error(String(error)));
      }
    },
  };
}
