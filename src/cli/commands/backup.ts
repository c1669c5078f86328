import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { exportOrg } from '../../archive/export-org.js';
import type { Output } from '../cli-context.js';
import { slowWorkLine } from '../slow-work-line.js';
import { describeExport, leftOutLines } from './export.js';

/**
 * `lemming backup [FILE]`: an export taken while a run goes on, between two of its turns (the
 * turn gate, engine/record/turn-gate.ts); the run waits at the gate only while the files are
 * copied. FILE defaults to `backups/<time>.tar.gz` in the root, outside the org's folders.
 */
export async function backupCommand(root: string, file: string | undefined, output: Output): Promise<number> {
  // The default folder is lemming's own, made here; a file the person names goes in a folder that exists (export-org.ts).
  if (file === undefined) mkdirSync(join(root, 'backups'), { recursive: true });
  const target = file ?? join(root, 'backups', `backup-${new Date().toISOString().replace(/[:.]/g, '-')}.tar.gz`);
  const slow = slowWorkLine(output, 'backing up');
  const report = await exportOrg(root, target, 'backup', { progress: slow.progress }).finally(() => slow.done());
  const when = report.running ? `, between turns ${report.manifest.turn} and ${report.manifest.turn + 1} of the run going on` : '';
  output.out(`backed up ${describeExport(report)}${when}`);
  for (const line of leftOutLines(report)) output.out(line);
  return 0;
}
