import type { z as Zod } from 'zod';
import type { SchemaComments } from './schema-comments.js';
import { TOC_END, TOC_START, withTableOfContents } from './markdown-toc.js';

/**
 * docs/org-files.md, written from the zod schemas that validate the org's files (src/org/schema.ts):
 * every field of `org/org.yaml`, `org/chart.yaml` and a resume's front matter, its type, whether it
 * is required, its default, and the schema's own comment on it. The loader and this page read the
 * same schema, so the page cannot list a field the loader refuses or miss one it takes.
 * Pure: schemas and their comments in, markdown out.
 */

type Schema = Zod.ZodType;

/** What zod keeps of a schema's definition that this page reads (zod 4's `_zod.def`). */
interface Definition {
  type: string;
  innerType?: Schema;
  defaultValue?: unknown;
  in?: Schema;
  out?: Schema;
  shape?: Record<string, Schema>;
  element?: Schema;
  valueType?: Schema;
  options?: Schema[];
  entries?: Record<string, string | number>;
  values?: unknown[];
  checks?: Array<{ _zod: { def: { check: string; format?: string; value?: number; inclusive?: boolean; minimum?: number; maximum?: number } } }>;
}

function definition(schema: Schema): Definition {
  return (schema as unknown as { _zod: { def: Definition } })._zod.def;
}

/** The schemas that have names in src/org/schema.ts, so a nested object finds its comments. */
export type NamedSchemas = Record<string, Schema>;

/** One file of the org: its path, the schema its content is checked by, and that schema's variable name. */
export interface OrgFileSchema {
  file: string;
  schema: Schema;
  variable: string;
  /** A line before the file's tables. */
  intro: string;
}

/** Where a field's comment is looked up: a schema variable and the path inside its object literal. */
interface Origin {
  variable: string;
  path: string[];
}

interface Row {
  field: string;
  type: string;
  required: boolean;
  defaultValue: string;
  description: string;
}

interface Section {
  title: string;
  intro: string | undefined;
  rows: Row[];
}

/** The wrappers a field's schema may sit in, peeled off: what it is, whether it is optional, its default. */
function peel(schema: Schema, named: Map<Schema, string>, origin: Origin): { core: Schema; optional: boolean; defaultValue: unknown; hasDefault: boolean; prefault: boolean; nullable: boolean; origin: Origin } {
  let core = schema;
  let optional = false;
  let hasDefault = false;
  let prefault = false;
  let nullable = false;
  let defaultValue: unknown;
  let where = origin;
  for (;;) {
    const name = named.get(core);
    if (name !== undefined) where = { variable: name, path: [] };
    const def = definition(core);
    if (def.type === 'optional' && def.innerType) {
      optional = true;
      core = def.innerType;
    } else if ((def.type === 'default' || def.type === 'prefault') && def.innerType) {
      if (!hasDefault) {
        hasDefault = true;
        prefault = def.type === 'prefault';
        defaultValue = def.defaultValue;
      }
      core = def.innerType;
    } else if (def.type === 'nullable' && def.innerType) {
      nullable = true;
      core = def.innerType;
    } else if (def.type === 'pipe' && def.in && def.out) {
      // A preprocess is transform → schema, a refined object with a transform is schema → transform: the schema is the side that is not a transform.
      core = definition(def.in).type === 'transform' ? def.out : def.in;
    } else {
      return { core, optional, defaultValue, hasDefault, prefault, nullable, origin: where };
    }
  }
}

