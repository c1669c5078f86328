import { LemmingError } from '../../errors.js';
import { requireAgent } from '../../org/must-exist.js';
import { LEADS_OUTSIDE } from '../../storage/inside-root.js';
import type { Org } from '../../org/org.js';
import { readWorkspaceFile } from '../../tools/workspace/read-workspace-file.js';
import type { WorkspaceFileView } from '../api-types.js';

export type { WorkspaceFileView };

/** The most of a file the page is given: enough for any report or source file; a larger one is cut and says so. */
export const WORKSPACE_VIEW_BYTES = 256 * 1024;

/**
 * Text that is not text: a NUL anywhere, or more than one character in fifty that UTF-8 could not
 * decode (a cut at the cap may split one character: that one is not counted).
 */
function looksBinary(text: string): boolean {
  if (text.includes('\0')) return true;
  const undecoded = (text.slice(0, -1).match(/\uFFFD/g) ?? []).length;
  return undecoded > 0 && undecoded * 50 > text.length;
}

/**
 * A file of an agent's workspace (or the shared one, `shared/...`) for the dashboard to show,
 * read-only, by the `read_file` tool's own rules (tools/workspace/read-workspace-file.ts: no `..`,
 * nothing absolute, no link followed at any part, opened from the workspace's folder so a command
 * racing it reaches nothing outside). Capped at WORKSPACE_VIEW_BYTES; a binary file is named, not
 * given. Throws LemmingError: `unknown-agent` and `not-found` (404), `bad-path` (400).
 */
export function workspaceFileView(org: Org, name: string, path: string): WorkspaceFileView {
  const agent = requireAgent(org, name);
  if (path.trim() === '') throw new LemmingError('bad-path', `path is required: a file of ${name}'s workspace, for example path=notes.md, or path=shared/plan.md for the shared one`);
  const found = readWorkspaceFile(org.root, agent, path, WORKSPACE_VIEW_BYTES);
  if ('refused' in found) {
    switch (found.refused) {
      case 'path':
        throw new LemmingError('bad-path', `${found.error.replace(/your workspace/g, `${name}'s workspace`)}`);
      case 'missing':
        throw new LemmingError('not-found', `${found.at} does not exist in ${found.place.shared ? 'the shared workspace' : `${name}'s workspace`} (${found.place.fromRoot})`);
      case 'link':
        throw new LemmingError('bad-path', `${found.at} is a symbolic link; lemming follows no link in a workspace`);
      case 'outside':
        throw new LemmingError('bad-path', `${found.at} ${LEADS_OUTSIDE}`);
      case 'folder':
        throw new LemmingError('bad-path', `${found.at} is a folder; give a file in it, for example path=${found.place.display === '.' ? '' : `${found.place.display}/`}notes.md`);
      case 'not-file':
        throw new LemmingError('bad-path', `${found.at} is not a regular file (a pipe or a device)`);
    }
  }
  const { place, read } = found;
  const binary = looksBinary(read.text);
  return { agent: name, path: place.display, file: place.fromRoot, size: read.size, truncated: read.truncated, binary, text: binary ? '' : read.text };
}
