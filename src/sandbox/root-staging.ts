import type { CommandSpec } from './command-spec.js';
import type { HostIdentity } from './sandbox-identity.js';

/**
 * How root starts a sandbox that is not root. bwrap started as the sandbox's identity (nobody)
 * reads the folders it binds as that user, and an org's folders often sit below one only root may
 * pass (`/root/org`, a `mktemp -d` folder, both mode 0700); an open descriptor does not help, since
 * bwrap can no longer follow /proc/self/fd once it has entered its user namespace. So root first
 * starts a bwrap of its own, with no user namespace and only a mount namespace: the host's tree as it
 * is, plus a small tmpfs where the folders a command is given are bound again, at paths anyone may
 * pass. In there it drops to the identity (setpriv, with no supplementary groups) and clears the
 * environment (env -i, so not even the PWD bwrap sets reaches the sandbox's first process), then
 * starts the sandbox's own bwrap as before, which binds the folders from there.
 */

/** Where the folders are bound again, in root's mount namespace alone (never on the host). */
export const STAGE = '/run/lemming-stage';

/** The programs the first stage runs. */
export interface StagePrograms {
  bwrap: string;
  setpriv: string;
  env: string;
}

/** Where the sandbox's bwrap finds each folder of the spec, once staged. */
export interface StagedSources {
  workspace: string;
  shared?: string;
  readOnly: string[];
}

/**
 * The command the first stage runs up to the sandbox's bwrap, and where that bwrap finds the
 * spec's folders. The stage's own bwrap options are bwrap-arguments.ts `stageOptions`, with all the
 * others.
 */
export function rootStage(spec: CommandSpec, identity: HostIdentity, programs: StagePrograms): { prefix: string[]; sources: StagedSources } {
  const sources: StagedSources = {
    workspace: `${STAGE}/workspace`,
    ...(spec.shared ? { shared: `${STAGE}/shared` } : {}),
    readOnly: (spec.readOnly ?? []).map((_, index) => `${STAGE}/read-only-${index}`),
  };
  const prefix = [programs.setpriv, `--reuid=${identity.uid}`, `--regid=${identity.gid}`, '--clear-groups', '--', programs.env, '-i', programs.bwrap];
  return { prefix, sources };
}
