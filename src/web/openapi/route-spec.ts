import { z } from 'zod';
import { wholeNumberRule } from '../search/message-filter.js';

/** The content types the server answers in. */
export type AnswerType = 'application/json' | 'text/event-stream' | 'text/plain' | 'text/html' | 'text/javascript' | 'image/svg+xml';

/**
 * One route the dashboard's server mounts: what it takes (schemas that validate it, see
 * route-input.ts), what it answers (the schema its answer must fit, see routes/route-answer.ts), and
 * the errors it can give beyond those its gates add (see openapi-document.ts).
 */
export interface RouteSpec {
  method: 'get' | 'post' | 'all';
  /** As OpenAPI writes it: `/api/agents/{name}`. */
  path: string;
  /** The operation's stable name in the document (a generated client's function name); unique. `all` routes get the method after it. */
  operationId: string;
  summary: string;
  /** Reached without the token (health probes). */
  public?: boolean;
  /** Served once, at the root, not for each org under `/o/<key>/` (the probes, the list of orgs, this description). */
  serverWide?: boolean;
  /** Answers from the message index: 503 with Retry-After while it loads (routes/index-gate.ts). */
  needsIndex?: boolean;
  /**
   * Answers for the org as it was after an earlier turn too, read-only, when asked with `?turn=N`
   * (web/turns/: from the org's history). The parameter is described once (TURN_QUERY in route-specs.ts).
   */
  atTurn?: boolean;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodObject;
  /** The status of a success, its content type, and the schema of its body. */
  answers: { status: 200 | 201; type: AnswerType; description: string; schema: z.ZodType };
  /**
   * Refusals a route's own code gives beyond what the document adds from the spec (400 with a
   * query or body, 401 without `public`, 403 for a method that changes the org, 404 with path
   * parameters, 503 with `needsIndex`): 403 a send the chart forbids, 404 an unknown agent named
   * in a body, 409 a proposal already decided the other way or approved and not carried out, 400 a path
   * parameter its code reads as a number.
   */
  errors?: ReadonlyArray<400 | 403 | 404 | 409>;
}

/** A JSON answer of 200 (or the status given) with its schema. */
export function json<Schema extends z.ZodType>(description: string, schema: Schema, status: 200 | 201 = 200) {
  return { status, type: 'application/json' as const, description, schema };
}

/** An answer that is not JSON: text of its type. */
export function text(type: Exclude<AnswerType, 'application/json'>, description: string) {
  return { status: 200 as const, type, description, schema: z.string() };
}

/** A required string field whose absence and wrong type are said with a valid example. */
export function required(field: string, example: string, description: string) {
  const message = `${field} is required, for example "${field}": ${JSON.stringify(example)}`;
  return z.string({ error: (issue) => (issue.input === undefined ? message : `${field} must be a string, for example "${field}": "..."`) }).min(1, message).describe(description);
}

/** An optional string field: absent, null and empty mean not given. */
export function optional(field: string, description: string) {
  return z
    .string({ error: `${field} must be a string, for example "${field}": "..."` })
    .nullish()
    .transform((value) => (value === null || value === '' ? undefined : value))
    .describe(description);
}

/**
 * A whole number in a query string: text on the wire, so the schema coerces it, and an integer
 * with its range in the document (a generated client sends a number). An empty one is not given
 * (route-input.ts drops it). Whatever is wrong, the message a person reads says the range allowed.
 */
export function wholeQuery(field: string, minimum: number, description: string, maximum = Number.MAX_SAFE_INTEGER) {
  // One sentence for every way it can be wrong (not a number, a fraction, out of range), the one the route's own check says.
  const message = wholeNumberRule(field, minimum, maximum);
  return z.coerce.number({ error: message }).int({ error: message }).min(minimum, { error: message }).max(maximum, { error: message }).optional().describe(description);
}
