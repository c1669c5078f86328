import { takeLockFileWaiting } from '../record/lock.js';
import { statePaths } from '../record/state-paths.js';

/**
 * Run `change`, a read, edit and write of org/chart.yaml by lemming (`lemming add-agent`, a hire or a retirement
 * carried out), under `org/state/lock.chart`: another such change waits (moments) and then reads the chart this
 * one wrote. Before, each read the chart and wrote it back with its own edit, and of three agents added at once
 * one was said added and lost its place (a resume and no chart entry, in about 1 round of 5).
 */
export function changingChart<T>(root: string, command: string, change: () => T): T {
  const lock = takeLockFileWaiting(statePaths(root).chartLock, command, (holder, where) => `org/chart.yaml is being changed by ${where} (\`lemming ${holder.command}\`, since ${holder.started}); try again`);
  try {
    return change();
  } finally {
    lock.release();
  }
}
