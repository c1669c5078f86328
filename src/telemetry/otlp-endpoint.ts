/**
 * The traces URL of an OTLP/HTTP endpoint: `http://localhost:4318` → `http://localhost:4318/v1/traces`,
 * as OTEL_EXPORTER_OTLP_ENDPOINT is read; a URL that already ends in `/v1/traces` is kept.
 */
export function tracesUrl(endpoint: string): string {
  const trimmed = endpoint.replace(/\/+$/, '');
  return trimmed.endsWith('/v1/traces') ? trimmed : `${trimmed}/v1/traces`;
}

