import { statSync, type Stats } from 'node:fs';
import type { Problem } from '../errors.js';
import { nameProblem } from './names.js';
import { agentFolders, settledFolderTime } from './settled-org-cache.js';

/** The folders under `agents/`, as `agentFolders` gives them. */
export type AgentFolders = NonNullable<ReturnType<typeof agentFolders>>;

/** How old the time of `agents/` must be for a listing made under it to be kept (settled-org-cache.ts says why). */
export { SETTLED_FOLDER_MS } from './settled-org-cache.js';

/**
 * The folders under `agents/` for a loader that loads the org every turn: listed again only when
 * the folder's mtime moved, so a steady turn of a big org stats one folder instead of listing a
 * thousand names. Any agent folder made, removed or renamed moves that time. As for outboxes,
 * the time only says whether the folder is worth listing, and a time that cannot be trusted
 * (no part below the second, or too recent) keeps nothing.
 */
export class AgentFolderListing {
  private kept?: { mtimeMs: number; folders: AgentFolders };

  constructor(private readonly root: string) {}

  /** The folders, or undefined when there is no `agents/` (or it cannot be listed). Shared: do not change them. */
  folders(): AgentFolders | undefined {
    let stat: Stats | undefined;
    try {
      stat = statSync(`${this.root}/agents`, { throwIfNoEntry: false });
    } catch {
      // Not readable (a permission): listing it says what agentFolders says of it.
    }
    if (this.kept && stat?.isDirectory() && stat.mtimeMs === this.kept.mtimeMs) return this.kept.folders;
    const folders = agentFolders(this.root);
    this.kept = folders && stat?.isDirectory() && settledFolderTime(stat.mtimeMs) ? { mtimeMs: stat.mtimeMs, folders } : undefined;
    return folders;
  }

  /** Start from a listing made earlier, under `agents/` at `mtimeMs` (a kept org's): kept while the folder's time stays. */
  prime(mtimeMs: number, folders: AgentFolders): void {
    this.kept = { mtimeMs, folders };
  }
}

/**
 * What a listing of `agents/` says of the org, in the listing's order: an error when there is no
 * `agents/`, else a warning for each folder ignored for its name.
 */
export function folderProblems(folders: AgentFolders | undefined): Problem[] {
  if (!folders) return [{ file: 'agents/', message: 'is missing; run `lemming bootstrap` to write the default org', severity: 'error' }];
  return folders.ignored.map((name) => ({ file: `agents/${name}/`, message: `${nameProblem('agent', name) ?? 'is not an agent name'}; this folder is ignored`, severity: 'warning' }));
}
