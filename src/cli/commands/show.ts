import { fileAtTurn } from '../../history/read-history.js';
import { requireOrgRoot } from '../../org/must-exist.js';
import type { Output } from '../cli-context.js';

/** `lemming show --at N PATH`: a file of the org as it was after turn N, from the org's history. */
export function showCommand(root: string, path: string, options: { at: number }, output: Output): number {
  requireOrgRoot(root);
  const bytes = fileAtTurn(root, options.at, path);
  const text = bytes.toString('utf8');
  // Through the one printer (control characters shown, secrets cut), a line at a time; the file's last newline is the printer's.
  for (const line of (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n')) output.out(line);
  return 0;
}
