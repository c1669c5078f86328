import { Hono } from 'hono';
import { cutSecrets } from '../../secrets/secrets.js';
import { HEALTH_ROUTE, READY_ROUTE } from '../openapi/route-specs.js';
import { answer, type AnswerOf } from '../routes/route-answer.js';
import { readinessOf, type ReadinessCheck } from './readiness.js';

/**
 * `GET /healthz` (the process answers) and `GET /readyz` (200 when every check holds, 503 with
 * each failing check's reason otherwise), for a supervisor's probes. They are mounted before the
 * Host and token checks, since a probe knows neither; so they say nothing private: no org name,
 * no path, no message, only check names and reasons. The message index is not a check: it loads
 * beside a server that already does its work (status, sending, the engine), and /api/status says
 * where it stands; a supervisor must not hold traffic or restart for it.
 */
export function healthRoutes(checks: () => readonly ReadinessCheck[]): Hono {
  const app = new Hono();
  app.get('/healthz', (context) => answer(context, HEALTH_ROUTE, { status: 'ok' }));
  app.get('/readyz', async (context) => {
    const readiness: AnswerOf<typeof READY_ROUTE> = await readinessOf(checks());
    // The reasons are lemming's own sentences; a failure's text from a library could still name a value.
    return context.body(cutSecrets(JSON.stringify(readiness)), readiness.ready ? 200 : 503, { 'Content-Type': 'application/json' });
  });
  return app;
}
