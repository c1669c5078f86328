import { readOwnCache } from './read-own-file.js';

/**
 * A JSON file lemming wrote for itself to find again (a fork's or a run's result, a report), or
 * undefined when it is not there, not whole or not a regular file (read-own-file.ts): then the work
 * it would have saved is done again.
 */
export function readSavedJson<T>(path: string): T | undefined {
  const text = readOwnCache(path);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}
