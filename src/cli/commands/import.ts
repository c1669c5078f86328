import { importOrg } from '../../archive/import-org.js';
import { manifestDifferences } from '../../archive/manifest.js';
import { formatProblem } from '../../errors.js';
import { loadOrgForReading } from '../../org/load-org-once.js';
import { namedVariables } from '../../org/org-secrets.js';
import { requireOrgFolder } from '../../org/org-folder.js';
import { slowWorkLine } from '../slow-work-line.js';
import type { Output } from '../cli-context.js';

/** `lemming import FILE --root DIR`: a new org from an export or a backup, going on where it was. */
export async function importCommand(root: string, file: string, output: Output): Promise<number> {
  // A folder that holds an org passes here, and importOrg refuses it: an import never writes over one.
  requireOrgFolder(root, 'import');
  const slow = slowWorkLine(output, 'importing');
  const report = await importOrg(file, root, slow.progress).finally(() => slow.done());
  const name = report.manifest.org === undefined ? 'the org' : `org "${report.manifest.org}"`;
  output.out(
    `imported ${name} (${report.manifest.by === 'backup' ? 'backed up' : 'exported'} at turn ${report.manifest.turn}, ${report.manifest.taken}) into ${report.root}: ${report.files} file(s); ` +
      `\`lemming run --root ${report.root}\` goes on with turn ${report.turn + 1}`,
  );
  for (const line of manifestDifferences(report.manifest, report)) output.out(line);
  if (report.history) output.out(`with its history: ${report.history.entries} entr${report.history.entries === 1 ? 'y' : 'ies'}, turns ${report.history.first} to ${report.history.last} (\`lemming history --root ${report.root}\` lists them)`);
  // The archive's files are outside bytes: read through the same loader as validate, and told the same way.
  const loaded = loadOrgForReading(report.root);
  const variables = [...new Set(namedVariables(loaded.org).map((named) => named.variable))];
  if (variables.length > 0) output.out(`secrets do not travel: the org names ${variables.join(", ")}; set the ones its models use here (in the environment or ${report.root}/.env)`);
  const errors = loaded.problems.filter((problem) => problem.severity === 'error');
  if (errors.length === 0) return 0;
  for (const problem of loaded.problems) output.err(`${problem.severity}: ${formatProblem(problem)}`);
  output.err(`the imported org has ${errors.length} error(s): no engine starts on it until they are mended (\`lemming validate --root ${report.root}\` lists them)`);
  return 1;
}
