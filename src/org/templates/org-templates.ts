import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EXIT, formatProblem, LemmingError, type Problem } from '../../errors.js';
import { closestName } from '../suggest-name.js';
import { loadEditedFile, MAX_EDITED_MARKDOWN_BYTES, MAX_ORG_YAML_BYTES } from '../../editable/edited-file.js';
import { parseYamlSource } from '../../editable/yaml-source.js';
import { bootstrapOrg, type BootstrapReport } from '../bootstrap-org.js';
import { OrgLoader } from '../load-org.js';
import { CHART_FILE, HUMAN, ORG_FILE } from '../names.js';
import { refusedNames } from '../lists/recipients.js';

/** The description file beside a template's `org/` and `agents/`. */
export const TEMPLATE_FILE = 'template.yaml';
/** The built-in template `bootstrap` and `demo` write when no `--template` is given: the default org. */
export const DEFAULT_TEMPLATE = 'software-team';
/** Where the package keeps its built-in org templates, one folder each, the default org's among them. */
const BUILTIN_FOLDER = 'templates';

/**
 * The default org's folder in the package. It is a template like the others, not the clone's own
 * root: an org that runs edits its chart and adds agents (an approved hire), and those edits
 * belong to that org, never to the org every later `bootstrap` writes.
 */
export function defaultTemplateFolder(packageRoot: string): string {
  return join(packageRoot, BUILTIN_FOLDER, DEFAULT_TEMPLATE);
}

/** A first task from the human, for `lemming demo --template`. */
export interface SeedTask {
  to: string;
  subject: string;
  body: string;
}

/** Where a seed task's `to` is written in template.yaml (`seed.1.to`, its line), for a refusal to name. */
interface SeedPlace {
  field: string;
  line?: number;
}

/** An org template: an ordinary org folder, and what its `template.yaml` says of it. */
export interface OrgTemplate {
  /** `research-lab` for a built-in one; the folder's path as given for one of the user's. */
  name: string;
  folder: string;
  builtin: boolean;
  description: string;
  /** The first of `seeds`: whom a person writes to first. */
  seed?: SeedTask;
  /** Every task `demo --template` sends, in order: `seed:` is one task, or a list of them, so a demo can give each role its part. */
  seeds: SeedTask[];
  /** Where each of `seeds` names its recipient, in the same order. */
  seedPlaces: SeedPlace[];
}

const EXAMPLE = 'description: "Research lab: a lead, two researchers and a reviewer"\nseed: { to: lead, subject: A first question, body: "Please find out ..." }   # or a list of such tasks';

/** The fields of a `template.yaml`. */
const TEMPLATE_FIELDS = ['description', 'seed'] as const;

/**
 * Read a template folder's `template.yaml` (optional for a user's folder). A broken one is one error
 * giving every problem at once, each with its line and field (a misspelt field too, which would
 * otherwise be passed over in silence), and a valid file.
 */
