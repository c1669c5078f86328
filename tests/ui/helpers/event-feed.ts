import type { EngineEvent } from '../../../src/engine/events.js';

/**
 * A scripted engine event stream the test pushes into, one event or many at a time.
 * `pulled` counts the events the screen asked for, so a test can tell a paused
 * screen (which stops asking) from a slow one.
 */
export class EventFeed implements AsyncIterable<EngineEvent> {
  pulled = 0;
  private readonly queue: EngineEvent[] = [];
  private ended = false;
  private wake?: () => void;

  push(...events: EngineEvent[]): void {
    this.queue.push(...events);
    this.wake?.();
  }

  end(): void {
    this.ended = true;
    this.wake?.();
  }

  /** Events pushed and not yet taken by the screen. */
  get waiting(): number {
    return this.queue.length;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<EngineEvent> {
    for (;;) {
      const next = this.queue.shift();
      if (next) {
        this.pulled += 1;
        yield next;
        continue;
      }
      if (this.ended) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }
}
