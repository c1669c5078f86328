import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Socket } from 'node:net';

/**
 * The connections the OTLP exporter makes, through an agent of lemming's own, so that lemming, not
 * the endpoint, decides when they end. `abandon` cuts every socket and refuses new ones: what a run
 * does when its final wait is over, so that no collector (one that answers a byte a second, say)
 * keeps the process alive.
 */
export interface ExporterConnections {
  /** The agent for an endpoint's protocol (`http:` or `https:`): the exporter's `httpAgentOptions`. */
  agentFor(protocol: string): HttpAgent;
  /** Cut every connection and refuse any new one: exports under way fail at once. */
  abandon(): void;
  /**
   * The HTTP statuses the endpoint answered since it last took something (a 2xx), in order: a
   * collector answering 503 is retried by the SDK, and this is what those tries were told.
   */
  refusals(): readonly number[];
}

/** Node's channel for each HTTP answer a client gets (its headers arrived). */
const RESPONSES = 'http.client.response.finish';

/** How the refusals after `abandon` read (the SDK retries none of them: they carry no network code). */
const ABANDONED = 'lemming stopped waiting for the endpoint';

type Created = (error: Error | null, socket?: Socket) => void;

/**
 * Connections that fail without retries: a connection refused, unreachable or not made within
 * `connectMs` fails that export at once (the next batch tries again), where the SDK would try the
 * same batch for up to its whole timeout, with timers of its own nothing can cancel. The error
 * keeps the system's words (`connect ECONNREFUSED 127.0.0.1:4318`) but not its code, which is what
 * the SDK retries on.
 */
export function exporterConnections(connectMs: number): ExporterConnections {
  const sockets = new Set<Socket>();
  const agents: HttpAgent[] = [];
  let abandoned = false;
  let refusals: number[] = [];
  // Every HTTP client of the process is heard here: only this exporter's answers count.
  const answered = (message: unknown): void => {
    // The channel's message (Node's docs): the ClientRequest, whose `agent` the typings leave out, and its IncomingMessage.
    const { request, response } = message as { request: { agent?: unknown }; response: { statusCode?: number } };
    if (!agents.some((agent) => agent === request.agent)) return;
    const status = response.statusCode ?? 0;
    if (status >= 200 && status < 300) refusals = [];
    else refusals.push(status);
  };
  subscribe(RESPONSES, answered);

  const connect = (made: Socket, created: Created): void => {
    sockets.add(made);
    made.once('close', () => sockets.delete(made));
    const settle = (error: Error | null): void => {
      made.setTimeout(0);
      made.off('timeout', timedOut).off('error', failed).off('connect', connected);
      if (error === null) return created(null, made);
      made.destroy();
      created(new Error(error.message, { cause: error }));
    };
    const failed = (error: Error): void => settle(error);
    const connected = (): void => settle(null);
    const timedOut = (): void => settle(new Error(`no connection within ${connectMs / 1000} s`));
    made.once('error', failed).once('connect', connected).once('timeout', timedOut).setTimeout(connectMs);
  };

  /** An agent whose sockets are handed over only once connected, and cut by `abandon`. */
  const watched = (agent: HttpAgent): HttpAgent => {
    const made = agent.createConnection.bind(agent);
    agent.createConnection = (options, created) => {
      if (!created) return made(options);
      if (abandoned) process.nextTick(created, new Error(ABANDONED));
      else connect(made(options) as Socket, created as Created);
      return undefined;
    };
    agents.push(agent);
    return agent;
  };

  let http: HttpAgent | undefined;
  let https: HttpAgent | undefined;
  return {
    agentFor: (protocol) => (protocol === 'https:' ? (https ??= watched(new HttpsAgent({ keepAlive: true }))) : (http ??= watched(new HttpAgent({ keepAlive: true })))),
    refusals: () => refusals,
    abandon: () => {
      unsubscribe(RESPONSES, answered);
      abandoned = true;
      for (const agent of agents) agent.destroy();
      for (const socket of sockets) socket.destroy();
    },
  };
}
