import { LemmingError } from '../errors.js';
import type { Org } from '../org/org.js';
import { loggedTurns, type LoggedTurnsFilter } from './logged-turns.js';
import { startOtlpTelemetry, whileWaited, type TelemetryFailure } from './otlp-telemetry.js';
import { TurnTracer } from './turn-tracer.js';

/**
 * Send a finished run's turns, as its activity logs tell them, to an OTLP/HTTP endpoint: one trace per
 * turn, through the same TurnTracer as a live run. Returns the turns sent; throws a LemmingError when
 * the logs hold no turn, or the endpoint did not take them.
 */
export async function sendLoggedTurns(root: string, org: Org, endpoint: string, filter: LoggedTurnsFilter): Promise<number[]> {
  const events = loggedTurns(root, org, filter);
  const turns = events.flatMap(({ event }) => (event.type === 'turn-started' ? [event.turn] : []));
  if (turns.length === 0) {
    const which = [filter.agent === undefined ? '' : ` of ${filter.agent}`, filter.turn === undefined ? '' : ` in turn ${filter.turn}`].join('');
    throw new LemmingError('not-found', `no call${which} in the agents' activity logs (agents/<name>/logs/activity.jsonl): run some turns first`);
  }
  let failure: TelemetryFailure | undefined;
  const telemetry = startOtlpTelemetry(endpoint, (told) => (failure ??= told));
  const tracer = new TurnTracer(telemetry.tracer, {
    org: org.name,
    modelOf: (key) => {
      const entry = org.models[key];
      return entry ? { provider: entry.provider, model: entry.model ?? key } : undefined;
    },
  });
  for (const { at, event } of events) tracer.observe(event, at);
  tracer.endAll();
  await telemetry.shutdown();
  if (failure?.kind === 'failed') throw new LemmingError('telemetry', `telemetry: spans could not be sent to ${telemetry.url} (${failure.cause})`);
  if (failure?.kind === 'stopped-waiting') throw new LemmingError('telemetry', `telemetry: stopped waiting for ${telemetry.url} after ${failure.seconds} s: ${whileWaited(failure.refusals)}, so the turns may not all have arrived`);
  return turns;
}
