import { bootstrapOrg } from '../../org/bootstrap-org.js';
import type { Output } from '../cli-context.js';
import { packageRoot } from '../package-root.js';

/**
 * `lemming bootstrap`: write the default org's missing files and folders into `root`;
 * files a person changed are kept.
 */
export function bootstrapCommand(root: string, output: Output): number {
  const report = bootstrapOrg(root, packageRoot());
  for (const file of report.written) output.out(`wrote ${file}`);
  for (const file of report.kept) output.out(`kept ${file} (it differs from the default; your edits stay)`);
  if (report.folders.length > 0) output.out(`made ${report.folders.length} missing folder(s)`);
  if (report.written.length === 0 && report.folders.length === 0) output.out('the org is already in place; nothing to do');
  output.out(`org root: ${root}. Next: \`lemming send manager "..."\`, then \`lemming run\`.`);
  return 0;
}
