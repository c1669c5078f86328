import { bootstrap } from '../../library/bootstrap.js';
import type { Output } from '../cli-context.js';

/**
 * `lemming bootstrap [--template NAME|./folder]`: write the default org's (or the template's)
 * missing files and folders into `root`; files a person changed are kept.
 */
export function bootstrapCommand(root: string, output: Output, options: { template?: string } = {}): number {
  const report = bootstrap(root, options);
  const template = report.template;
  for (const file of report.written) output.out(`wrote ${file}`);
  for (const file of report.kept) output.out(`kept ${file} (it differs from the ${template ? 'template' : 'default'}; your edits stay)`);
  if (report.folders.length > 0) output.out(`made ${report.folders.length} missing folder(s)`);
  if (report.written.length === 0 && report.folders.length === 0) output.out('the org is already in place; nothing to do');
  const first = template?.seed?.to ?? 'manager';
  const from = template ? ` from the template ${template.name} (${template.description})` : '';
  output.out(`org root: ${root}${from}. Next: \`lemming send ${first} "..."\`, then \`lemming run\`.`);
  return 0;
}
