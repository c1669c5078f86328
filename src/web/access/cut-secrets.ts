import type { MiddlewareHandler } from 'hono';
import { cutSecrets, hasSecrets } from '../../secrets/secrets.js';

/**
 * The API's JSON answers (messages, traces, logs, errors) with the org's secrets cut out, as
 * everything lemming writes is. The event stream cuts its own blocks (routes/event-stream.ts);
 * with no secrets known, an answer is passed on untouched.
 */
export function cutSecretsFromAnswers(): MiddlewareHandler {
  return async (context, next) => {
    await next();
    if (!hasSecrets() || !(context.res.headers.get('content-type') ?? '').startsWith('application/json')) return;
    const text = await context.res.text();
    const clean = cutSecrets(text);
    const headers = new Headers(context.res.headers);
    headers.delete('content-length');
    context.res = new Response(clean, { status: context.res.status, statusText: context.res.statusText, headers });
  };
}
