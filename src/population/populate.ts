import { EXIT, formatProblem, LemmingError } from '../errors.js';
import { parseOrgFile } from '../org/parse-files.js';
import { requireOrgFolder } from '../org/org-folder.js';
import { AGENT_TEMPLATES_FOLDER } from '../org/templates/agent-templates.js';
import { readTemplateFiles } from '../org/templates/read-template.js';
import { createProviderFactory } from '../providers/create-provider.js';
import { enrichModel, enrichPopulation, estimateEnrichment, type EnrichEstimate, type EnrichReport } from './enrich.js';
import { holdsOrg, makePopulation, planPopulation, unknownRoleModels, writePopulation, type WritePlan } from './populate-org.js';
import { readPopulationSpec } from './population-spec.js';
import { populationOrgYaml } from './population-files.js';
import type { WorkProgress } from '../work-progress.js';
import type { AttributeSummary } from './population-summary.js';

/** What `lemming populate` is asked to do beyond writing the org. */
export interface PopulateOptions {
  /** The org template whose org/org.yaml (settings and model registry) and agent templates the org gets. */
  template: string;
  /** Write nothing: say what would be written, and what `enrich` would cost. */
  dryRun?: boolean;
  /** Ask this registry model for each agent's biography (`--enrich MODEL`), recorded to or replayed from a cassette. */
  enrich?: { model: string; record?: string; replay?: string; fetch?: typeof fetch };
  /** Told of each resume written: a command shows it past a few seconds. */
  progress?: WorkProgress;
}

/** What `lemming populate` made (or, with `dryRun`, would make). */
export interface PopulateReport {
  root: string;
  spec: string;
  name: string;
  seed: number;
  /** Agents besides the human, by role. */
  agents: number;
  roles: { head: number; lead: number; member: number };
  /** The first of the agents who report to the human: where a first message goes. */
  first: string;
  summary: AttributeSummary[];
  written: boolean;
  /** What is (or would be) written, measured before anything is: files, bytes, the largest resume, the chart; once `enrich` has written, its biographies counted in. */
  plan: WritePlan;
  /** With `enrich`: what it is expected to cost (always), and what it did (when written). */
  estimate?: EnrichEstimate;
  enriched?: EnrichReport;
}

/**
 * `lemming populate SPEC --root DIR`: make a population's org at `root` from its spec (checked
 * first, every problem named), with the template's settings and registry; a folder that holds an
 * org, or files that are no org's, is refused before a byte is written. With `enrich`, each
 * agent's biography is then asked of a model (estimated first; charged to the research account).
 */
export async function populate(specPath: string, root: string, options: PopulateOptions): Promise<PopulateReport> {
  const spec = readPopulationSpec(specPath);
  requireOrgFolder(root, 'populate');
  if (holdsOrg(root)) throw new LemmingError('org-exists', `${root} holds an org already (org/org.yaml); populate makes a new org: pass --root with a new or empty folder`, { exitCode: EXIT.usage });
  const templateFiles = readTemplateFiles(options.template);
  const templateOrgYaml = templateFiles.get('org/org.yaml');
  if (templateOrgYaml === undefined) throw new LemmingError('template-missing', `${options.template}: has no org/org.yaml to take the settings and models from`, { exitCode: EXIT.usage });
  const orgYaml = populationOrgYaml(templateOrgYaml);
  const modelProblems = unknownRoleModels(spec, orgYaml, 'org/org.yaml');
  if (modelProblems.length > 0) throw new LemmingError('population-invalid', modelProblems.map(formatProblem).join('\n'), { exitCode: EXIT.usage });

  const population = makePopulation(spec);
  const positions = population.arrangement.positions;
  const agentTemplates = new Map([...templateFiles].filter(([file]) => file.startsWith(`${AGENT_TEMPLATES_FOLDER}/`)));
  const report: PopulateReport = {
    root,
    spec: specPath,
    name: spec.name,
    seed: spec.seed,
    agents: positions.length,
    roles: { head: positions.filter((position) => position.role === 'head').length, lead: positions.filter((position) => position.role === 'lead').length, member: positions.filter((position) => position.role === 'member').length },
    first: population.arrangement.top[0] ?? '',
    summary: population.summary,
    written: false,
    // Measured, and refused when the loader would refuse it, before --dry-run returns or a byte is written.
    plan: planPopulation(population, orgYaml, agentTemplates),
  };
  const orgFile = parseOrgFile(orgYaml).value;
  const models = orgFile?.models ?? {};
  let providers: ReturnType<typeof createProviderFactory> | undefined;
  if (options.enrich) {
    const entry = enrichModel(models, options.enrich.model, 'org/org.yaml models (the template\'s)');
    report.estimate = estimateEnrichment(population, options.enrich.model, entry);
    if (!options.dryRun) {
      const { record, replay, fetch } = options.enrich;
      providers = createProviderFactory({ root, ...(record === undefined ? {} : { record }), ...(replay === undefined ? {} : { replay }), ...(fetch === undefined ? {} : { fetch }) });
      // Built now, before anything is written: a missing key stops here, not after the org exists.
      providers(options.enrich.model, entry);
    }
  }
  if (options.dryRun) return report;

  writePopulation(root, population, orgYaml, agentTemplates, { progress: options.progress, planned: report.plan });
  report.written = true;
  if (options.enrich && providers) {
    const enriched = await enrichPopulation(root, population, options.enrich.model, models, providers, orgFile?.engine.concurrency ?? 8);
    report.enriched = enriched;
    // The biographies grew the resumes the plan measured: what was written is the plan and them.
    report.plan = { ...report.plan, bytes: report.plan.bytes + enriched.bytesAdded, largestResume: Math.max(report.plan.largestResume, enriched.largestResume) };
  }
  return report;
}
