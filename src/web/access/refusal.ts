import type { Context } from 'hono';
import { escapeHtml } from '../page/page-html.js';

/** The statuses the dashboard refuses a request with before any route sees it (a body over the cap: body-cap.ts, on the HTTP server). */
export type RefusalStatus = 401 | 403 | 421;

/**
 * Refuse a request in the form its client reads: a one-line page for a browser that asked for
 * HTML, else `{ error, message }` as JSON (the document's Error). A 401 names the scheme, Bearer. Never cached: the same URL may be fine a moment later.
 */
export function refuse(context: Context, status: RefusalStatus, error: string, message: string): Response {
  context.header('Cache-Control', 'no-store');
  // Says which scheme the server takes: without it an MCP client over HTTP (the Inspector) starts OAuth discovery instead of showing the message.
  if (status === 401) context.header('WWW-Authenticate', 'Bearer realm="lemming"');
  if ((context.req.header('accept') ?? '').includes('text/html')) {
    return context.html(`<!doctype html><meta charset="utf-8"><title>lemming</title><p>${escapeHtml(message)}</p>`, status);
  }
  return context.json({ error, message }, status);
}
