import { forkOrg } from '../../history/fork-org.js';
import { requireOrgRoot } from '../../org/must-exist.js';
import { requireFolderFor } from '../../storage/named-destination.js';
import type { Output } from '../cli-context.js';

/**
 * `lemming fork --from ORG --at N --root DIR`: a new org at DIR, the org at ORG as it was after
 * turn N (record, ledger, read marks, proposals, workspaces); its next run is turn N+1.
 */
export async function forkCommand(root: string, from: string, options: { at: number }, output: Output): Promise<number> {
  requireOrgRoot(from, '--from');
  requireFolderFor('--root', root);
  const { origin } = await forkOrg(from, options.at, root);
  output.out(`forked ${origin.from} as it was after turn ${origin.turn} to ${root} (history entry ${origin.commit.slice(0, 7)}); its next run is turn ${origin.turn + 1}`);
  output.out(`where it came from: ${root}/org/state/forked-from.json`);
  return 0;
}
