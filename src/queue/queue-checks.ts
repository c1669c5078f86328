import type { EngineSettings } from '../org/schema.js';

/**
 * How the engine watches the jobs it has queued (org.yaml `engine.queue_checks`, here in
 * milliseconds): how often a waiting call asks Redis where its job is, how long a job may
 * wait unclaimed while workers that serve it have free slots before it is queued again,
 * how long Redis may answer nothing, and how long a call may wait with no live worker
 * serving its queue, before the run stops.
 */
export interface QueueChecks {
  everyMs: number;
  unclaimedMs: number;
  unreachableMs: number;
  unservedMs: number;
}

/** The settings' defaults, for a queue used without an org (tests, tools). */
export const DEFAULT_QUEUE_CHECKS: QueueChecks = { everyMs: 5_000, unclaimedMs: 120_000, unreachableMs: 60_000, unservedMs: 600_000 };

/** The bounds an org's `engine.queue_checks` sets. */
export function queueChecksOf(settings: EngineSettings['queue_checks']): QueueChecks {
  return {
    everyMs: Math.round(settings.every_seconds * 1000),
    unclaimedMs: Math.round(settings.unclaimed_seconds * 1000),
    unreachableMs: Math.round(settings.unreachable_seconds * 1000),
    unservedMs: Math.round(settings.unserved_seconds * 1000),
  };
}

/** A bound in seconds as a notice says it: "8 s", "0.5 s". */
export function showSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}

/**
 * A job lost from Redis this many times is not queued again: Redis is dropping keys
 * (eviction, a flush in a loop), and the run stops rather than ask for ever.
 */
export const MAX_LOSSES = 3;
