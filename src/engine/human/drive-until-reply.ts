import { readersOf } from '../../org/lists/recipients.js';
import { HUMAN } from '../../org/names.js';
import type { Engine } from '../engine.js';
import type { AwaitedAnswer } from './awaited-answer.js';
import type { EngineEvent } from '../events.js';
import type { TurnResult } from '../turn/run-turn.js';
import { emptyStats } from '../run-totals.js';

/** Limits for `driveUntilReply`; the signal stops it, leaving a turn in progress journaled. */
export interface DriveOptions {
  /** Give up after this many turns without a reply. */
  maxTurns: number;
  signal?: AbortSignal;
  /**
   * The answer to wait for (the request the human made last); without it, any mail to the human
   * ends the drive. Kept by the caller across drives: a request sent while a drive runs moves it.
   */
  awaiting?: AwaitedAnswer;
}

/** How a drive ended: someone wrote to the human, nobody has anything left to do, the cap, or a stop. */
export interface DriveOutcome {
  turns: number;
  reason: 'replied' | 'idle' | 'turn-cap' | 'stopped';
  /** Ids of the messages delivered to the human during the drive. */
  replies: string[];
  /** With `awaiting`: the message that answered the request, when one did. */
  answer?: string;
}

/**
 * Run turns until the awaited answer reaches the human (or, waiting for none, any message does;
 * and every agent stranded without credits
 * has had its manager told), the org is idle, or the cap: what
 * `lemming chat --drive` does after each message, so one terminal is enough. Every
 * turn runs to its commit; only the signal leaves one unfinished, journaled for the
 * next run. The outcome is the generator's return value.
 */
export async function* driveUntilReply(engine: Engine, options: DriveOptions): AsyncGenerator<EngineEvent, DriveOutcome> {
  const replies: string[] = [];
  const awaiting = options.awaiting?.waiting ? options.awaiting : undefined;
  const replied = (): boolean => (awaiting ? awaiting.answer !== undefined : replies.length > 0);
  const outcome = (turns: number, reason: DriveOutcome['reason']): DriveOutcome => ({ turns, reason, replies, ...(awaiting?.answer !== undefined ? { answer: awaiting.answer } : {}) });
  let turns = 0;
  while (turns < options.maxTurns) {
    if (options.signal?.aborted) return outcome(turns, 'stopped');
    if (!engine.hasWork()) return outcome(turns, replied() ? 'replied' : 'idle');
    const result: TurnResult = {
      stats: emptyStats(),
    };
    for await (const event of engine.turn(result, options.signal)) {
      if (event.type === 'message-delivered') {
        // The human reads what names it, copies it, or goes to a list it is on: the one rule of readers.
        const message = event.message;
        const reachesHuman = message.to === HUMAN || readersOf(engine.currentOrg, message.from, [message.to, ...(message.others ?? [])]).includes(HUMAN);
        if (reachesHuman) replies.push(message.id);
        awaiting?.see(message, reachesHuman);
      }
      yield event;
    }
    if (!result.state) return outcome(turns, 'stopped');
    turns += 1;
    // The answer ends the drive, but not before a stranded agent's manager has heard of it.
    if (replied() && !engine.hasUntoldTrouble()) return outcome(turns, 'replied');
  }
  return outcome(turns, replied() ? 'replied' : 'turn-cap');
}
