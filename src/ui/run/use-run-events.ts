import { useCallback, useEffect, useRef, useState } from 'react';
import type { EngineEvent } from '../../engine/events.js';
import type { RunGate } from './run-gate.js';
import { reduceRun, type AgentSnapshot, type RunAction, type RunState } from './run-state.js';

type RunFinished = Extract<EngineEvent, { type: 'run-finished' }>;

/** What `useRunEvents` starts from, and whom it tells when the run finishes or fails. */
export interface RunEventsOptions {
  initial: RunState;
  /** Fresh budgets and members after the org was reloaded (an agent joined, a resume's credits changed). */
  snapshot?: () => AgentSnapshot[];
  onFinished?: (event: RunFinished) => void;
  onError?: (error: unknown) => void;
}

/** A turn at N = 200 yields hundreds of events in a burst; one render per burst is enough. */
const FLUSH_MS = 10;

/**
 * Read a run's events into screen state, stopping at the gate between turns.
 * Events are folded at once and rendered in batches.
 */
export function useRunEvents(events: AsyncIterable<EngineEvent>, gate: RunGate, options: RunEventsOptions): { state: RunState; dispatch: (action: RunAction) => void } {
  const latest = useRef(options.initial);
  const [state, setState] = useState(options.initial);
  const timer = useRef<NodeJS.Timeout | undefined>(undefined);
  const optionsRef = useRef(options);
  const finished = useRef<RunFinished | undefined>(undefined);
  const reported = useRef(false);
  optionsRef.current = options;

  const flush = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = undefined;
    setState(latest.current);
  }, []);

  const dispatch = useCallback(
    (action: RunAction) => {
      latest.current = reduceRun(latest.current, action);
      timer.current ??= setTimeout(flush, FLUSH_MS);
    },
    [flush],
  );

  useEffect(() => {
    let unmounted = false;
    const consume = async (): Promise<void> => {
      for await (const event of events) {
        dispatch(event);
        if (event.type === 'org-reloaded' && optionsRef.current.snapshot) {
          dispatch({ type: 'agents-snapshot', agents: optionsRef.current.snapshot() });
        }
        if (event.type === 'run-started' || event.type === 'turn-finished') {
          flush();
          await gate.betweenTurns();
          // An engine whose turns never wait on the network (the offline model, a big org's turn of
          // file work) yields its events in promise callbacks only, and React and ink draw in tasks:
          // without a task's pause here the screen said "Turn 0" while the run was at turn 65.
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
        if (event.type === 'run-finished') {
          finished.current = event;
          flush();
        }
        if (unmounted) break;
      }
    };
    consume().catch((error: unknown) => optionsRef.current.onError?.(error));
    return () => {
      unmounted = true;
      if (timer.current) clearTimeout(timer.current);
    };
    // The stream is read once, for the life of the screen.
  }, []);

  // Told only once the finished state is on screen: React renders an update when its scheduler
  // gets to it, and a screen closed before then would leave a stale last frame in the terminal.
  useEffect(() => {
    if (state.finished && finished.current && !reported.current) {
      reported.current = true;
      optionsRef.current.onFinished?.(finished.current);
    }
  }, [state.finished]);

  return { state, dispatch };
}
