import { importOrg } from '../../archive/import-org.js';
import { loadOrgForReading } from '../../org/load-org.js';
import { namedVariables } from '../../org/org-secrets.js';
import { requireOrgFolder } from '../../org/org-folder.js';
import type { Output } from '../cli-context.js';

/** `lemming import FILE --root DIR`: a new org from an export or a backup, going on where it was. */
export async function importCommand(root: string, file: string, output: Output): Promise<number> {
  // A folder that holds an org passes here, and importOrg refuses it: an import never writes over one.
  requireOrgFolder(root, 'import');
  const report = await importOrg(file, root);
  const name = report.manifest.org === undefined ? 'the org' : `org "${report.manifest.org}"`;
  output.out(
    `imported ${name} (${report.manifest.by === 'backup' ? 'backed up' : 'exported'} at turn ${report.manifest.turn}, ${report.manifest.taken}) into ${report.root}: ${report.files} file(s); ` +
      `\`lemming run --root ${report.root}\` goes on with turn ${report.manifest.turn + 1}`,
  );
  const variables = [...new Set(namedVariables(loadOrgForReading(report.root).org).map((named) => named.variable))];
  if (variables.length > 0) output.out(`secrets do not travel: the org names ${variables.join(", ")}; set the ones its models use here (in the environment or ${report.root}/.env)`);
  return 0;
}
