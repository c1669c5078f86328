import { HUMAN } from '../../org/names.js';
import type { Engine } from '../engine.js';
import type { EngineEvent } from '../events.js';
import type { TurnResult } from '../turn/run-turn.js';

/** Limits for `driveUntilReply`; the signal stops it, leaving a turn in progress journaled. */
export interface DriveOptions {
  /** Give up after this many turns without a reply. */
  maxTurns: number;
  signal?: AbortSignal;
}

/** How a drive ended: someone wrote to the human, nobody has anything left to do, the cap, or a stop. */
export interface DriveOutcome {
  turns: number;
  reason: 'replied' | 'idle' | 'turn-cap' | 'stopped';
  /** Ids of the messages delivered to the human during the drive. */
  replies: string[];
}

/**
 * Run turns until a message reaches the human (and every agent stranded without credits
 * has had its manager told), the org is idle, or the cap: what
 * `lemming chat --drive` does after each message, so one terminal is enough. Every
 * turn runs to its commit; only the signal leaves one unfinished, journaled for the
 * next run. The outcome is the generator's return value.
 */
export async function* driveUntilReply(engine: Engine, options: DriveOptions): AsyncGenerator<EngineEvent, DriveOutcome> {
  const replies: string[] = [];
  let turns = 0;
  while (turns < options.maxTurns) {
    if (options.signal?.aborted) return { turns, reason: 'stopped', replies };
    if (!engine.hasWork()) return { turns, reason: replies.length > 0 ? 'replied' : 'idle', replies };
    const result: TurnResult = {
      stats: { called: 0, skipped: 0, delivered: 0, fromHuman: 0, refused: 0, errors: 0, inputTokens: 0, outputTokens: 0, credits: 0, durationMs: 0 },
    };
    for await (const event of engine.turn(result, options.signal)) {
      if (event.type === 'message-delivered' && event.message.to === HUMAN) replies.push(event.message.id);
      yield event;
    }
    if (!result.state) return { turns, reason: 'stopped', replies };
    turns += 1;
    // A reply ends the drive, but not before a stranded agent's manager has heard of it.
    if (replies.length > 0 && !engine.hasUntoldTrouble()) return { turns, reason: 'replied', replies };
  }
  return { turns, reason: replies.length > 0 ? 'replied' : 'turn-cap', replies };
}
