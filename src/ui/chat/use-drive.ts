import { useCallback, useRef, useState } from 'react';
import { AwaitedAnswer, type AwaitedRequest } from '../../engine/human/awaited-answer.js';
import type { DriveOutcome } from '../../engine/human/drive-until-reply.js';
import type { EngineEvent } from '../../engine/events.js';
import { errorMessage } from '../../errors.js';
import { describeDriveEvent, describeOutcome, type ChatDriver } from './chat-driver.js';

/** What the chat screen shows about drives: whether one runs, its turn and its latest activity. */
export interface DriveState {
  driving: boolean;
  /** The turn in progress. */
  turn?: number;
  /** The newest lines about what the driven turns did. */
  activity: string[];
  /** What the drive waits for, in words (see AwaitedAnswer.describe). */
  waitingFor?: string;
  /** How the last drive ended, in words. */
  result?: { text: string; tone: 'ok' | 'problem' };
}

const ACTIVITY_LINES = 4;

/**
 * `chat --drive`: after each message, advance turns until the answer to it reaches the human
 * (mail about an older request does not end the drive). A message sent while a drive runs
 * becomes what that drive waits for; a drive that ended first is followed by another.
 * `onEvent` hears every event of a drive, and `undefined` when a drive ends.
 */
export function useDrive(
  driver: ChatDriver | undefined,
  onEvent: (event: EngineEvent | undefined) => void,
): { state: DriveState; start: (request: AwaitedRequest) => void; stop: () => Promise<void> } {
  const [state, setState] = useState<DriveState>({ driving: false, activity: [] });
  const running = useRef<Promise<void> | undefined>(undefined);
  const again = useRef(false);
  const controller = useRef<AbortController | undefined>(undefined);
  const handler = useRef(onEvent);
  handler.current = onEvent;
  // One for the chat's life: a request sent during a drive moves what the running drive waits for.
  const awaited = useRef(new AwaitedAnswer());

  const driveOnce = useCallback(async (active: ChatDriver): Promise<void> => {
    const abort = new AbortController();
    controller.current = abort;
    const waitingFor = (): { waitingFor?: string } => {
      const words = awaited.current.describe();
      return words === undefined ? {} : { waitingFor: words };
    };
    setState((previous) => ({ driving: true, activity: previous.activity, ...waitingFor() }));
    let replier: string | undefined;
    const iterator = active.drive(abort.signal, awaited.current);
    try {
      for (;;) {
        const next = await iterator.next();
        if (next.done) {
          const outcome: DriveOutcome = next.value;
          // The conversation is read again before the outcome shows, so "manager wrote to you" never precedes the message.
          handler.current(undefined);
          setState((previous) => ({ driving: false, activity: previous.activity, result: { text: describeOutcome(outcome, replier), tone: outcome.reason === 'replied' ? 'ok' : 'problem' } }));
          return;
        }
        const event = next.value;
        if (event.type === 'message-delivered' && ((event.message.to === 'human' && replier === undefined) || event.message.id === awaited.current.answer)) replier = event.message.from;
        const line = describeDriveEvent(event);
        setState((previous) => ({
          driving: true,
          turn: event.type === 'turn-started' ? event.turn : previous.turn,
          activity: line === undefined ? previous.activity : [...previous.activity, line].slice(-ACTIVITY_LINES),
          ...waitingFor(),
        }));
        handler.current(event);
      }
    } catch (error) {
      handler.current(undefined);
      setState((previous) => ({ driving: false, activity: previous.activity, result: { text: `not driving: ${errorMessage(error)}`, tone: 'problem' } }));
    }
  }, []);

  const start = useCallback((request: AwaitedRequest) => {
    if (!driver) return;
    awaited.current.expect(request);
    if (running.current) {
      again.current = true;
      return;
    }
    running.current = (async () => {
      do {
        again.current = false;
        await driveOnce(driver);
        // Sent during a drive that ended unanswered: drive again; answered meanwhile: nothing left to drive for.
      } while (again.current && !controller.current?.signal.aborted && awaited.current.answer === undefined);
      running.current = undefined;
    })();
  }, [driver, driveOnce]);

  const stop = useCallback(async () => {
    again.current = false;
    controller.current?.abort();
    await running.current;
  }, []);

  return { state, start, stop };
}
