import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isValidAgentName } from '../../org/names.js';
import { requireOrgRoot } from '../../org/must-exist.js';
import { requireOwnFolders } from '../../org/own-folders.js';
import { acquireLock } from './lock.js';
import { agentPaths, statePaths } from './state-paths.js';

/**
 * Clear everything a run produced: engine state, ledger, outboxes, notes and logs.
 * Resumes, the chart and org.yaml stay. Refuses while an engine holds the lock, and (a
 * StorageError naming it) when an agent's folder leads out of the org, before removing anything.
 */
export function resetOrg(root: string): { removed: number } {
  requireOrgRoot(root);
  const lock = acquireLock(root, 'reset');
  let removed = 0;
  try {
    const clear = (directory: string, keep: (name: string) => boolean = () => false): void => {
      let names: string[];
      try {
        names = readdirSync(directory);
      } catch {
        return;
      }
      for (const name of names) {
        if (keep(name)) continue;
        rmSync(join(directory, name), { recursive: true, force: true });
        removed += 1;
      }
    };
    let agents: string[] = [];
    try {
      agents = readdirSync(join(root, 'agents')).filter(isValidAgentName);
    } catch {
      agents = [];
    }
    // Before anything is removed: a folder of an agent's that leads out of the org stops the reset, naming it, and nothing over there is emptied.
    for (const agent of agents) requireOwnFolders(root, agent);
    const paths = statePaths(root);
    clear(paths.directory, (name) => name === '.gitignore' || name === 'lock');
    for (const agent of agents) {
      const folders = agentPaths(root, agent);
      clear(folders.outbox);
      clear(folders.memory);
      clear(folders.logs);
    }
  } finally {
    lock.release();
  }
  return { removed };
}
