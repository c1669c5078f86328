import { randomBytes } from 'node:crypto';
import type { EngineEvent } from '../engine/events.js';
import type { WebEvent as ApiWebEvent } from './api-types.js';

/** What the dashboard's event stream carries, with the engine's own event type (see api-types.ts). */
export type WebEvent = ApiWebEvent<EngineEvent>;

/** A web event with its place in the stream, the SSE `id:` a client resumes from. */
export interface NumberedEvent {
  id: number;
  event: WebEvent;
}

/**
 * The fan-out of events to every open event stream, with the most recent ones kept so a
 * client that reconnects with `Last-Event-ID` misses nothing (or learns that it did).
 */
export class EventHub {
  private readonly kept: NumberedEvent[] = [];
  private readonly listeners = new Set<(event: NumberedEvent) => void>();
  private nextId = 1;
  /** Tells this server's event ids from those of an earlier one on the same port. */
  readonly boot = randomBytes(4).toString('hex');

  /** How many of the latest events are kept for clients that reconnect (between this and twice it, see publish). */
  constructor(readonly keep = 2000) {}

  publish(event: WebEvent): void {
    const numbered: NumberedEvent = { id: this.nextId, event };
    this.nextId += 1;
    this.kept.push(numbered);
    // Cut back to `keep` once there are twice as many, not by one at every event past it: a turn of
    // 1,000 agents publishes some 5,000, and moving the kept list down by one for each cost a turn 10 ms.
    if (this.kept.length >= 2 * this.keep) this.kept.splice(0, this.kept.length - this.keep);
    for (const listener of this.listeners) listener(numbered);
  }

  /**
   * The events after `lastId`, or `complete: false` when some of them are no longer kept
   * (the client should reload what it shows rather than trust the stream).
   */
  since(lastId: number): { events: NumberedEvent[]; complete: boolean } {
    // An id beyond the last one was given by another server (this one restarted): nothing can be trusted.
    if (lastId > this.lastId) return { events: [], complete: false };
    const events = this.kept.filter((item) => item.id > lastId);
    const first = events[0];
    return { events, complete: first === undefined || first.id === lastId + 1 };
  }

  /** The id of the last event published, 0 before any. */
  get lastId(): number {
    return this.nextId - 1;
  }

  /** How many listeners the hub feeds now: every open event stream is one. */
  get listening(): number {
    return this.listeners.size;
  }

  subscribe(listener: (event: NumberedEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
