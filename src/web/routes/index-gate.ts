import type { MiddlewareHandler } from 'hono';
import type { z } from 'zod';
import type { Dashboard } from '../dashboard.js';
import type { errorSchema } from '../openapi/answer-schemas.js';

/** The body of a refusal: the document's one Error. */
type ErrorBody = z.input<typeof errorSchema>;

/** How long a client is asked to wait before it asks again: about a tenth of a large org's first build. */
export const RETRY_AFTER_SECONDS = 1;

/**
 * For the routes that need the message index (searches, message lists, a message, threads,
 * requests: `needsIndex` in openapi/route-specs.ts): while the index loads, or after it failed,
 * answer 503 at once with `{error, index, messages, message}` and `Retry-After`, instead of holding
 * the request until the index is in. Why not wait: a large org takes seconds (a first build longer),
 * and a page whose request hangs looks broken and ties up one of the browser's few connections to
 * the server; answered at once, the page says "indexing messages…" with the count so far and fills
 * the view in when /api/status says ready, and a program knows when to ask again.
 */
export function needsIndex(dashboard: Dashboard): MiddlewareHandler {
  return async (context, next) => {
    const index = dashboard.watch.index;
    if (index.state === 'ready') return next();
    context.header('Retry-After', String(RETRY_AFTER_SECONDS));
    if (index.state === 'loading') {
      return context.json<ErrorBody>({ error: 'index-loading', index: 'loading', messages: index.messages, message: `the messages are still being indexed (${index.messages} so far); this answers once they are in: ask again shortly, or watch GET /api/status until index.state is "ready"` }, 503);
    }
    // Failed: this request starts it again (the failure was reported when it happened); its answer says why.
    dashboard.watch.retry();
    return context.json<ErrorBody>({ error: 'index-failed', index: 'failed', messages: index.messages, message: `the message index could not be built (${index.error}); it is being built again: ask again shortly` }, 503);
  };
}