function readTemplateFile(folder: string): { description?: string; seeds: SeedTask[]; seedPlaces: SeedPlace[] } {
  const file = join(folder, TEMPLATE_FILE);
  const refuse = (problems: readonly Problem[]): LemmingError =>
    new LemmingError('bad-template', `${problems.map(formatProblem).join('\n')}\na valid ${TEMPLATE_FILE} looks like\n${EXAMPLE}`, { exitCode: EXIT.usage });
  // Through the one loader of editable files: a template comes from anywhere, so its bytes are outside bytes.
  const loaded = loadEditedFile(file, file, MAX_EDITED_MARKDOWN_BYTES, (text) => parseYamlSource(text, file));
  if ('missing' in loaded) return { seeds: [], seedPlaces: [] };
  if (loaded.problems.length > 0 || !('source' in loaded) || !loaded.source) throw refuse(loaded.problems.length > 0 ? loaded.problems : [{ file, message: 'cannot be read', severity: 'error' }]);
  const source = loaded.source;
  const problems: Problem[] = [];
  const problem = (path: ReadonlyArray<string | number>, message: string): void => {
    const line = source.lineOf(path);
    problems.push({ file, ...(path.length > 0 ? { field: path.join('.') } : {}), ...(line === undefined ? {} : { line }), message, severity: 'error' });
  };
  const record = source.value ?? {};
  if (typeof record !== 'object' || record === null || Array.isArray(record)) throw refuse([{ file, message: 'must be a mapping', severity: 'error' }]);
  const fields = record as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    if ((TEMPLATE_FIELDS as readonly string[]).includes(key)) continue;
    const meant = closestName(key, TEMPLATE_FIELDS);
    problem([key], `unknown field ${JSON.stringify(key)}${meant === undefined ? '; the' : `; did you mean ${meant}? The`} fields here are ${TEMPLATE_FIELDS.join(', ')}`);
  }
  const result: { description?: string; seeds: SeedTask[]; seedPlaces: SeedPlace[] } = { seeds: [], seedPlaces: [] };
  if (fields.description !== undefined && typeof fields.description !== 'string') problem(['description'], 'must be one line of text');
  else if (typeof fields.description === 'string') result.description = fields.description.trim();
  if (fields.seed !== undefined) {
    const list = Array.isArray(fields.seed);
    const seeds = (list ? fields.seed : [fields.seed]) as unknown[];
    if (seeds.length === 0) problem(['seed'], 'is an empty list; give one task, or a list of them');
    seeds.forEach((given, index) => {
      const seed = typeof given === 'object' && given !== null ? (given as Record<string, unknown>) : undefined;
      const at = list ? ['seed', index] : ['seed'];
      if (!seed) {
        problem(at, 'must be a task: { to, subject, body }');
        return;
      }
      const missing = (['to', 'subject', 'body'] as const).filter((field) => typeof seed[field] !== 'string' || (seed[field] as string).trim() === '');
      for (const field of missing) problem([...at, field], 'must be text');
      if (missing.length > 0) return;
      result.seeds.push({ to: String(seed.to), subject: String(seed.subject), body: String(seed.body).trim() });
      const line = source.lineOf([...at, 'to']);
      result.seedPlaces.push({ field: [...at, 'to'].join('.'), ...(line === undefined ? {} : { line }) });
    });
  }
  // In the order of the file, as a person mends it.
  if (problems.length > 0) throw refuse(problems.sort((left, right) => (left.line ?? 0) - (right.line ?? 0)));
  return result;
}

function templateAt(name: string, folder: string, builtin: boolean): OrgTemplate {
  const info = readTemplateFile(folder);
  const [seed] = info.seeds;
  return { name, folder, builtin, description: info.description ?? `the org in ${folder}`, ...(seed ? { seed } : {}), seeds: info.seeds, seedPlaces: info.seedPlaces };
}

/** The built-in org templates: the default org first, then the package's `templates/` in name order. */
export function builtinTemplates(packageRoot: string): OrgTemplate[] {
  const found = [templateAt(DEFAULT_TEMPLATE, defaultTemplateFolder(packageRoot), true)];
  const folder = join(packageRoot, BUILTIN_FOLDER);
  for (const name of existsSync(folder) ? readdirSync(folder).sort() : []) {
    if (name !== DEFAULT_TEMPLATE && existsSync(join(folder, name, TEMPLATE_FILE))) found.push(templateAt(name, join(folder, name), true));
  }
  return found;
}

/** True when `--template` names a folder rather than a built-in template: it has a slash or starts with a dot. */
function namesFolder(given: string): boolean {
  return given.includes('/') || given.includes('\\') || given.startsWith('.');
}

/**
 * The template `--template` names: a built-in one by name, or a folder of the user's (`./mine`,
 * `../clone-of-a-repo`), resolved from `cwd`. An unknown name lists the built-in ones.
 */
