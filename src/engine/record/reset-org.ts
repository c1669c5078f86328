import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isValidAgentName } from '../../org/names.js';
import { requireOrgRoot } from '../../org/must-exist.js';
import { acquireLock } from './lock.js';
import { agentPaths, statePaths } from './state-paths.js';

/**
 * Clear everything a run produced: engine state, ledger, outboxes, notes and logs.
 * Resumes, the chart and org.yaml stay. Refuses while an engine holds the lock.
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
    const paths = statePaths(root);
    clear(paths.directory, (name) => name === '.gitignore' || name === 'lock');
    let agents: string[] = [];
    try {
      agents = readdirSync(join(root, 'agents')).filter(isValidAgentName);
    } catch {
      agents = [];
    }
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
