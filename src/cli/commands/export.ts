import { exportOrg, type ExportReport } from '../../archive/export-org.js';
import type { Output } from '../cli-context.js';
import { formatCount, showSize } from '../../format/format.js';
import { slowWorkLine } from '../slow-work-line.js';
import { KIND_REASONS, passedText, type PassReason } from '../../sandbox/beneath/walk-beneath.js';

/** Why a walk passes an entry over that is a bound of a workspace, not what the entry is. */
const BOUND_REASONS: ReadonlySet<string> = new Set(['depth', 'path', 'file-bytes', 'total-bytes', 'entries', 'unreadable']);

/**
 * `lemming export FILE.tar.gz [--history]`: the org as one archive, whole turns, without secrets or
 * machine-local files; with `--history`, its history too (as a git bundle), which `import` restores.
 */
export async function exportCommand(root: string, file: string, options: { history?: boolean }, output: Output): Promise<number> {
  const slow = slowWorkLine(output, 'exporting');
  const report = await exportOrg(root, file, 'export', { ...(options.history ? { history: true } : {}), progress: slow.progress }).finally(() => slow.done());
  output.out(`exported ${describeExport(report)}`);
  const history = report.manifest.history;
  if (history) output.out(`with its history: ${history.entries} entr${history.entries === 1 ? 'y' : 'ies'}, turns ${history.first} to ${history.last} (\`lemming import\` restores it)`);
  for (const line of leftOutLines(report)) output.out(line);
  return 0;
}

/** `org "name" at turn N to FILE: F files` */
export function describeExport(report: ExportReport): string {
  const name = report.manifest.org === undefined ? 'the org' : `org "${report.manifest.org}"`;
  return `${name} at turn ${report.manifest.turn} to ${report.file}: ${report.manifest.files} file(s)`;
}

/** What stayed behind, and what was cut, said in a line each. */
export function leftOutLines(report: ExportReport): string[] {
  const lines: string[] = [];
  const { leftOut, leftOutCount } = report.list;
  const secretFiles = leftOut.filter((item) => item.reason === 'secret').map((item) => item.path);
  const local = leftOut.filter((item) => item.reason === 'machine-local' || item.reason === 'temporary').map((item) => item.path);
  const special = leftOut.filter((item) => KIND_REASONS.has(item.reason as PassReason)).map((item) => passedText({ ...item, reason: item.reason as PassReason }));
  const past = leftOut.filter((item) => BOUND_REASONS.has(item.reason)).map((item) => passedText({ ...item, reason: item.reason as PassReason }, showSize));
  lines.push(`left out: .env and other secret files${secretFiles.length > 0 ? ` (${secretFiles.join(', ')})` : ''}; machine-local state (${local.length > 0 ? local.join(', ') : 'none here'})`);
  if (!report.manifest.history && local.includes('org/state/history.git')) lines.push('the history stays here: `lemming export --history` carries it');
  if (special.length > 0) lines.push(`left out, not regular files (links are never followed): ${special.join(', ')}`);
  if (past.length > 0) lines.push(`left out, past a workspace's bounds (engine.sandbox.disk_mb and max_files; folders 64 deep, paths 1,024 bytes): ${past.join(', ')}`);
  if (leftOutCount > leftOut.length) lines.push(`and ${formatCount(leftOutCount - leftOut.length)} more left out, not named here`);
  if (report.cut.length > 0) lines.push(`secret values cut from: ${report.cut.join(', ')}`);
  return lines;
}
