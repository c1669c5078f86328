import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { cutSecrets } from '../../secrets/secrets.js';
import type { EventHub, NumberedEvent } from '../event-hub.js';

/** An SSE id: the hub's boot mark and the event's number, so a restarted server is told apart. */
function eventId(hub: EventHub, id: number): string {
  return `${hub.boot}-${id}`;
}

/** One server-sent event as it goes on the wire (`data` is JSON: it holds no line break). */
function sseBlock(event: string, data: string, id: string): string {
  return `event: ${event}\ndata: ${data}\nid: ${id}\n\n`;
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
 * reload what it shows. A comment every 15 s keeps proxies from closing an idle stream.
 */
export function eventStream(hub: EventHub) {
  return (context: Context) =>
    streamSSE(context, async (stream) => {
      const queue: NumberedEvent[] = [];
      let wake: (() => void) | undefined;
      const unsubscribe = hub.subscribe((event) => {
        queue.push(event);
        // Woken once however many events come before the loop runs: not a resolved promise per event.
        wake?.();
        wake = undefined;
      });
      let closed = false;
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
        while (!closed) {
          if (queue.length > 0) {
            // Everything queued goes in one write: a turn of 1,000 agents publishes some 5,000 events.
            const blocks = queue.splice(0).map((next) => sseBlock(next.event.kind, JSON.stringify(next.event), eventId(hub, next.id)));
            await stream.write(cutSecrets(blocks.join('')));
            continue;
          }
          await new Promise<void>((resolve) => {
            const quiet = setTimeout(resolve, 15_000).unref();
            wake = () => {
              clearTimeout(quiet);
              resolve();
            };
          });
          wake = undefined;
          if (queue.length === 0 && !closed) await stream.write(': keep-alive\n\n');
        }
      } finally {
        unsubscribe();
      }
    });
}
