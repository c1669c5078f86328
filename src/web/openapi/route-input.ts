import type { Context } from 'hono';
import type { z } from 'zod';
import { BadQueryError } from '../search/message-filter.js';
import type { RouteSpec } from './route-spec.js';

/** What a route's schemas made of a request (the body's fields with their defaults and transforms). */
export interface RouteInput<S extends RouteSpec> {
  body: S['body'] extends z.ZodObject ? z.output<S['body']> : undefined;
}

/** The first problem a schema found, as the 400 a person reads: the field and what a valid value looks like. */
function refusal(error: z.ZodError): BadQueryError {
  const issue = error.issues[0];
  const field = String(issue?.path[0] ?? 'body');
  return new BadQueryError(field, issue?.message ?? `${field} is not valid`);
}

/**
 * Check a request against its route's schemas (route-specs.ts: the ones /api/openapi.json
 * describes) and give back the parsed body. Throws BadQueryError: a 400 naming the field.
 */
export async function routeInput<S extends RouteSpec>(context: Context, spec: S): Promise<RouteInput<S>> {
  if (spec.query) {
    // An empty value is not given (`?limit=` as no limit), as parseFilterQuery reads it.
    const given = Object.fromEntries(Object.entries(context.req.query()).filter(([, value]) => value !== ''));
    const checked = spec.query.safeParse(given);
    if (!checked.success) throw refusal(checked.error);
  }
  if (!spec.body) return { body: undefined } as RouteInput<S>;
  let raw: unknown;
  try {
    raw = await context.req.json();
  } catch {
    throw new BadQueryError('body', 'the request body must be JSON, for example {"to": "manager", "body": "Please plan the release"}');
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new BadQueryError('body', 'the request body must be a JSON object');
  const parsed = spec.body.safeParse(raw);
  if (!parsed.success) throw refusal(parsed.error);
  return { body: parsed.data } as RouteInput<S>;
}
