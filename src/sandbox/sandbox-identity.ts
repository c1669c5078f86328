import { closeSync, fchownSync, lchownSync, lstatSync } from 'node:fs';
import { entryPath, openBase } from './beneath/open-beneath.js';
import { UNBOUNDED, walkBeneath } from './beneath/walk-beneath.js';
import { DEFAULT_MAX_FILES } from './workspace-bounds.js';

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
 * (made by root, or by a lemming that ran commands as root) has its tree handed by the one walker
 * (beneath/walk-beneath.ts), the folder itself last: each folder is opened from its parent's
 * descriptor and each entry given through it, links given and never followed, so a part of the tree
 * swapped for a link while it is walked leads nowhere else, and a chain of folders past PATH_MAX is
 * handed like any other, as deep as a walk from descriptors goes. The walk stops after `maxFiles`
 * entries (the workspace's engine.sandbox.max_files: a workspace holding more is past its quota,
 * and what is past stays as it was); it is made once, since the folder is the identity's afterwards.
 */
export function handToCommands(folder: string, identity: HostIdentity | undefined, maxFiles = DEFAULT_MAX_FILES): void {
  if (identity === undefined) return;
  const stat = lstatSync(folder);
  if (!stat.isDirectory() || (stat.uid === identity.uid && stat.gid === identity.gid)) return;
  const opened = openBase(folder);
  if ('code' in opened) throw new Error(`${folder} could not be opened to hand it to the sandbox's identity (${opened.code})`);
  try {
    walkBeneath(
      opened.fd,
      { ...UNBOUNDED, pathBytes: Number.MAX_SAFE_INTEGER, entries: maxFiles },
      (entry) => {
        // Passed over for its bounds, a folder is not entered, but it is still the command's to remove.
        lchownSync(entryPath(entry.folder, entry.name), identity.uid, identity.gid);
        return undefined;
      },
      { enterGit: true },
    );
    fchownSync(opened.fd, identity.uid, identity.gid);
  } finally {
    closeSync(opened.fd);
  }
}
