import { bootstrapOrg, type BootstrapReport } from '../org/bootstrap-org.js';
import { requireOrgFolder } from '../org/org-folder.js';
import { bootstrapTemplate, defaultTemplateFolder, findTemplate, type OrgTemplate } from '../org/templates/org-templates.js';
import { packageRoot } from '../package-root.js';
import { fromWorkingFolder, workingFolder } from '../invocation.js';

/** What `bootstrap` wrote, and the template it wrote from (absent for the default org). */
export interface Bootstrapped extends BootstrapReport {
  template?: OrgTemplate;
}

/** Options of `bootstrap`. */
export interface BootstrapOptions {
  /** A template's name (`lemming templates` lists them) or a folder holding one; the default org when absent. */
  template?: string;
}

/**
 * Write the default org (or a template's) into `root` (a relative root is taken from the current folder): the files and folders it lacks. Files a
 * person changed are kept and listed in `kept`. Throws a LemmingError when `root` holds something
 * that is not an org, or the template is unknown.
 */
export function bootstrap(root: string, options: BootstrapOptions = {}): Bootstrapped {
  const folder = fromWorkingFolder(root);
  requireOrgFolder(folder, 'bootstrap');
  if (options.template === undefined) return bootstrapOrg(folder, defaultTemplateFolder(packageRoot()));
  const template = findTemplate(packageRoot(), options.template, workingFolder());
  return { ...bootstrapTemplate(folder, template, packageRoot()), template };
}
