import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

/**
 * The file-system work done while a piece of code ran: how many times each `node:fs`
 * function was called, and how much was read and listed. A measure of work that does not
 * change with how busy the machine is, unlike a timing.
 */
export interface FsWork {
  /** Calls per function name (`statSync`, `readdirSync`, ...). */
  calls: Record<string, number>;
  /** Bytes returned by `readFileSync` and `readSync`. */
  bytesRead: number;
  /** Names returned by `readdirSync`. */
  entriesListed: number;
  /** The folders `readdirSync` listed, in order. */
  listed: string[];
  /** The paths `openSync` opened (or tried to), in order. */
  opened: string[];
}

const COUNTED = [
  'statSync', 'lstatSync', 'fstatSync', 'existsSync', 'readdirSync', 'readFileSync', 'readSync', 'openSync',
  'writeFileSync', 'appendFileSync', 'writeSync', 'renameSync', 'linkSync', 'unlinkSync', 'mkdirSync',
] as const;

type AnyFunction = (...args: unknown[]) => unknown;

function sizeOf(result: unknown): number {
  if (typeof result === 'string') return Buffer.byteLength(result);
  if (Buffer.isBuffer(result)) return result.length;
  return 0;
}

/**
 * Runs `work` with every counted `node:fs` function wrapped, and returns what it did.
 * The engine imports these functions by name, so the wrappers are put on the `fs` module
 * and `syncBuiltinESMExports` makes the named imports see them; both are undone after.
 */
export async function countFsWork(work: () => Promise<void>): Promise<FsWork> {
  const counted: FsWork = { calls: {}, bytesRead: 0, entriesListed: 0, listed: [], opened: [] };
  const module = fs as unknown as Record<string, AnyFunction>;
  const originals = new Map<string, AnyFunction>();
  for (const name of COUNTED) {
    const original = module[name] as AnyFunction;
    originals.set(name, original);
    module[name] = function counting(this: unknown, ...args: unknown[]) {
      counted.calls[name] = (counted.calls[name] ?? 0) + 1;
      if (name === 'openSync') counted.opened.push(String(args[0]));
      const result = original.apply(this, args);
      if (name === 'readFileSync') counted.bytesRead += sizeOf(result);
      if (name === 'readSync' && typeof result === 'number') counted.bytesRead += result;
      if (name === 'readdirSync' && Array.isArray(result)) counted.entriesListed += result.length;
      if (name === 'readdirSync') counted.listed.push(String(args[0]));
      return result;
    };
  }
  syncBuiltinESMExports();
  try {
    await work();
  } finally {
    for (const [name, original] of originals) module[name] = original;
    syncBuiltinESMExports();
  }
  return counted;
}

/** The number of calls to the given functions. */
export function callsTo(work: FsWork, ...names: string[]): number {
  return names.reduce((sum, name) => sum + (work.calls[name] ?? 0), 0);
}
