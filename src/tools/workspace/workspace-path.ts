import { isAbsolute, join } from 'node:path';
import type { Agent } from '../../org/org.js';

/** Paths starting with this folder name mean the org's shared `workspace/`; all others, the agent's own. */
export const SHARED_PREFIX = 'shared';

/** A path a tool may use: where it is on disk, and how to name it to the model and in logs. */
export interface WorkspacePath {
  absolute: string;
  /** The workspace folder it is in (the agent's or the shared one). */
  base: string;
  /** Its parts below that folder, each one name (no `.`, `..` or `/`); none for the folder itself. */
  parts: readonly string[];
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
 * Resolve a path a model gave to a place in a workspace, or say why it is refused: `..`, absolute
 * paths and NUL are refused, and writing to the shared workspace needs the resume's
 * `shared_workspace: write`. Pure: nothing on disk is looked at here. Links are dealt with when the
 * path is opened (sandbox/beneath/open-beneath.ts), part by part from the workspace's folder, at the
 * moment of use; a check made here, before, is one a command could race.
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
  const display = shared ? [SHARED_PREFIX, ...inside].join('/') : inside.join('/') || '.';
  return { absolute: join(root, fromRoot), base: join(root, baseFromRoot), parts: inside, display, fromRoot, shared };
}

/** How the model names the first `count` parts of a path in a workspace (`src`, `shared/d`; `.` or `shared` for none). */
export function displayParts(place: WorkspacePath, count: number): string {
  const parts = place.parts.slice(0, Math.max(0, count));
  if (place.shared) return [SHARED_PREFIX, ...parts].join('/');
  return parts.join('/') || '.';
}
