import { lockHolder } from '../../engine/record/lock.js';
import type { EventHub } from '../event-hub.js';
import type { ReadinessCheck } from './readiness.js';

/** What the engine checks need from the run they watch. */
export interface EngineWatch {
  root: string;
  hub: EventHub;
  /** The longest a turn may run and the process still count as ready, in seconds (org.yaml `engine.ready_turn_seconds`). */
  turnBoundSeconds: () => number;
  /** The Redis address model calls go to, when they go to workers. */
  queueAddress: () => string | undefined;
  /** Whether Redis at the address answers; resolves the reason when it does not. */
  reachQueue: (address: string) => Promise<string | undefined>;
  /** Set once the process was asked to stop: it takes no new work. */
  stopping: () => boolean;
  now?: () => number;
}

/**
 * The checks of `lemming run --serve`: this process's engine holds the org's lock, its turn in
 * progress (if any) started within the bound, the queue answers when one is used, and the process
 * is not stopping.
 */
export function engineChecks(watch: EngineWatch): ReadinessCheck[] {
  const now = watch.now ?? Date.now;
  let running: { turn: number; since: number } | undefined;
  watch.hub.subscribe(({ event }) => {
    if (event.kind !== 'engine') return;
    if (event.event.type === 'turn-started') running = { turn: event.event.turn, since: now() };
    if (event.event.type === 'turn-finished' || event.event.type === 'run-finished') running = undefined;
  });
  return [
    {
      name: 'engine',
      reason: async () => {
        const holder = lockHolder(watch.root);
        if (!holder) return "no engine holds the org's lock: the run has not started, or has stopped";
        if (holder.onThisHost && holder.pid === process.pid) return undefined;
        return `the org's lock is held by \`lemming ${holder.command}\` (process ${holder.pid}${holder.onThisHost ? '' : ', on another host'}), not by this process's engine`;
      },
    },
    {
      name: 'turn',
      reason: async () => {
        if (!running) return undefined;
        const seconds = (now() - running.since) / 1000;
        const bound = watch.turnBoundSeconds();
        return seconds <= bound ? undefined : `turn ${running.turn} has been running for ${Math.round(seconds)} s (the bound is ${bound} s: org.yaml engine.ready_turn_seconds)`;
      },
    },
    {
      name: 'queue',
      reason: async () => {
        const address = watch.queueAddress();
        return address === undefined ? undefined : watch.reachQueue(address);
      },
    },
    { name: 'stopping', reason: async () => (watch.stopping() ? 'the process was asked to stop: it finishes what is in flight and takes no new work' : undefined) },
  ];
}
