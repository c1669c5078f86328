import { fromWorkingFolder } from '../invocation.js';
import { requireFolderFor } from '../storage/named-destination.js';

/**
 * The folder a report's tables go into, as a person gave it (`--csv DIR`, or the library's `csv: DIR`),
 * taken from the working folder and checked by the one rule for a path a person names
 * (storage/named-destination.ts). Called as the command or the library call starts, so a typo is
 * refused before the work whose tables it would hold (an experiment's runs, a survey's calls), not
 * once that work is done and paid for.
 */
export function tablesFolder(given: string): string {
  const folder = fromWorkingFolder(given);
  requireFolderFor('--csv', folder);
  return folder;
}
