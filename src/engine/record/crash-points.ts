/**
 * Fault injection for the crash tests: with `LEMMING_CRASH_AT=<point>:<n>` set, the
 * process kills itself with SIGKILL the n-th time it reaches `<point>` (n defaults to 1).
 * Without the variable this is one property read. The points are the moments at which
 * a real crash would hurt most; see tests/faults/crash-points.test.ts.
 */
export type CrashPoint =
  | 'before-call'
  /** A model's answer has arrived and is not journaled yet: the next run asks again, the same question. */
  | 'after-answer'
  | 'after-response'
  | 'after-step'
  | 'after-tool'
  | 'mid-write'
  | 'after-write'
  | 'after-apply'
  | 'mid-ledger'
  /** A record's file (the ledger, `taken.jsonl`) is moved to its next piece, and the append it was moved for not made yet (storage/record-pieces.ts). */
  | 'after-piece'
  | 'after-ledger'
  | 'after-taken'
  /** The routing rules' forwards and escalations are decided, nothing of them written yet. */
  | 'before-route'
  /** A forward's file is written (each time one is). */
  | 'mid-route'
  /** Every forward is written; the turn is not committed yet. */
  | 'after-route'
  /** A meeting's speech is journaled (each time one is); the meeting goes on (turn/hold-meetings.ts). */
  | 'after-speech'
  | 'before-commit'
  /** The state's parts are written (record/state-store.ts), `engine.json`, which commits them, not yet. */
  | 'mid-state'
  | 'after-commit'
  /** An approved proposal's effects are in place, and the file does not say `done` yet. */
  | 'after-carry-out'
  /** A history entry's commit is written and the history's branch does not point at it yet (history/record-entry.ts). */
  | 'mid-history'
  /** Half of a history entry is handed to `git fast-import`, the rest not (history/fast-import.ts). */
  | 'mid-import'
  /** `send` holds its numbers' claims, and has written no message yet (engine/human/send-as-human.ts). */
  | 'after-claim'
  /** `send` has written its messages, and holds their claims still. */
  | 'before-release';

const setting = process.env.LEMMING_CRASH_AT;
const [target, countText] = setting ? setting.split(':') : [];
let remaining = Number(countText ?? 1);

function reached(point: CrashPoint): boolean {
  if (target !== point) return false;
  remaining -= 1;
  return remaining <= 0;
}

/**
 * Kill the process with SIGKILL when `LEMMING_CRASH_AT` names this point and its count is
 * reached; otherwise it does nothing.
 */
export function crashPoint(point: CrashPoint): void {
  if (reached(point)) process.kill(process.pid, 'SIGKILL');
}

/**
 * Write `text` with `write`; at the chosen time, write only part of it (all but the
 * second half of its last line) and die there, as a process killed inside a write would.
 */
export function writeWithCrashPoint(point: CrashPoint, text: string, write: (part: string) => void): void {
  if (reached(point)) {
    const lastLineStart = text.lastIndexOf('\n', text.length - 2) + 1;
    write(text.slice(0, lastLineStart + Math.floor((text.length - lastLineStart) / 2)));
    process.kill(process.pid, 'SIGKILL');
  }
  write(text);
}
