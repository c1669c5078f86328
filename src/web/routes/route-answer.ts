import type { Context } from 'hono';
import type { z } from 'zod';
import type { RouteSpec } from '../openapi/route-spec.js';

/** What a route's answer must be: what its spec's schema takes (the schema /api/openapi.json describes). */
export type AnswerOf<S extends RouteSpec> = z.input<S['answers']['schema']>;

/**
 * A route's success, with the status its spec names. The body's type is the spec's schema, so an
 * answer that drifts from what the document says does not compile (and the tests check real answers
 * against the document, for what a type cannot see: fields a spread brings along).
 */
export function answer<S extends RouteSpec>(context: Context, spec: S, body: AnswerOf<S>): Response {
  return context.json(body as never, spec.answers.status);
}
