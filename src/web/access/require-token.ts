import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { sameToken } from './access-token.js';

/** Methods that change nothing, so a cross-site request cannot do harm with them. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The cookie's name carries the port: two servers on one host keep their own cookies. */
export function cookieName(port: number): string {
  return `lemming_${port}`;
}

function refuse(context: Context, status: 401 | 403, message: string): Response {
  context.header('Cache-Control', 'no-store');
  if ((context.req.header('accept') ?? '').includes('text/html')) {
    return context.html(`<!doctype html><meta charset="utf-8"><title>lemming</title><p>${message}</p>`, status);
  }
  return context.json({ error: status === 401 ? 'unauthorized' : 'forbidden', message }, status);
}

/** The origin the browser shows for this server, from the Host header it sent. */
function ownOrigin(context: Context): string | undefined {
  const host = context.req.header('host');
  return host === undefined ? undefined : `http://${host}`;
}

/**
 * Every route asks for the token: once in the URL (`?token=`), which is traded for an HTTP-only,
 * same-site cookie and a redirect to the same page without it; then the cookie, or an
 * `Authorization: Bearer` header for programs (curl, a Prometheus scrape). A state-changing
 * request that rides on the cookie must also come from the dashboard's own origin, so another
 * site a person has open cannot make their browser send mail for them.
 */
export function requireToken(token: string, port: () => number): MiddlewareHandler {
  return async (context, next) => {
    const url = new URL(context.req.url);
    const offered = url.searchParams.get('token');
    if (offered !== null) {
      if (!sameToken(offered, token)) return refuse(context, 401, 'This token is not the one lemming serve printed. Open the URL it printed, token included.');
      setCookie(context, cookieName(port()), token, { httpOnly: true, sameSite: 'Strict', path: '/' });
      url.searchParams.delete('token');
      context.header('Cache-Control', 'no-store');
      return context.redirect(`${url.pathname}${url.search}`, 302);
    }
    const header = context.req.header('authorization');
    const bearer = header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined;
    if (sameToken(bearer, token)) return next();
    if (!sameToken(getCookie(context, cookieName(port())), token)) {
      return refuse(context, 401, 'lemming serve needs its token: open the URL it printed when it started (it carries ?token=...).');
    }
    if (!SAFE_METHODS.has(context.req.method)) {
      const origin = context.req.header('origin');
      const sameSite = origin === undefined ? context.req.header('sec-fetch-site') === 'same-origin' : origin === ownOrigin(context);
      if (!sameSite) return refuse(context, 403, 'A request that changes the org must come from the dashboard itself (same origin).');
    }
    return next();
  };
}
