import { spawnSync } from 'node:child_process';

/**
 * Fault injection for the storage tests, like the crash points (engine/record/crash-points.ts):
 * with `LEMMING_STORAGE_FAULT=<text>:<n>:<what>` set, the n-th write through the write layer to
 * a file whose path contains `<text>` meets a fault, once. `<what>` is
 * - `ENOSPC`, `EDQUOT`, `EROFS` or `EIO`: half the bytes are written, then the write fails with
 *   that code, as a disk that fills up part-way through a write does;
 * - `SIGKILL`: half the bytes are written, then the process is killed (a crash inside a write);
 * - `$ <command>`: the command runs first (a test fills its small disk, say), and the write then
 *   meets the disk as it is.
 * Without the variable, a write asks one comparison of it.
 */
export type InjectedFault = 'ENOSPC' | 'EDQUOT' | 'EROFS' | 'EIO' | 'SIGKILL';

const INJECTED: ReadonlySet<string> = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EIO', 'SIGKILL']);

interface Armed {
  text: string;
  remaining: number;
  what: string;
}

function parse(setting: string | undefined): Armed | undefined {
  if (!setting) return undefined;
  const first = setting.indexOf(':');
  const second = setting.indexOf(':', first + 1);
  if (first < 0 || second < 0) return undefined;
  const what = setting.slice(second + 1);
  if (!INJECTED.has(what) && !what.startsWith('$ ')) return undefined;
  return { text: setting.slice(0, first), remaining: Number(setting.slice(first + 1, second)) || 1, what };
}

let armed = parse(process.env.LEMMING_STORAGE_FAULT);

/**
 * Called by the write layer before it writes to `target` (the file as named, not its temporary).
 * Runs a command fault at once; returns the fault the write itself must act out, if any.
 */
export function storageFault(target: string): InjectedFault | undefined {
  if (armed === undefined || !target.includes(armed.text)) return undefined;
  armed.remaining -= 1;
  if (armed.remaining > 0) return undefined;
  const { what } = armed;
  armed = undefined;
  if (what.startsWith('$ ')) {
    // The command's own failure (a disk filled until `cat` could write no more) is its point.
    spawnSync('sh', ['-c', what.slice(2)], { stdio: 'ignore' });
    return undefined;
  }
  return what as InjectedFault;
}

/** Act out an injected fault after half the bytes were written with `writeHalf`: kill the process, or throw the error a disk would. */
export function actOut(fault: InjectedFault, target: string, writeHalf: () => void): never {
  writeHalf();
  if (fault === 'SIGKILL') process.kill(process.pid, 'SIGKILL');
  const error = new Error(`${fault}: injected by LEMMING_STORAGE_FAULT, write '${target}'`) as NodeJS.ErrnoException;
  error.code = fault;
  error.syscall = 'write';
  error.path = target;
  throw error;
}