/** A number's or a list's bounds, as a reader writes them: `≥ 1`, `> 0`, `from 16 to 1,048,576`, `at least 1`. */
function bounds(def: Definition): string[] {
  let lower: { value: number; inclusive: boolean } | undefined;
  let upper: { value: number; inclusive: boolean } | undefined;
  let minimumLength: number | undefined;
  for (const check of def.checks ?? []) {
    const c = check._zod.def;
    // Several checks of one kind (a shared `positiveInt` narrowed by `.min(16)`): the narrowest holds.
    if (c.check === 'greater_than' && c.value !== undefined && (lower === undefined || c.value > lower.value)) lower = { value: c.value, inclusive: c.inclusive === true };
    if (c.check === 'less_than' && c.value !== undefined && (upper === undefined || c.value < upper.value)) upper = { value: c.value, inclusive: c.inclusive === true };
    if (c.check === 'min_length' && c.minimum !== undefined && c.minimum > 0) minimumLength = Math.max(minimumLength ?? 0, c.minimum);
  }
  const number = (value: number): string => value.toLocaleString('en-US');
  const words: string[] = [];
  if (lower?.inclusive && upper?.inclusive) words.push(`from ${number(lower.value)} to ${number(upper.value)}`);
  else {
    if (lower !== undefined) words.push(`${lower.inclusive ? '≥' : '>'} ${number(lower.value)}`);
    if (upper !== undefined) words.push(`${upper.inclusive ? '≤' : '<'} ${number(upper.value)}`);
  }
  if (minimumLength !== undefined) words.push(def.type === 'array' ? `at least ${minimumLength}` : 'not empty');
  return words;
}

/** A field's type in words, and the object (or objects) whose fields get a table of their own. */
function typeOf(schema: Schema, named: Map<Schema, string>, origin: Origin, path: string, sections: (core: Schema, path: string, origin: Origin) => void): string {
  const { core, nullable, origin: where } = peel(schema, named, origin);
  const def = definition(core);
  const or = nullable ? ' or null' : '';
  const bounded = (word: string): string => [word, ...bounds(def)].join(' ');
  switch (def.type) {
    case 'string': {
      const format = (def.checks ?? []).map((check) => check._zod.def.format).find((value) => value === 'url');
      return `${bounded(format === 'url' ? 'URL' : 'string')}${or}`;
    }
    case 'number': {
      const integer = (def.checks ?? []).some((check) => check._zod.def.format === 'safeint');
      return `${bounded(integer ? 'integer' : 'number')}${or}`;
    }
    case 'boolean':
      return `boolean${or}`;
    case 'unknown':
    case 'any':
      return `any${or}`;
    case 'enum':
      return `${Object.values(def.entries ?? {}).map((value) => `\`${value}\``).join(' \\| ')}${or}`;
    case 'literal':
      return `${(def.values ?? []).map((value) => `\`${JSON.stringify(value)}\``).join(' \\| ')}${or}`;
    case 'array':
      return `${['list of', typeOf(def.element as Schema, named, { ...where, path: [...where.path] }, `${path}[]`, sections), ...bounds(def)].join(' ')}${or}`;
    case 'record':
      return `map of name → ${typeOf(def.valueType as Schema, named, where, `${path}.<name>`, sections)}${or}`;
    case 'union': {
      const options = def.options ?? [];
      return `${options.map((option, index) => typeOf(option, named, where, options.length > 1 && isObject(option, named, where) ? `${path} (form ${index + 1})` : path, sections)).join(' or ')}${or}`;
    }
    case 'object':
      sections(core, path, where);
      return `object ([below](#${anchorOf(path)}))${or}`;
    default:
      return `${def.type}${or}`;
  }
}

function isObject(schema: Schema, named: Map<Schema, string>, origin: Origin): boolean {
  return definition(peel(schema, named, origin).core).type === 'object';
}

/** The anchor of a section's heading (GitHub's rule, as the table of contents uses it). */
function anchorOf(path: string): string {
  return `\`${path}\``
    .toLowerCase()
    .replace(/[^\p{L}\p{N}_\- ]/gu, '')
    .replaceAll(' ', '-');
}

/** A default as YAML would write it, in backticks; a `{}` pre-default reads as its fields' own defaults. */
function defaultText(peeled: ReturnType<typeof peel>): string {
  if (!peeled.hasDefault) return peeled.optional ? '' : '';
  if (peeled.prefault) return "its fields' defaults";
  const value = peeled.defaultValue;
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0) return '`{}`';
  return `\`${JSON.stringify(value)}\``;
}

