import { errorMessage } from '../../errors.js';
import { throwIfStorageFailure } from '../../storage/storage-error.js';
import { appendLog, readLogSince, type LogEntry } from '../record/agent-log.js';
import type { EngineEvent } from '../events.js';

type Refused = Extract<EngineEvent, { type: 'message-refused' }>;

/**
 * Write a `refused` line in the sender's log for each file a turn's scan refused, so a
 * refused file is never silent in the log either. Done once per turn: a turn finished
 * after a crash adds only the lines its first attempt did not get to write. A log that
 * cannot be written gives a warning, not a failed turn (unless the disk is full: storage-error.ts).
 */
export function logScanRefusals(root: string, turn: number, at: string, events: readonly EngineEvent[], recovering: boolean): EngineEvent[] {
  const warnings: EngineEvent[] = [];
  const bySender = new Map<string, Refused[]>();
  for (const event of events) {
    if (event.type !== 'message-refused' || event.file === undefined) continue;
    bySender.set(event.from, [...(bySender.get(event.from) ?? []), event]);
  }
  for (const [sender, refusals] of bySender) {
    const logged = new Set(
      recovering
        ? readLogSince(root, sender, turn)
            .filter((entry) => entry.turn === turn && entry.event === 'refused')
            .map((entry) => entry.file)
        : [],
    );
    const lines: LogEntry[] = refusals
      .filter((refusal) => !logged.has(refusal.file))
      .map((refusal) => ({ turn, at, event: 'refused', to: refusal.to, subject: refusal.subject ?? null, reason: refusal.reason, cause: refusal.cause, notice: refusal.notice, file: refusal.file }));
    try {
      appendLog(root, sender, lines);
    } catch (error) {
      // A full or read-only disk stops the run instead: the turn is not committed without these lines.
      throwIfStorageFailure(error);
      warnings.push({ type: 'warning', turn, file: `agents/${sender}/logs/activity.jsonl`, message: `could not be written (${errorMessage(error)}); its refusals are in the events only` });
    }
  }
  return warnings;
}