export function findTemplate(packageRoot: string, given: string, cwd: string): OrgTemplate {
  if (namesFolder(given)) {
    const folder = resolve(cwd, given);
    if (!existsSync(folder) || !statSync(folder).isDirectory()) {
      throw new LemmingError('bad-template', `--template ${given}: there is no folder ${folder}; a template is an org folder with org/org.yaml, org/chart.yaml and agents/<name>/resume.md`, { exitCode: EXIT.usage });
    }
    return templateAt(given, folder, false);
  }
  const builtins = builtinTemplates(packageRoot);
  const found = builtins.find((template) => template.name === given);
  if (!found) {
    const names = builtins.map((template) => template.name).join(', ');
    throw new LemmingError('bad-template', `--template ${given}: there is no built-in template of that name (there are: ${names}); a folder of your own is given as a path, like --template ./my-template`, { exitCode: EXIT.usage });
  }
  return found;
}

/**
 * Check that a template is an org lemming can run, by writing it into a scratch folder and
 * loading that the way every engine start does: each problem names the template's file and
 * field. Nothing is written into the template's folder.
 */
export function checkTemplate(template: OrgTemplate): void {
  for (const file of [ORG_FILE, CHART_FILE]) {
    if (!existsSync(join(template.folder, file))) {
      throw new LemmingError('bad-template', `${join(template.folder, file)} is missing: ${template.name} is not an org folder (it needs org/org.yaml, org/chart.yaml and agents/<name>/resume.md)`, { exitCode: EXIT.usage });
    }
  }
  const scratch = mkdtempSync(join(tmpdir(), 'lemming-template-'));
  try {
    bootstrapOrg(scratch, template.folder);
    const { org, problems } = new OrgLoader(scratch).load();
    const errors = problems.filter((problem) => problem.severity === 'error');
    if (errors.length > 0) {
      const lines = errors.map((problem) => `  ${formatProblem({ ...problem, file: join(template.folder, problem.file) })}`);
      throw new LemmingError('bad-template', `the template ${template.name} is not a valid org:\n${lines.join('\n')}`, { exitCode: EXIT.usage });
    }
    // Each first task is held to the one rule of a send (org/lists/recipients.ts), as `demo` will send it:
    // a seed to no agent wrote the org and then failed, and bootstrap's next step named the name.
    const file = join(template.folder, TEMPLATE_FILE);
    const refused = template.seeds.flatMap((seed, index) => {
      const place = template.seedPlaces[index] ?? { field: 'seed.to' };
      return refusedNames(org, HUMAN, [seed.to]).map((each) => `  ${formatProblem({ file, ...place, message: each.reason, severity: 'error' })}`);
    });
    if (refused.length > 0) {
      throw new LemmingError('bad-template', `the template ${template.name}'s first tasks cannot all be sent as the human:\n${refused.join('\n')}\na valid ${TEMPLATE_FILE} looks like\n${EXAMPLE}`, { exitCode: EXIT.usage });
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The org name an `org/org.yaml` gives, if it parses. */
function orgName(file: string): string | undefined {
  const loaded = loadEditedFile(file, ORG_FILE, MAX_ORG_YAML_BYTES, (text) => parseYamlSource(text, ORG_FILE));
  const value = 'source' in loaded ? (loaded.source?.value as { name?: unknown } | null | undefined) : undefined;
  return typeof value?.name === 'string' ? value.name : undefined;
}

/**
 * Write a checked template into `root` (see bootstrapOrg: idempotent, a person's edits kept). A
 * root that already holds a different org is refused: mixing a newsroom's agents into a software
 * team would change someone's org, maybe under a running engine.
 */
export function bootstrapTemplate(root: string, template: OrgTemplate, packageRoot: string): BootstrapReport {
  checkTemplate(template);
  const existing = join(root, ORG_FILE);
  if (existsSync(existing)) {
    const here = orgName(existing);
    const wanted = orgName(join(template.folder, ORG_FILE));
    if (here !== wanted) {
      throw new LemmingError(
        'org-exists',
        `${existing} already holds the org ${JSON.stringify(here ?? '(unnamed)')}, not the template ${template.name} (${JSON.stringify(wanted ?? '(unnamed)')}); bootstrap a template into an empty folder, like --root ./${template.name.replace(/[^a-z0-9-]+/gi, '-').replace(/^-+|-+$/g, '') || 'new-org'}`,
        { exitCode: EXIT.usage },
      );
    }
  }
  return bootstrapOrg(root, template.folder, defaultTemplateFolder(packageRoot));
}
