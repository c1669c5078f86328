import { createServer, type Server } from 'node:http';

/** How long a client has to send a request: its headers, and the whole request with its body. */
export interface RequestTimes {
  /** From the connection (or the end of the last request on it) to the end of the headers. */
  headersMs: number;
  /** From the same start to the end of the body; at least `headersMs`. */
  bodyMs: number;
}

/**
 * The dashboard's bounds. A person's request is a few headers and a body of at most 256 KB
 * (body-cap.ts), sent from this machine or a near one: seconds are plenty. Node's own (60 s for
 * headers, 300 s for a request) let a client that stops half-way hold a connection for minutes.
 */
export const REQUEST_TIMES: RequestTimes = { headersMs: 5_000, bodyMs: 30_000 };

/**
 * An HTTP server that answers 408 and closes a connection whose request has not come whole in time
 * (Node answers so while nothing else has been written). Node looks at its connections every
 * `connectionsCheckingInterval` (30 s by default, past the bounds themselves): here every second,
 * or sooner for shorter bounds. A request once read is done with these bounds: an event stream's
 * answer stays open as long as it lasts.
 */
export function requestBoundedServer(times: RequestTimes = REQUEST_TIMES): Server {
  if (!(times.headersMs > 0 && times.bodyMs >= times.headersMs)) {
    throw new RangeError(`request times: headersMs must be over 0 and bodyMs at least headersMs (got ${times.headersMs} and ${times.bodyMs}); the default is ${REQUEST_TIMES.headersMs} and ${REQUEST_TIMES.bodyMs}`);
  }
  return createServer({
    headersTimeout: times.headersMs,
    requestTimeout: times.bodyMs,
    connectionsCheckingInterval: Math.min(1_000, Math.ceil(times.headersMs / 4)),
  });
}
