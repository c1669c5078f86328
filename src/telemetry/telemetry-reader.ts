import type { EngineEvent } from '../engine/events.js';
import type { Org } from '../org/org.js';
import { startOtlpTelemetry, whileWaited, type TelemetryFailure } from './otlp-telemetry.js';
import { tracesUrl } from './otlp-endpoint.js';
import { TurnTracer } from './turn-tracer.js';

/** The engine's events read into spans and sent; `settle` sends the rest and stops. */
export interface TelemetryReader {
  observe(event: EngineEvent): void;
  /** The run failed: its open spans end, saying why. */
  failed(error: unknown): void;
  settle(): Promise<void>;
}

/**
 * Telemetry for a live run: the engine's events, as they come, through a TurnTracer to `endpoint`.
 * `warn` hears the first thing that went wrong, once, as it happened (runWarning): `message` in words
 * true while the run goes on, `late` in words true if it is only told once the run has ended. `org`
 * is read at each call for the model registry.
 */
export function startTelemetryReader(endpoint: string, org: () => Org, options: { queued: boolean; warn(message: string, late: string): void }): TelemetryReader {
  const url = tracesUrl(endpoint);
  const telemetry = startOtlpTelemetry(endpoint, (failure) => options.warn(runWarning(url, failure), runWarning(url, failure, 'told after the run')));
  const tracer = new TurnTracer(telemetry.tracer, {
    org: org().name,
    queued: options.queued,
    modelOf: (key) => {
      const entry = org().models[key];
      return entry ? { provider: entry.provider, model: entry.model ?? key } : undefined;
    },
  });
  return {
    observe: (event) => tracer.observe(event),
    failed: (error) => tracer.endAll(Date.now(), error instanceof Error ? error.message : String(error)),
    settle: async () => {
      tracer.endAll();
      await telemetry.shutdown();
    },
  };
}

/**
 * A run's telemetry failure in words true when it is said: while the run goes on, or once it has
 * ended. A failure that came during the run may be told only after it (it came after the run's last
 * event): then the run no longer goes on, and its spans are dropped. Pure.
 */
export function runWarning(url: string, failure: TelemetryFailure, told: 'as it came' | 'told after the run' = 'as it came'): string {
  if (failure.kind === 'stopped-waiting') {
    if (failure.refusals.length === 0) return `telemetry: stopped waiting for ${url} ${failure.seconds} s after the run ended: it had not finished answering for the run's last spans, which may be lost`;
    return `telemetry: stopped waiting for ${url} ${failure.seconds} s after the run ended: ${whileWaited(failure.refusals)}; the run's last spans may be lost`;
  }
  if (failure.ended) return `telemetry: the run's last spans could not be sent to ${url} (${failure.cause}); they are dropped`;
  if (told === 'told after the run') return `telemetry: spans could not be sent to ${url} during the run (${failure.cause}); they are dropped`;
  return `telemetry: spans could not be sent to ${url} (${failure.cause}); the run goes on without them`;
}
