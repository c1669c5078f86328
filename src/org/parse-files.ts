import type { z } from 'zod';
import type { Problem } from '../errors.js';
import { splitFrontMatter } from '../mailbox/front-matter.js';
import { splitOwnFrontMatter } from '../mailbox/front-matter-fast.js';
import { parsePlainChart, parsePlainFrontMatter, type PlainFile } from './plain-org-files.js';
import { checkChartColumns, checkPlainResume } from './plain-checks.js';
import { schemas, type OrgFile, type ResumeFrontMatter } from './schema.js';
import { schemaProblems } from './schema-problems.js';
import { parseYamlSource } from '../editable/yaml-source.js';
import { CHART_FILE, ORG_FILE } from './names.js';

/** org/chart.yaml as parsed, before its names are checked against the resumes. */
export type ChartFile = z.infer<ReturnType<typeof schemas>['chartFileSchema']>;

/** A resume as written: its front matter and its instructions. */
export interface ParsedResume {
  frontMatter: ResumeFrontMatter;
  instructions: string;
  /** Line of each top-level front matter field, for cross-file errors. */
  lines: Record<string, number | undefined>;
}

/** One org file parsed: the value when it passed its schema, and every problem found. */
export interface Parsed<T> {
  value?: T;
  problems: Problem[];
  /** 1-based line of a dotted path in the file, when the YAML parsed. */
  lineOf?: (path: ReadonlyArray<string | number>) => number | undefined;
  /** The YAML's value when it parsed but failed its schema: what can still be checked against other files. */
  raw?: unknown;
  /** Read in the plain form (plain-org-files.ts), without the YAML parser: reading its text again costs less than keeping its value (the parse cache keeps the text, parsed-file-cache.ts). */
  plain?: true;
}

function parseYamlWith<T>(text: string, file: string, schema: z.ZodType<T>, lineOffset = 0): Parsed<T> {
  const { source, problems } = parseYamlSource(text, file, lineOffset);
  if (!source) return { problems };
  const result = schema.safeParse(source.value ?? {});
  if (!result.success) return { problems: schemaProblems(result.error, file, source, schema), lineOf: source.lineOf, raw: source.value };
  return { value: result.data, problems: [], lineOf: source.lineOf };
}

/** Parse `org/org.yaml`. Pure. */
export function parseOrgFile(text: string, file = 'org/org.yaml'): Parsed<OrgFile> {
  return parseYamlWith(text, file, schemas().orgFileSchema);
}

/**
 * A file in the plain form (plain-org-files.ts) checked by its schema: undefined when it is not in
 * that form, or does not pass, so the YAML parser reads it and says what is wrong, with its lines.
 */
function parsePlainWith<T, P extends PlainFile>(plain: P | undefined, check: (plain: P) => T | undefined, schema: () => z.ZodType<T>): Parsed<T> | undefined {
  if (!plain) return undefined;
  const value = check(plain) ?? bySchema(plain.value, schema);
  return value === undefined ? undefined : { value, problems: [], lineOf: plain.lineOf, plain: true };
}

/** A plain file's value as its schema gives it, or undefined when it does not pass (the YAML parser then says why, with its lines). */
function bySchema<T>(value: Record<string, unknown>, schema: () => z.ZodType<T>): T | undefined {
  const result = schema().safeParse(value);
  return result.success ? result.data : undefined;
}

/** Parse `org/chart.yaml`. Pure. */
export function parseChartFile(text: string, file = 'org/chart.yaml'): Parsed<ChartFile> {
  // The plain reader's columns checked as they are: its value, a record of every name, is made only for the schema.
  return parsePlainWith(parsePlainChart(text), (plain) => checkChartColumns(plain.columns), () => schemas().chartFileSchema) ?? parseYamlWith(text, file, schemas().chartFileSchema);
}

/** Parse an agent's `resume.md`: YAML front matter, then the instructions. Pure. */
export function parseResume(text: string, file: string): Parsed<ParsedResume> {
  const own = splitOwnFrontMatter(text);
  const form = own ? parsePlainFrontMatter(own.yaml) : undefined;
  // The checks' verdict first, the schema's only when they leave it to the schema: at 100,000 resumes, no result made for each only to be taken apart.
  const frontMatter = form && (checkPlainResume(form.value) ?? bySchema(form.value, () => schemas().resumeSchema));
  // A valid resume keeps the lines the checks across files name (`lines`), not a way to find any other:
  // at 100,000 resumes, a map of lines each was much of what a load held.
  if (own && form && frontMatter) {
    return { problems: [], plain: true, value: { frontMatter, instructions: own.body.trim(), lines: { model: form.modelLine, credits: form.creditsLine, tools: form.toolsLine } } };
  }
  const parts = splitFrontMatter(text);
  if (!parts) {
    return {
      problems: [
        {
          file,
          line: 1,
          message:
            'has no front matter; a resume starts with a block like\n---\ntitle: Engineering manager\nmodel: offline\ncredits: 1\n---',
          severity: 'error',
        },
      ],
    };
  }
  const parsed = parseYamlWith(parts.yaml, file, schemas().resumeSchema, 1);
  if (!parsed.value) return parsed.raw === undefined ? { problems: parsed.problems } : { problems: parsed.problems, raw: parsed.raw, ...(parsed.lineOf ? { lineOf: parsed.lineOf } : {}) };
  const lineOf = parsed.lineOf ?? (() => undefined);
  return {
    problems: [],
    value: {
      frontMatter: parsed.value,
      instructions: parts.body.trim(),
      lines: { model: lineOf(['model']), credits: lineOf(['credits']), tools: lineOf(['tools']) },
    },
  };
}

/** An agent template of `org/templates/` as written: a resume whose model may be left out (the hire takes its proposer's). */
export interface ParsedAgentTemplate {
  frontMatter: Omit<ResumeFrontMatter, 'model'> & { model?: ResumeFrontMatter['model'] };
  instructions: string;
  /** The lines of the fields checked against the org (`lemming validate`). */
  lines: { model?: number; tools?: number };
}

/** Parse an agent template (`org/templates/tester.md`): a resume's front matter, `model` optional, then the instructions. Pure. */
export function parseAgentTemplate(text: string, file: string): Parsed<ParsedAgentTemplate> {
  const parts = splitFrontMatter(text);
  if (!parts) {
    const example = '---\ntitle: "Tester: checks the work before it ships"\ncredits: 0.1\ntools: [send_message, remember, read_file]\n---';
    return { problems: [{ file, line: 1, message: `has no front matter; an agent template starts with a block like\n${example}`, severity: 'error' }] };
  }
  const parsed = parseYamlWith(parts.yaml, file, schemas().resumeSchema.partial({ model: true }), 1);
  // Failed its schema: its front matter as written still says which model and tools a hire would take (agent-templates.ts).
  if (!parsed.value) return parsed.raw === undefined ? { problems: parsed.problems } : { problems: parsed.problems, raw: parsed.raw, ...(parsed.lineOf ? { lineOf: parsed.lineOf } : {}) };
  const lineOf = parsed.lineOf ?? (() => undefined);
  const lines = { model: lineOf(['model']), tools: lineOf(['tools']) };
  return { problems: [], value: { frontMatter: parsed.value, instructions: parts.body.trim(), lines } };
}

/** The parser of an org file by its path relative to the root: org.yaml, the chart, or an agent's resume. */
export function parserOf(file: string): (text: string, file: string) => Parsed<unknown> {
  if (file === ORG_FILE) return parseOrgFile;
  if (file === CHART_FILE) return parseChartFile;
  return parseResume;
}
