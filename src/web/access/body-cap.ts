import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { refuse } from './refusal.js';

/**
 * The largest request body the dashboard reads: 256 KB. The largest a person means to send is a
 * message, and a message's body is cut at `engine.max_body_chars` (20,000 by default, some 80 KB
 * as JSON at worst); a list of 1,000 ids to mark read is some 25 KB.
 */
export const MAX_BODY_BYTES = 256 * 1024;

/**
 * Refuse (413) a body over MAX_BODY_BYTES before it is read whole: by its Content-Length when it
 * declares one, else as its chunks arrive, stopping at the first byte past the cap.
 */
export function capBodies(): MiddlewareHandler {
  return bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: (context) => {
      // The rest of the body is not worth reading to keep the connection: the client opens another.
      context.header('Connection', 'close');
      return refuse(
        context,
        413,
        'too-large',
        `the request body is over ${MAX_BODY_BYTES / 1024} KB, the most the dashboard reads (a message's body is cut at org.yaml's engine.max_body_chars long before that)`,
      );
    },
  });
}
