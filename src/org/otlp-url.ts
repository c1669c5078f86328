/*
 * What an OTLP endpoint must look like, in org.yaml `telemetry.otlp` and `--otlp` alike: one rule,
 * below both. Imports nothing, so the CLI's options load no telemetry to check a flag.
 */

/** An http:// or https:// URL with a host. */
export const OTLP_URL = /^https?:\/\/[^/\s]+/;

/** How a person is told what a valid endpoint looks like. */
export const OTLP_URL_HINT = 'an http:// or https:// URL of an OTLP/HTTP endpoint, for example http://localhost:4318';
