import { lchownSync, lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Who a sandboxed command is on the host. Inside, it is always uid 1000 in a user namespace of its
 * own; outside, that uid is one host user, and that user is what the kernel checks when a command's
 * file is opened, run or made setuid. An ordinary user running lemming can map only itself, so its
 * commands are it. Root could map anyone, itself included, and a command that is root outside can
 * leave a root-owned setuid program in its workspace for any host user to run; so when lemming runs
 * as root, bwrap itself is started as an unprivileged identity (by default `nobody`, 65534:65534;
 * org.yaml `engine.sandbox.run_as` names another), and the folders a command may write are handed
 * to it. Never host uid 0.
 */

/** A host user and group. */
export interface HostIdentity {
  uid: number;
  gid: number;
}

/** The identity commands run as when lemming runs as root and org.yaml names none: the host's `nobody`. */
export const SANDBOX_HOST_IDENTITY: Readonly<HostIdentity> = Object.freeze({ uid: 65534, gid: 65534 });

/** Whether this process is root, whose commands must be started as another identity. */
export function runsAsRoot(): boolean {
  return process.getuid?.() === 0;
}

/**
 * The host identity a command of this org runs as and its files belong to, or undefined when lemming
 * is not root (then it is lemming's own user, the only one it can be). The host-side file tools
 * give this owner to every file and folder they make in a workspace (fchown after creating it), so
 * that a command can go on changing what an agent wrote with write_file.
 */
export function commandHostIdentity(runAs: HostIdentity | undefined): HostIdentity | undefined {
  if (!runsAsRoot()) return undefined;
  const identity = runAs ?? SANDBOX_HOST_IDENTITY;
  // The schema refuses 0 already; this is the line that must hold whatever a caller passes.
  if (identity.uid === 0 || identity.gid === 0) throw new Error('a sandboxed command may not run as host uid or gid 0');
  return identity;
}

/**
 * Give a folder a command may write to the command's host identity, when lemming is root and the
 * folder is not the identity's yet. A folder handed before is left as it is: what a command made in
 * it is the identity's already, and the file tools give it what they make. A folder not handed yet
 * (made by root, or by a lemming that ran commands as root) has its whole tree handed, the folder
 * itself last: until then no command has been able to write in it, so no command can swap a part of
 * the tree for a link while it is walked; links are given, never followed (lchown).
 */
export function handToCommands(folder: string, identity: HostIdentity | undefined): void {
  if (identity === undefined) return;
  const stat = lstatSync(folder);
  if (!stat.isDirectory() || (stat.uid === identity.uid && stat.gid === identity.gid)) return;
  const walk = (path: string): void => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const inner = join(path, entry.name);
      if (entry.isDirectory()) walk(inner);
      lchownSync(inner, identity.uid, identity.gid);
    }
  };
  walk(folder);
  lchownSync(folder, identity.uid, identity.gid);
}
