import type { Engine } from '../engine/engine.js';
import type { EventHub } from './event-hub.js';

/**
 * The same engine, whose runs also publish every event to the hub: `lemming run --serve`
 * hands this to the terminal screen or the line printer, so the browser sees the very
 * stream they show, from the one engine there is. Everything but `run` is the engine's own.
 */
export function observeEngine(engine: Engine, hub: EventHub): Engine {
  return new Proxy(engine, {
    get(target, property) {
      if (property === 'run') {
        return async function* (...args: Parameters<Engine['run']>) {
          for await (const event of target.run(...args)) {
            hub.publish({ kind: 'engine', event });
            yield event;
          }
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