function comment(comments: SchemaComments, origin: Origin, field: string): string {
  const key = [origin.variable, ...origin.path, field].join('.');
  const direct = comments.comments.get(key);
  if (direct !== undefined) return direct;
  for (const spread of comments.spreads.get(origin.variable) ?? []) {
    const found = comments.comments.get([spread, ...origin.path, field].join('.'));
    if (found !== undefined) return found;
  }
  return '';
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replace(/\s*\n\s*/g, ' ');
}

/** Every section of one file: its top object, then each nested object in the order its fields name them. */
function fileSections(file: OrgFileSchema, named: Map<Schema, string>, comments: SchemaComments): Section[] {
  const sections: Section[] = [];
  const seen = new Set<string>();
  const addSection = (object: Schema, path: string, origin: Origin): void => {
    if (seen.has(path)) return;
    seen.add(path);
    const section: Section = { title: path, intro: origin.path.length === 0 ? comments.comments.get(origin.variable) : undefined, rows: [] };
    sections.push(section);
    const nested: Array<() => void> = [];
    for (const [field, schema] of Object.entries(definition(object).shape ?? {})) {
      const fieldPath = path === '' ? field : `${path}.${field}`;
      const fieldOrigin: Origin = { variable: origin.variable, path: [...origin.path, field] };
      const peeled = peel(schema, named, fieldOrigin);
      // Nested objects are written after this section's own rows, so each table reads whole.
      const type = typeOf(schema, named, fieldOrigin, fieldPath, (core, where, whose) => nested.push(() => addSection(core, where, whose)));
      section.rows.push({ field, type, required: !peeled.optional && !peeled.hasDefault, defaultValue: defaultText(peeled), description: comment(comments, origin, field) });
    }
    for (const write of nested) write();
  };
  addSection(peel(file.schema, named, { variable: file.variable, path: [] }).core, '', { variable: file.variable, path: [] });
  return sections;
}

function renderSection(file: OrgFileSchema, section: Section): string {
  const title = section.title === '' ? `## \`${file.file}\`` : `### \`${section.title}\``;
  const lines = [title, ''];
  if (section.title === '') lines.push(file.intro, '');
  if (section.intro !== undefined) lines.push(section.intro, '');
  lines.push('| field | type | default | what it is |', '| --- | --- | --- | --- |');
  for (const row of section.rows) {
    lines.push(`| \`${row.field}\` | ${row.type} | ${row.required ? 'required' : row.defaultValue === '' ? 'optional' : row.defaultValue} | ${cell(row.description)} |`);
  }
  return `${lines.join('\n')}\n`;
}

/** The whole of docs/org-files.md for these files. */
export function orgFileReference(files: OrgFileSchema[], namedSchemas: NamedSchemas, comments: SchemaComments): string {
  const named = new Map<Schema, string>(Object.entries(namedSchemas).map(([name, schema]) => [schema, name]));
  const page = [
    '# Org file reference',
    '',
    '<!-- Written by `npm run docs` from the zod schemas in src/org/schema.ts: edit those (and their comments), not this page. -->',
    '',
    'Every field of the files a person edits, as the loader checks them: its type, whether it must be',
    'given, its default, and what the schema says of it. A field of a nested object is written',
    '`parent.field` in the section titles; `<name>` stands for a name you choose (a model key, an agent).',
    'What the files are for, with worked examples, is in [The org on disk](org-on-disk.md); the model',
    'registry is explained in [Real models](real-models.md), the sandbox settings in [The sandbox](sandbox.md).',
    '',
    TOC_START,
    TOC_END,
    '',
    ...files.flatMap((file) => fileSections(file, named, comments).map((section) => renderSection(file, section))),
  ].join('\n');
  return withTableOfContents(`${page.trimEnd()}\n`);
}
