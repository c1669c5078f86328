import { exportOrg, type ExportReport } from '../../archive/export-org.js';
import type { Output } from '../cli-context.js';

/**
 * `lemming export FILE.tar.gz [--history]`: the org as one archive, whole turns, without secrets or
 * machine-local files; with `--history`, its history too (as a git bundle), which `import` restores.
 */
export async function exportCommand(root: string, file: string, options: { history?: boolean }, output: Output): Promise<number> {
  const report = await exportOrg(root, file, 'export', options.history ? { history: true } : {});
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
  const secretFiles = report.list.leftOut.filter((item) => item.reason === 'secret').map((item) => item.path);
  const local = report.list.leftOut.filter((item) => item.reason === 'machine-local' || item.reason === 'temporary').map((item) => item.path);
  const special = report.list.leftOut.filter((item) => item.reason === 'not a file').map((item) => item.path);
  lines.push(`left out: .env and other secret files${secretFiles.length > 0 ? ` (${secretFiles.join(', ')})` : ''}; machine-local state (${local.length > 0 ? local.join(', ') : 'none here'})`);
  if (!report.manifest.history && local.includes('org/state/history.git')) lines.push('the history stays here: `lemming export --history` carries it');
  if (special.length > 0) lines.push(`left out, not regular files (links are never followed): ${special.join(', ')}`);
  if (report.cut.length > 0) lines.push(`secret values cut from: ${report.cut.join(', ')}`);
  return lines;
}
