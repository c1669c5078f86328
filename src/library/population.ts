import { fromWorkingFolder, workingFolder } from '../invocation.js';
import { defaultTemplateFolder, findTemplate } from '../org/templates/org-templates.js';
import { packageRoot } from '../package-root.js';
import { populate as populateOrg, type PopulateReport } from '../population/populate.js';

/** Options of `populate`. */
export interface PopulateOptions {
  /** The org template (a name `lemming templates` lists, or a folder) whose settings, model registry and agent templates the org gets; the default org's when absent. */
  template?: string;
  /** Write nothing: say what would be written (and what `enrich` would cost). */
  dryRun?: boolean;
  /** Ask this registry model for each agent's biography, charged to the research account; recorded to or replayed from a cassette. */
  enrich?: { model: string; record?: string; replay?: string };
}

/**
 * Make an org of N people at `root` (a new or empty folder) from a population spec (docs/people.md):
 * what `lemming populate SPEC --root ROOT` does, and the report its `--json` prints. Throws a
 * LemmingError naming every problem of the spec, or when `root` holds an org already.
 */
export async function populate(spec: string, root: string, options: PopulateOptions = {}): Promise<PopulateReport> {
  const { enrich } = options;
  return populateOrg(spec, fromWorkingFolder(root), {
    template: options.template === undefined ? defaultTemplateFolder(packageRoot()) : findTemplate(packageRoot(), options.template, workingFolder()).folder,
    ...(options.dryRun ? { dryRun: true } : {}),
    ...(enrich === undefined ? {} : { enrich: { model: enrich.model, ...(enrich.record === undefined ? {} : { record: fromWorkingFolder(enrich.record) }), ...(enrich.replay === undefined ? {} : { replay: fromWorkingFolder(enrich.replay) }) } }),
  });
}
