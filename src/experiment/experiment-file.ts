import type { z as Zod } from 'zod';
import { EXIT, formatProblem, LemmingError, type Problem } from '../errors.js';
import { zod } from '../lazy-modules.js';
import { schemaProblems } from '../org/schema-problems.js';
import { nameProblem } from '../org/names.js';
import { quoteName } from '../mailbox/message-text.js';
import { loadEditedFile, MAX_ORG_YAML_BYTES } from '../editable/edited-file.js';
import { parseYamlSource } from '../editable/yaml-source.js';
import { interventionSchema, normaliseIntervention, type Intervention } from '../engine/interventions/intervention.js';
import { surveyField, surveySettings, type SurveySetting } from './survey-settings.js';
import { personaSetting, personasField, type PersonaSetting } from './personas/persona-settings.js';
import { outcomeFields, seedField, variantOutcome, type OutcomeSettings } from './outcome-settings.js';
import { forkProblems, splitBase, type ForkPoint } from './fork-point.js';
import { validationFields, type BlameSetting } from './validation-settings.js';
import { readPopulationSpec } from '../population/population-spec.js';
import { dirname, resolve } from 'node:path';

/** A message from the human that opens a run. */
export interface OpeningMessage {
  to: string;
  body: string;
  subject?: string;
}

/** One variant: what it changes in the base org, and how many times it runs. */
export interface Variant {
  name: string;
  /** Merged into org/org.yaml (objects merge, everything else replaces): engine settings, the model registry. */
  org?: Record<string, unknown>;
  /** Merged into org/chart.yaml `agents`, per agent and field (for example a `send_to` list). */
  chart?: Record<string, Record<string, unknown>>;
  /** Front matter fields set in resumes, per agent; `"*"` is every agent but the human. */
  resumes?: Record<string, Record<string, unknown>>;
  /** Registry keys swapped in every resume: `{ offline: gpt-4o-mini }`. */
  swapModels?: Record<string, string>;
  /** The human's opening messages (default: the experiment's); from a fork point, sent after the fork turn and possibly none. */
  messages: OpeningMessage[];
  repeats: number;
  /** How its runs are scored and how its repeats differ (outcome-settings.ts). */
  outcome: OutcomeSettings;
  /** Changes made to its org while it runs, each before its turn (engine/interventions/). */
  interventions: Intervention[];
  /** A population spec (absolute path): the run's agents and chart are made from it (docs/people.md), the base giving org.yaml. */
  population?: string;
}

/** An experiment file (`lemming experiment FILE`), validated and normalised. */
export interface Experiment {
  /** The file, as given. */
  file: string;
  name: string;
  /** The org root every variant copies (or forks, with `fork`), absolute. */
  base?: string;
  /** `base: PATH@N`: every run is a fork of the base as it was after turn N (fork-point.ts). */
  fork?: ForkPoint;
  /** The most turns a run takes (default: the org's `engine.max_turns`). */
  turns?: number;
  /** Runs at once, each its own process. */
  parallel: number;
  /** A Redis address: the runs' model calls go to workers. */
  queue?: string;
  variants: Variant[];
  /** Questions put to every run's agents, after chosen turns or at the end (survey-settings.ts). */
  survey: SurveySetting[];
  /** How what agents with a persona wrote is judged against it (personas/persona-settings.ts). */
  personas?: PersonaSetting;
  /** `blame:`: each run that fails this check is blamed once the runs are done (docs/validation.md). */
  blame?: BlameSetting;
  /** `reference:`: a file of real answers (absolute) each run's people answer once it is done. */
  reference?: string;
}

/** A name checked by the one name rule (org/names.ts): an experiment's and a variant's are folder names. */
function studyName(z: typeof Zod, kind: 'experiment' | 'variant') {
  return z.string().superRefine((name, context) => {
    const problem = nameProblem(kind, name);
    if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
  });
}

function buildSchema(z: typeof Zod) {
  const message = z.strictObject({ to: z.string().min(1), body: z.string().min(1), subject: z.string().min(1).optional() });
  const fields = z.record(z.string(), z.unknown());
  const variant = z.strictObject({
    name: studyName(z, 'variant'),
    org: fields.optional(),
    chart: z.record(z.string(), fields).optional(),
    resumes: z.record(z.string(), fields).optional(),
    swap_models: z.record(z.string(), z.string().min(1)).optional(),
    messages: z.array(message).min(1).optional(),
    repeats: z.number().int().min(1).max(100).optional(),
    interventions: z.array(interventionSchema(z)).optional(),
    population: z.string().min(1).optional(),
    ...outcomeFields(z),
  });
  return z.strictObject({
    name: studyName(z, 'experiment'),
    base: z.string().min(1).optional(),
    turns: z.number().int().min(1).optional(),
    parallel: z.number().int().min(1).max(64).default(2),
    queue: z.string().regex(/^rediss?:\/\/[^/\s]+/, 'is not a Redis address; for example redis://127.0.0.1:6379').optional(),
    repeats: z.number().int().min(1).max(100).default(1),
    messages: z.array(message).min(1).optional(),
    variants: z.array(variant).min(1),
    ...surveyField(z),
    ...personasField(z),
    ...outcomeFields(z),
    ...seedField(z),
    ...validationFields(z),
  });
}

