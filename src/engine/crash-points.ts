/**
 * Fault injection for the crash tests: with `LEMMING_CRASH_AT=<point>:<n>` set, the
 * process kills itself with SIGKILL the n-th time it reaches `<point>` (n defaults to 1).
 * Without the variable this is one property read. The points are the moments at which
 * a real crash would hurt most; see tests/crash-recovery.test.ts.
 */
export type CrashPoint =
  | 'before-call'
  | 'after-response'
  | 'mid-write'
  | 'after-apply'
  | 'after-ledger'
  | 'before-commit'
  | 'after-commit';

const setting = process.env.LEMMING_CRASH_AT;
const [target, countText] = setting ? setting.split(':') : [];
let remaining = Number(countText ?? 1);

export function crashPoint(point: CrashPoint): void {
  if (target !== point) return;
  remaining -= 1;
  if (remaining <= 0) process.kill(process.pid, 'SIGKILL');
}
