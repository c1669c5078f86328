import { readFileSync } from 'node:fs';

/**
 * A JSON file lemming wrote for itself to find again (a fork's or a run's result, a report), or
 * undefined when it is not there or not whole: then the work it would have saved is done again.
 */
export function readSavedJson<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}