/**
 * The examples of an experiment file's fields that an org file names alike (org.yaml's `name: my-org`
 * fits no experiment, variant or check), by the field's path without its indices: each valid in its place.
 */
const EXPERIMENT_EXAMPLES: Readonly<Record<string, string>> = {
  name: 'name: tight-budget',
  'variants.name': 'name: no-planner',
  'checks.name': 'name: has-answer',
  'variants.checks.name': 'name: has-answer',
};

let schema: ReturnType<typeof buildSchema> | undefined;

/**
 * Read and check an experiment file. Every problem is reported at once, with the file, the
 * field, its line and what a valid value looks like; names must be unique, and every variant
 * needs opening messages (its own or the experiment's), or nobody would have anything to do.
 */
export function readExperiment(file: string, resolveBase: (base: string) => string): Experiment {
  const loaded = loadEditedFile(file, file, MAX_ORG_YAML_BYTES, (text) => parseYamlSource(text, file));
  if ('missing' in loaded) {
    throw new LemmingError('experiment-missing', `${file}: there is no such file; an experiment file is YAML, see docs/experiments.md`, { exitCode: EXIT.usage });
  }
  const source = 'source' in loaded ? loaded.source : undefined;
  if (!source) throw refused(loaded.problems);
  schema ??= buildSchema(zod().z);
  const parsed = schema.safeParse(source.value ?? {});
  if (!parsed.success) throw refused(namingVariants(schemaProblems(parsed.error, file, source, schema, EXPERIMENT_EXAMPLES), source.value));
  const value = parsed.data;
  const found: Problem[] = [];
  const baseLine = source.lineOf(['base']);
  const split = value.base === undefined ? undefined : splitBase(value.base);
  if (split && 'problem' in split) found.push({ file, field: 'base', message: split.problem, severity: 'error', ...(baseLine ? { line: baseLine } : {}) });
  const given = (source.value ?? {}) as Record<string, unknown>;
  const fork: ForkPoint | undefined =
    split && 'path' in split && split.turn !== undefined && value.base !== undefined
      ? { turn: split.turn, written: value.base, ...(baseLine ? { line: baseLine } : {}), keepSeeds: !Object.hasOwn(given, 'seed') && value.variability === undefined && value.variants.every((variant) => variant.variability === undefined) }
      : undefined;
  // `base: PATH@…`, a turn or not: the base's own opening messages are what the runs start from.
  const fromFork = split !== undefined && ('problem' in split || split.turn !== undefined);
  if (fork) found.push(...forkProblems(file, fork, value.variants, value.survey, (path) => source.lineOf(path)));
  const seen = new Set<string>();
  value.variants.forEach((variant, index) => {
    const line = source.lineOf(['variants', index, 'name']);
    if (seen.has(variant.name)) found.push({ file, field: `variants.${index}.name`, message: `${JSON.stringify(variant.name)} is used twice; give each variant its own name`, severity: 'error', ...(line ? { line } : {}) });
    seen.add(variant.name);
    // From a fork point the base's opening messages are in every run already: a variant's own are sent after the fork turn.
    if (variant.population !== undefined) {
      const populationLine = source.lineOf(['variants', index, 'population']);
      const problem = populationProblem(variant.population, resolveSpec(file, variant.population), fork !== undefined);
      if (problem) found.push({ file, field: `variants.${index}.population`, message: `variant ${JSON.stringify(variant.name)}: ${problem}`, severity: 'error', ...(populationLine ? { line: populationLine } : {}) });
    }
    // A survey is a study of its own: the org asked as it stands needs no mail to start it.
    if (!variant.messages && !value.messages && !fromFork && (value.survey ?? []).length === 0) {
      found.push({ file, field: `variants.${index}.messages`, message: 'no opening message: add `messages: [{ to: AGENT, body: "…" }]` to the experiment or to this variant, naming an agent of the org (`lemming status` lists them), or ask the org as it stands with `survey:`', severity: 'error', ...(line ? { line } : {}) });
    }
  });
  if (value.blame) {
    const checks = new Set([...(value.checks ?? []), ...value.variants.flatMap((variant) => variant.checks ?? [])].map((check) => check.name));
    const line = source.lineOf(['blame', 'check']);
    if (!checks.has(value.blame.check)) found.push({ file, field: 'blame.check', message: `${JSON.stringify(value.blame.check)} is not a check of the experiment; ${checks.size > 0 ? `use one of ${[...checks].join(', ')}` : 'add it to `checks:`, for example `checks: [{ name: tested, run: grep -q "test(s) pass" "$SHARED/answer.md" }]`'}`, severity: 'error', ...(line ? { line } : {}) });
  }
  if (found.length > 0) throw refused(found);
  return {
    file,
    name: value.name,
    ...(split && 'path' in split ? { base: resolveBase(split.path) } : {}),
    ...(fork ? { fork } : {}),
    ...(value.turns === undefined ? {} : { turns: value.turns }),
    parallel: value.parallel,
    ...(value.queue === undefined ? {} : { queue: value.queue }),
    variants: value.variants.map((variant) => ({
      name: variant.name,
      ...(variant.org ? { org: variant.org } : {}),
      ...(variant.chart ? { chart: variant.chart } : {}),
      ...(variant.resumes ? { resumes: variant.resumes } : {}),
      ...(variant.swap_models ? { swapModels: variant.swap_models } : {}),
      messages: (variant.messages ?? value.messages ?? []).map((message) => ({ to: message.to, body: message.body, ...(message.subject ? { subject: message.subject } : {}) })),
      repeats: variant.repeats ?? value.repeats,
      outcome: variantOutcome(value, variant),
      interventions: (variant.interventions ?? []).map(normaliseIntervention),
      ...(variant.population === undefined ? {} : { population: resolveSpec(file, variant.population) }),
    })),
    survey: surveySettings(value.survey),
    ...(value.personas ? { personas: personaSetting(value.personas) } : {}),
    ...(value.blame ? { blame: { check: value.blame.check, k: value.blame.k, ...(value.blame.controls === undefined ? {} : { controls: value.blame.controls }), path: value.blame.path, seed: value.blame.seed, ...(value.blame.model ? { model: value.blame.model } : {}), ...(value.blame.max_credits === undefined ? {} : { maxCredits: value.blame.max_credits }) } } : {}),
    ...(value.reference ? { reference: resolveSpec(file, value.reference) } : {}),
  };
}

