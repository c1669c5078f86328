import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { sameToken } from './access-token.js';
import { refuse } from './refusal.js';
import { Sessions } from './sessions.js';

/** Methods that change nothing, so a cross-site request cannot do harm with them. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The cookie's name carries the port: two servers on one host keep their own cookies. */
export function cookieName(port: number): string {
  return `lemming_${port}`;
}

/** The origin the browser shows for this server, from the Host header it sent (checked by requireOwnHost). */
function ownOrigin(context: Context): string | undefined {
  const host = context.req.header('host');
  return host === undefined ? undefined : `http://${host}`;
}

/**
 * Every route asks for the token: once in the URL (`?token=`), which is traded for a session (a
 * random id in an HTTP-only, same-site cookie that only this server can map back, see sessions.ts)
 * and a redirect to the same page without it; then the session cookie, or an `Authorization:
 * Bearer` header with the token for programs (curl, a Prometheus scrape). A state-changing request
 * that rides on the cookie must also come from the dashboard's own origin, so another site a
 * person has open cannot make their browser send mail for them.
 */
export function requireToken(token: string, port: () => number, sessions = new Sessions()): MiddlewareHandler {
  return async (context, next) => {
    const url = new URL(context.req.url);
    const offered = url.searchParams.get('token');
    if (offered !== null) {
      if (!sameToken(offered, token)) return refuse(context, 401, 'unauthorized', 'This token is not the one lemming serve printed. Open the URL it printed, token included.');
      setCookie(context, cookieName(port()), sessions.create(), { httpOnly: true, sameSite: 'Strict', path: '/' });
      url.searchParams.delete('token');
      context.header('Cache-Control', 'no-store');
      return context.redirect(`${url.pathname}${url.search}`, 302);
    }
    const header = context.req.header('authorization');
    const bearer = header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined;
    if (sameToken(bearer, token)) return next();
    const session = getCookie(context, cookieName(port()));
    if (session === undefined) {
      return refuse(context, 401, 'unauthorized', 'lemming serve needs its token: open the URL it printed when it started (it carries ?token=...); a program (an MCP client, curl) sends it as `Authorization: Bearer <token>`.');
    }
    if (!sessions.has(session)) {
      return refuse(
        context,
        401,
        'unauthorized',
        'This session is not known to this server: it was restarted (sessions last as long as the server that gave them) or the cookie is not one it gave. To go on, open the URL it printed, ?token=... included, again.',
      );
    }
    if (!SAFE_METHODS.has(context.req.method)) {
      const origin = context.req.header('origin');
      const sameSite = origin === undefined ? context.req.header('sec-fetch-site') === 'same-origin' : origin === ownOrigin(context);
      if (!sameSite) return refuse(context, 403, 'forbidden', 'A request that changes the org must come from the dashboard itself (same origin).');
    }
    return next();
  };
}
