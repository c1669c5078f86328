import type { Tracer } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { packageVersion } from '../package-root.js';
import { exporterConnections } from './exporter-connections.js';
import { tracesUrl } from './otlp-endpoint.js';

/** What went wrong with the spans, said once, as it happened. */
export type TelemetryFailure =
  /** An export failed: the endpoint refused, could not be reached, or answered an error. */
  | { kind: 'failed'; cause: string; ended: boolean }
  /**
   * The final wait ran out: the endpoint had not finished answering for the last spans, or it
   * answered errors (`refusals`, its statuses since it last took spans) that the SDK was retrying.
   */
  | { kind: 'stopped-waiting'; seconds: number; ended: true; refusals: readonly number[] };

/**
 * What the endpoint did while lemming waited, for a stopped-waiting failure: "it had not finished
 * answering", or what it answered and how often it was asked again ("it answered 503 to each of the
 * 4 tries ..."). Pure.
 */
export function whileWaited(refusals: readonly number[]): string {
  if (refusals.length === 0) return 'it had not finished answering';
  const counts = new Map<number, number>();
  for (const status of refusals) counts.set(status, (counts.get(status) ?? 0) + 1);
  const retries = refusals.length - 1;
  const retried = retries === 0 ? 'the exporter was to try again' : `the exporter retried ${retries} time${retries === 1 ? '' : 's'} and was to try again`;
  if (counts.size === 1) return `it answered ${refusals[0]} to ${refusals.length === 1 ? 'the one try' : `each of the ${refusals.length} tries`} since it last took spans (${retried})`;
  const each = [...counts].map(([status, count]) => `${status} ${count} time${count === 1 ? '' : 's'}`).join(', ');
  return `it answered ${each} to the ${refusals.length} tries since it last took spans (${retried})`;
}

/** OpenTelemetry's SDK set up to send spans to one OTLP/HTTP endpoint. */
export interface OtlpTelemetry {
  tracer: Tracer;
  /** The traces URL spans go to. */
  url: string;
  /**
   * Send what is still waiting and stop: resolves once the endpoint has taken it, or failed, or
   * FINAL_WAIT_MS have passed; then every connection to it is cut, so nothing it does keeps the
   * process alive.
   */
  shutdown(): Promise<void>;
}

/** How long one export may take before it counts as failed (the SDK's timeout: an idle time, and its retries' window). */
export const EXPORT_TIMEOUT_MS = 10_000;
/**
 * The most time `shutdown` gives the last spans. The SDK's own timeout is reset by every byte an
 * endpoint sends (a collector that answers a byte a second is never late by it), so this one is
 * lemming's, on a clock of its own; its retries end within EXPORT_TIMEOUT_MS of their export's start,
 * so the process ends within EXPORT_TIMEOUT_MS of the call, whatever the endpoint does.
 */
export const FINAL_WAIT_MS = 5_000;

/**
 * The official SDK (`BasicTracerProvider`, a `BatchSpanProcessor`) and its OTLP/HTTP exporter (JSON
 * over HTTP), sending to `endpoint`'s `/v1/traces` as the service `lemming`, through connections of
 * lemming's own (exporter-connections.ts). `onFailure` hears the first thing that went wrong, once,
 * when it happens: whether `shutdown` had been called (`ended`) tells the caller what is true then.
 */
export function startOtlpTelemetry(endpoint: string, onFailure: (failure: TelemetryFailure) => void): OtlpTelemetry {
  const url = tracesUrl(endpoint);
  const connections = exporterConnections(EXPORT_TIMEOUT_MS);
  const exporter = new OTLPTraceExporter({ url, timeoutMillis: EXPORT_TIMEOUT_MS, httpAgentOptions: (protocol) => connections.agentFor(protocol) });
  let ended = false;
  let abandoned = false;
  let told = false;
  const tell = (failure: TelemetryFailure): void => {
    if (told) return;
    told = true;
    onFailure(failure);
  };
  const watched: SpanExporter = {
    export(spans: ReadableSpan[], done) {
      // Once lemming stopped waiting, what the SDK still flushes is dropped here, with nothing more said.
      if (abandoned) return done({ code: ExportResultCode.FAILED });
      exporter.export(spans, (result) => {
        if (result.code !== ExportResultCode.SUCCESS && !abandoned) tell({ kind: 'failed', cause: result.error?.message ?? 'no answer', ended });
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
      ended = true;
      // A failed export is said once through onFailure; it never fails the run that made the spans.
      const sent = (async () => {
        await provider.forceFlush();
        await provider.shutdown();
      })().then(
        () => 'sent' as const,
        (error: unknown) => (error instanceof Error ? error.message : String(error)),
      );
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), FINAL_WAIT_MS);
      });
      const outcome = await Promise.race([sent, late]);
      clearTimeout(timer);
      if (outcome === 'late') tell({ kind: 'stopped-waiting', seconds: FINAL_WAIT_MS / 1000, ended: true, refusals: [...connections.refusals()] });
      else if (outcome !== 'sent') tell({ kind: 'failed', cause: outcome, ended: true });
      abandoned = true;
      connections.abandon();
    },
  };
}