/** A variant's population spec, as its path is written: relative to the experiment file's folder. */
function resolveSpec(file: string, written: string): string {
  return resolve(dirname(resolve(file)), written);
}

/** Why a variant's `population:` cannot be used (its spec's problems, each with the spec's file and line), or undefined. */
function populationProblem(written: string, path: string, fromFork: boolean): string | undefined {
  if (fromFork) return 'population: cannot be used with base: ORG@N; a fork\'s agents are the base\'s as they were after that turn';
  try {
    readPopulationSpec(path, written);
    return undefined;
  } catch (error) {
    if (!(error instanceof LemmingError)) throw error;
    return `population: ${error.message.replace(/\n/g, '; ')}`;
  }
}

/**
 * The experiment file's problems, every one a line (exit 1, as an invalid org's): they are not the
 * org's, so neither cut to the first ten nor sent to `lemming validate`, which reads the org and not
 * this file.
 */
function refused(problems: Problem[]): LemmingError {
  return new LemmingError('experiment-invalid', problems.map(formatProblem).join('\n'));
}

/** A problem inside a variant says which variant by its name as well as its place: `variant "flat": …`. */
function namingVariants(problems: Problem[], value: unknown): Problem[] {
  const variants = (value as { variants?: unknown } | null)?.variants;
  return problems.map((problem) => {
    const index = /^variants\.(\d+)\./.exec(problem.field ?? '')?.[1];
    const name = index === undefined || !Array.isArray(variants) ? undefined : (variants[Number(index)] as { name?: unknown } | undefined)?.name;
    // Not checked yet: quoted as every name a person wrote is, so a look-alike never reads as another variant's.
    return typeof name === 'string' ? { ...problem, message: `variant ${quoteName(name)}: ${problem.message}` } : problem;
  });
}

/** The runs of a variant: its name once, or `<name>-r1`… when it repeats. */
export function runNames(variant: Variant): string[] {
  if (variant.repeats === 1) return [variant.name];
  return Array.from({ length: variant.repeats }, (_, index) => `${variant.name}-r${index + 1}`);
}
