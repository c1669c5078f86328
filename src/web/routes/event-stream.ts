import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { cutSecrets } from '../../secrets/secrets.js';
import type { EventHub, NumberedEvent } from '../event-hub.js';

/**
 * How long events gather before they go out in one write. A turn of 1,000 agents publishes some
 * 5,000 events; written as they came (a write at nearly every event, since the engine's turn runs
 * in promise callbacks the stream's loop follows), each went through the web streams, the HTTP
 * response and a socket write of its own, which doubled the turn's time. A tenth of a second is
 * not seen on a page.
 */
export const BATCH_MS = 100;
/** A comment after this long with nothing to send keeps proxies from closing an idle stream. */
const KEEP_ALIVE_MS = 15_000;

/** An SSE id: the hub's boot mark and the event's number, so a restarted server is told apart. */
function eventId(hub: EventHub, id: number): string {
  return `${hub.boot}-${id}`;
}

/** One server-sent event as it goes on the wire (`data` is JSON: it holds no line break). */
function sseBlock(event: string, data: string, id: string): string {
  return `event: ${event}\ndata: ${data}\nid: ${id}\n\n`;
}

/**
 * The event's block, made by each stream that sends it and dropped with its batch. Kept on the hub's
 * event instead (made once for every stream), the blocks of a turn of 1,000 agents (some 1 MB) lived
 * as long as the hub keeps its events (up to 4,000), outlived the young generation and left the
 * collector that much more to do. With one stream open, measured as bench/web-bench.ts measures it
 * (served turns against turns alone, in one process) in fresh processes alternated on 2026-11-24,
 * the served turn took 1.28× the turn alone by the median of five processes with the blocks kept,
 * 1.10× by that of eight without.
 * A second stream open makes its own: some 5 ms a turn of 1,000 agents.
 */
function wireOf(hub: EventHub, numbered: NumberedEvent): string {
  return sseBlock(numbered.event.kind, JSON.stringify(numbered.event), eventId(hub, numbered.id));
}

/** The response under a stream served by @hono/node-server (its bindings), to cut a client that stopped reading. */
function nodeResponse(context: Context): { destroy(): void } | undefined {
  const env = context.env as { outgoing?: { destroy(): void } } | undefined;
  return env?.outgoing;
}

/** The number in a `Last-Event-ID` this server gave, or -1 when another (earlier) server gave it. */
function lastSeen(hub: EventHub, header: string | undefined): number | undefined {
  if (header === undefined || header === '') return undefined;
  const [boot, id] = header.split('-');
  return boot === hub.boot && /^\d+$/.test(id ?? '') ? Number(id) : -1;
}

/**
 * `GET /api/events`: server-sent events. Each event's `data` is a WebEvent as JSON, its `event`
 * the WebEvent's kind. A client that reconnects with `Last-Event-ID` first gets what it missed;
 * when that is no longer kept (or the server restarted) it gets a `reset` event and should
 * reload what it shows. Events go out in batches, at most `BATCH_MS` after they happen; a
 * comment every 15 s keeps proxies from closing an idle stream.
 *
 * A client that stops reading (the socket's buffers full, a write waiting) is cut once more events
 * wait behind that write than the hub keeps: before, every event waited for it, in memory, for as
 * long as the connection stayed open (a 1 KB event each, without end). Cut, it holds nothing; a
 * browser's EventSource reconnects with its `Last-Event-ID` and gets what it missed, or `reset`.
 */
export function eventStream(hub: EventHub) {
  return (context: Context) =>
    streamSSE(context, async (stream) => {
      const queue: NumberedEvent[] = [];
      let wake: (() => void) | undefined;
      let batch: NodeJS.Timeout | undefined;
      // A write that has not gone out yet: the client is not reading (or not yet).
      let writing = false;
      let closed = false;
      const cut = (): void => {
        closed = true;
        queue.length = 0;
        stream.abort();
        nodeResponse(context)?.destroy();
      };
      const send = (): void => {
        batch = undefined;
        wake?.();
      };
      const unsubscribe = hub.subscribe((event) => {
        if (closed) return;
        queue.push(event);
        if (writing && queue.length > hub.keep) return cut();
        // One timer for every event until it fires: not a write, nor a resolved promise, per event.
        batch ??= setTimeout(send, BATCH_MS);
      });
      stream.onAbort(() => {
        closed = true;
        wake?.();
      });
      try {
        const last = lastSeen(hub, context.req.header('last-event-id') ?? context.req.query('last_event_id'));
        if (last !== undefined) {
          const missed = last < 0 ? { events: [], complete: false } : hub.since(last);
          if (!missed.complete) await stream.writeSSE({ event: 'reset', data: JSON.stringify({ kind: 'reset' }), id: eventId(hub, hub.lastId) });
          else queue.unshift(...missed.events.filter((event) => !queue.some((queued) => queued.id === event.id)));
        } else {
          await stream.writeSSE({ event: 'hello', data: JSON.stringify({ kind: 'hello' }), id: eventId(hub, hub.lastId) });
        }
        // What was missed goes out at once; what comes next, in batches.
        if (queue.length > 0) send();
        while (!closed) {
          const quiet = await new Promise<boolean>((resolve) => {
            if (batch === undefined && queue.length > 0) return resolve(false);
            const idle = setTimeout(() => resolve(true), KEEP_ALIVE_MS).unref();
            wake = () => {
              clearTimeout(idle);
              resolve(false);
            };
          });
          wake = undefined;
          if (closed) break;
          writing = true;
          if (queue.length > 0) await stream.write(cutSecrets(queue.splice(0).map((next) => wireOf(hub, next)).join('')));
          else if (quiet) await stream.write(': keep-alive\n\n');
          writing = false;
        }
      } finally {
        clearTimeout(batch);
        unsubscribe();
      }
    });
}
