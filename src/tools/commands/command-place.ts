import { lstatSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandSpec } from '../../sandbox/command-spec.js';
import { commandHostIdentity, handToCommands } from '../../sandbox/sandbox-identity.js';
import type { Agent, Org } from '../../org/org.js';
import type { SandboxLimitOverrides } from '../../org/schema.js';
import { ownWorkspace, SHARED_WORKSPACE } from '../workspace/workspace-path.js';
import { commandLimits } from './command-limits.js';

/** A folder a command may be given: made when missing, refused when it is a link or a file (it could lead anywhere on the host). */
function folder(path: string, named: string): string {
  const stat = lstatSync(path, { throwIfNoEntry: false });
  if (stat === undefined) mkdirSync(path, { recursive: true });
  else if (!stat.isDirectory()) throw new Error(`${named} is ${stat.isSymbolicLink() ? 'a symbolic link' : 'not a folder'}, so no command can be given it; make it a plain folder`);
  return path;
}

/**
 * Where an agent's command runs and under what: its own workspace read-write, the org's shared
 * workspace as its resume says (`shared_workspace`), the org's extra read-only folders, and the
 * limits of engine.sandbox, the resume and the tool. Nothing else of the org is given to it. When
 * lemming is root, the folders are handed to the host identity commands run as (engine.sandbox.run_as).
 */
export function commandSpecFor(
  org: Org,
  agent: Agent,
  command: Pick<CommandSpec, 'argv' | 'stdin' | 'env'>,
  options: { limits?: SandboxLimitOverrides; signal?: AbortSignal } = {},
): CommandSpec {
  const workspace = folder(join(org.root, ownWorkspace(agent.name)), `${ownWorkspace(agent.name)}/`);
  const writable = agent.sharedWorkspace === 'write';
  const sharedPath = join(org.root, SHARED_WORKSPACE);
  const sharedStat = lstatSync(sharedPath, { throwIfNoEntry: false });
  const shared = writable || sharedStat?.isDirectory() ? { path: folder(sharedPath, `${SHARED_WORKSPACE}/`), writable } : undefined;
  const runAs = org.settings.sandbox.run_as;
  const limits = commandLimits(org, agent, options.limits);
  if (org.settings.sandbox.isolation === 'bwrap') {
    const identity = commandHostIdentity(runAs);
    handToCommands(workspace, identity, limits.max_files);
    if (shared) handToCommands(shared.path, identity, limits.max_files);
  }
  return {
    ...command,
    workspace,
    ...(runAs ? { runAs } : {}),
    ...(shared ? { shared } : {}),
    readOnly: org.settings.sandbox.read_only,
    limits,
    isolation: org.settings.sandbox.isolation,
    ...(options.signal ? { signal: options.signal } : {}),
  };
}
