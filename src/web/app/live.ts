import { apiPath, viewedTurn } from './api.js';
import type { WebEvent } from './types.js';

type Listener = (event: WebEvent) => void;

const listeners = new Set<Listener>();
let source: EventSource | undefined;

/**
 * The one event stream of the page. EventSource reconnects by itself and sends the last id it
 * saw as `Last-Event-ID`, so the server replays what was missed; a `reset` means it could not,
 * and the views reload.
 */
export function connectLive(indicator: HTMLElement): void {
  source = new EventSource(apiPath('/events'));
  const deliver = (message: MessageEvent<string>): void => {
    const event = JSON.parse(message.data) as WebEvent;
    // The last event's id shows on the indicator (its title, and data-last-event for tests and scripts).
    indicator.dataset.lastEvent = message.lastEventId;
    indicator.title = `live: connected, last event ${message.lastEventId}`;
    for (const listener of [...listeners]) listener(event);
  };
  for (const kind of ['engine', 'mail', 'turn', 'proposals', 'reset', 'hello']) source.addEventListener(kind, deliver as EventListener);
  source.onopen = () => {
    indicator.classList.add('on');
    indicator.title = 'live: connected';
  };
  source.onerror = () => {
    indicator.classList.remove('on');
    indicator.title = 'live: reconnecting…';
  };
}

/** Listen to the stream until the returned function is called (a view calls it when it is left). */
export function onLive(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * A view's live part: listen first, then load what the view shows, so an event that arrives while
 * that first load is in flight still reaches the view (it would be lost if the view listened only
 * once the load was done, and what was loaded may predate it). Resolves with the function that
 * stops listening; a load that fails stops it too. At a past turn nothing changes: it only loads.
 */
export async function listenThenLoad(listener: Listener, load: () => Promise<void>): Promise<() => void> {
  if (viewedTurn() !== undefined) {
    await load();
    return () => undefined;
  }
  const stop = onLive(listener);
  try {
    await load();
  } catch (error) {
    stop();
    throw error;
  }
  return stop;
}

/** Call `action` at most once per `delay` ms, however often it is asked for (the views refetch on bursts of events). */
export function debounce(action: () => void, delay = 300): () => void {
  let timer: number | undefined;
  return () => {
    if (timer !== undefined) return;
    timer = window.setTimeout(() => {
      timer = undefined;
      action();
    }, delay);
  };
}
