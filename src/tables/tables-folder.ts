import { fromWorkingFolder } from '../invocation.js';
import { requireWritableFolder } from '../storage/named-destination.js';

/**
 * The folder a report's tables go into, as a person gave it (`--csv DIR`, or the library's `csv: DIR`),
 * taken from the working folder and checked by the one rule for a folder a person names
 * (storage/named-destination.ts): its folder exists and the system lets lemming write there. Called
 * as the command or the library call starts, so a typo or a folder the system refuses (`/proc/self`)
 * is refused before the work whose tables it would hold (an experiment's runs, a survey's calls), not
 * once that work is done and paid for.
 */
export function tablesFolder(given: string): string {
  const folder = fromWorkingFolder(given);
  requireWritableFolder('--csv', folder, 'tables');
  return folder;
}
