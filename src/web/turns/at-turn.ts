import { Hono, type MiddlewareHandler } from 'hono';
import { stateTurn } from '../../engine/record/state-store.js';
import { statePaths } from '../../engine/record/state-paths.js';
import { LemmingError } from '../../errors.js';
import type { Dashboard } from '../dashboard.js';
import { TURN_QUERY, TURNS_ROUTE } from '../openapi/route-specs.js';
import { answer } from '../routes/route-answer.js';
import { BadQueryError } from '../search/message-filter.js';

/**
 * `?turn=N` on any route of an org's API: the org as it was after turn N, read-only. A read is
 * answered by the same read routes over the org as the history holds it then (past-turns.ts: a
 * dashboard of its own over a folder written from the history); a change (any method but GET) is
 * refused with 409 before anything is read, so nothing is ever written into a past turn, whatever
 * the page does. Without `turn`, the request goes on to the live org's routes.
 *
 * `base` is where the org's routes are mounted (`/` or `/o/<key>/`); `readApi` makes the read
 * routes for a dashboard (server.ts: the very ones the live org answers with).
 */
export function atTurn(dashboard: Dashboard, base: string, readApi: (past: Dashboard) => Hono): MiddlewareHandler {
  const apps = new WeakMap<Dashboard, Hono>();
  return async (context, next) => {
    const asked = context.req.query('turn');
    if (asked === undefined || asked === '') return next();
    const checked = TURN_QUERY.safeParse({ turn: asked });
    if (!checked.success || checked.data.turn === undefined) throw new BadQueryError('turn', checked.error?.issues[0]?.message ?? 'turn must be a whole number, for example turn=3');
    const turn = checked.data.turn;
    if (context.req.method !== 'GET' && context.req.method !== 'HEAD') {
      throw new LemmingError('past-turn', `the org as it was after turn ${turn} is read-only: ${context.req.method} ${context.req.path} changes the org as it is now, so send it without ?turn=`);
    }
    const past = await dashboard.pastTurns.at(turn);
    let app = apps.get(past);
    if (!app) {
      app = readApi(past);
      apps.set(past, app);
    }
    const url = new URL(context.req.url);
    url.pathname = url.pathname.slice(base.length - 1);
    return app.fetch(new Request(url, context.req.raw));
  };
}

/** `GET /api/turns`: the turns the turn selector offers, newest first, and the live turn; with none, why. */
export function turnsRoute(dashboard: Dashboard): Hono {
  const api = new Hono();
  api.get('/turns', async (context) => answer(context, TURNS_ROUTE, await dashboard.pastTurns.list(dashboard.org(), stateTurn(statePaths(dashboard.root).state))));
  return api;
}
