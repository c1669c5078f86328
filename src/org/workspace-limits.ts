import { DEFAULT_DISK_MB, DEFAULT_MAX_FILES, type WorkspaceLimits } from '../sandbox/workspace-bounds.js';
import type { Org } from './org.js';
import type { WorkspaceLimitsOf } from './walk-org.js';

/** engine.sandbox's defaults (org/schema.ts), for an org whose files cannot be read: what its workspaces are held to. */
export const DEFAULT_WORKSPACE_LIMITS: Readonly<WorkspaceLimits> = Object.freeze({ disk_mb: DEFAULT_DISK_MB, max_files: DEFAULT_MAX_FILES });

/**
 * The limits each workspace of an org is held to, and read within: an agent's from its resume's
 * `sandbox:` over org.yaml's engine.sandbox, the shared workspace's (undefined) from org.yaml alone,
 * an agent the org does not know of (a folder left in agents/) by org.yaml's. The disk quota of
 * commands (tools/commands/command-limits.ts) resolves the same fields the same way, a command
 * tool's own `limits:` last.
 */
export function workspaceLimitsOf(org: Pick<Org, 'settings' | 'agents'> | undefined): WorkspaceLimitsOf {
  if (org === undefined) return () => DEFAULT_WORKSPACE_LIMITS;
  const sandbox = org.settings.sandbox;
  return (agent) => {
    const own = agent === undefined ? undefined : org.agents.get(agent)?.sandbox;
    return { disk_mb: own?.disk_mb ?? sandbox.disk_mb, max_files: own?.max_files ?? sandbox.max_files };
  };
}
