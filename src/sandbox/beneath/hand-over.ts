import { fchownSync } from 'node:fs';

/** The host user and group a workspace's new files belong to: the identity commands run as (when lemming is root). */
export interface FileOwner {
  uid: number;
  gid: number;
}

/**
 * Every file and folder lemming's file tools create in a workspace passes through here once,
 * while it is held open, so that commands can go on changing it. With no owner (lemming is not
 * root: commands are lemming's own user, who owns what lemming makes) there is nothing to do; when
 * lemming runs as root and commands as an unprivileged host identity, the new file or folder is
 * given to that identity through its descriptor, which follows no name and so cannot be raced.
 */
export function handOver(fd: number, owner: FileOwner | undefined): void {
  if (owner === undefined) return;
  fchownSync(fd, owner.uid, owner.gid);
}
