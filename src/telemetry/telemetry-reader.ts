import type { EngineEvent } from '../engine/events.js';
import type { Org } from '../org/org.js';
import { startOtlpTelemetry } from './otlp-telemetry.js';
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
 * `warn` hears an export that failed, once. `org` is read at each call for the model registry.
 */
export function startTelemetryReader(endpoint: string, org: () => Org, options: { queued: boolean; warn(message: string): void }): TelemetryReader {
  const telemetry = startOtlpTelemetry(endpoint, options.warn);
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
