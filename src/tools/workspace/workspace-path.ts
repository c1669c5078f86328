import { lstatSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import type { Agent } from '../../org/org.js';

/** Paths starting with this folder name mean the org's shared `workspace/`; all others, the agent's own. */
export const SHARED_PREFIX = 'shared';

/** A path a tool may use: where it is on disk, and how to name it to the model and in logs. */
export interface WorkspacePath {
  absolute: string;
  /** As the model should write it: `notes.md`, `shared/plan.md`. */
  display: string;
  /** Relative to the org root: `agents/coder_01/workspace/notes.md`. */
  fromRoot: string;
  shared: boolean;
}

/** The agent's own workspace folder, relative to the org root. */
export function ownWorkspace(agent: string): string {
  return `agents/${agent}/workspace`;
}

/** The org's shared workspace folder, relative to the org root. */
export const SHARED_WORKSPACE = 'workspace';

/**
 * Resolve a path a model gave to a place in a workspace, or say why it is refused.
 * `..`, absolute paths and paths through a symbolic link that leads out of the
 * workspace are refused; writing to the shared workspace needs the resume's
 * `shared_workspace: write`. The file itself need not exist. Touches the disk only
 * to resolve links.
 */
export function resolveWorkspacePath(root: string, agent: Agent, given: string, access: 'read' | 'write'): WorkspacePath | { error: string } {
  if (typeof given !== 'string' || given.includes('\0')) return { error: 'the path must be text without NUL characters' };
  const trimmed = given.trim().replace(/\\/g, '/');
  if (isAbsolute(trimmed) || /^[A-Za-z]:/.test(trimmed) || trimmed.startsWith('~')) {
    return { error: `${JSON.stringify(given)} is an absolute path; give a path inside your workspace, like "notes.md" or "shared/plan.md"` };
  }
  const segments = trimmed.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.includes('..')) return { error: `${JSON.stringify(given)} goes up with ".."; paths stay inside your workspace` };
  const shared = segments[0] === SHARED_PREFIX;
  const inside = shared ? segments.slice(1) : segments;
  if (shared && access === 'write' && agent.sharedWorkspace !== 'write') {
    return { error: `you may read the shared workspace but not write to it (your resume has no \`shared_workspace: write\`)` };
  }
  const baseFromRoot = shared ? SHARED_WORKSPACE : ownWorkspace(agent.name);
  const fromRoot = inside.length === 0 ? baseFromRoot : `${baseFromRoot}/${inside.join('/')}`;
  const base = join(root, baseFromRoot);
  const absolute = join(root, fromRoot);
  const escape = escapesThroughLink(root, base, absolute);
  if (escape) return { error: `${JSON.stringify(given)} ${escape}` };
  const display = shared ? [SHARED_PREFIX, ...inside].join('/') : inside.join('/') || '.';
  return { absolute, display, fromRoot, shared };
}

/**
 * Whether a part of the path below the workspace folder is a symbolic link (stopping
 * at the first part that does not exist yet: there is nothing further to follow). A
 * path without one stays inside the workspace, whatever the workspace folder itself
 * is: a lstat per part, where resolving the real paths cost more than the write.
 */
function linkBelow(base: string, target: string): boolean {
  let path = base;
  for (const part of relative(base, target).split(sep)) {
    if (part === '') continue;
    path = join(path, part);
    const stat = lstatOrUndefined(path);
    if (stat === undefined) return false;
    if (stat.isSymbolicLink()) return true;
  }
  return false;
}

/**
 * Follow the links on the way to `target` (its deepest existing ancestor, or the
 * target itself when it exists) and refuse when they lead outside `base`.
 */
function escapesThroughLink(root: string, base: string, target: string): string | undefined {
  if (!linkBelow(base, target)) return undefined;
  const realRoot = realOrMissing(root);
  if (realRoot === undefined) return 'cannot be resolved: the org folder is missing';
  // A workspace that is itself a link (to a project folder, say) is the agent's to use.
  const realBase = realOrMissing(base) ?? join(realRoot, relative(root, base));
  let existing = target;
  while (lstatOrUndefined(existing) === undefined && existing !== base && existing !== dirname(existing)) existing = dirname(existing);
  const real = realOrMissing(existing);
  if (real === undefined) return undefined;
  if (real !== realBase && !real.startsWith(realBase + sep)) return 'leads out of the workspace through a symbolic link';
  return undefined;
}

function realOrMissing(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

function lstatOrUndefined(path: string): ReturnType<typeof lstatSync> | undefined {
  return lstatSync(path, { throwIfNoEntry: false });
}
