import { statSync } from 'node:fs';
import { forgetAtNextCommand } from '../invocation.js';

/**
 * What a small editable file gave, kept in this process under its stamp (time and size) and what it
 * was checked against (`against`): a turn that reads one list or meeting many times reads it once,
 * and a hand edit, or another org, reads it again. Forgotten at the next command (invocation.ts).
 * `read` is asked only on a change; undefined (no such file) is not kept.
 */
export function keptByStamp<T>(): (path: string, against: unknown, read: () => T | undefined) => T | undefined {
  const kept = new Map<string, { stamp: string; against: unknown; result: T }>();
  forgetAtNextCommand(() => kept.clear());
  return (path, against, read) => {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) return undefined;
    const stamp = `${stat.mtimeMs} ${stat.size}`;
    const hit = kept.get(path);
    if (hit && hit.stamp === stamp && hit.against === against) return hit.result;
    const result = read();
    if (result !== undefined) kept.set(path, { stamp, against, result });
    return result;
  };
}
