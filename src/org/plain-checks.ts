import { givenCreditsProblem } from './ledger-line.js';
import { nameProblem } from './names.js';
import type { ChartFile } from './parse-files.js';
import type { ChartColumns } from './plain-org-files.js';
import { DEFAULT_TOOLS, isToolGrant, PERSONA_ATTRIBUTE, ROLE_WORD, type ResumeFrontMatter } from './schema.js';

/**
 * The schemas' verdict on a resume or a chart read in the plain form (plain-org-files.ts), without
 * zod, for the values these few checks are sure of: the value the schema gives (its defaults filled
 * in, its fields in its order), or undefined, and the schema decides (an error, said with its field
 * and what a valid value looks like; a field these checks leave to it). At 100,000 agents zod's parse
 * of the chart and the resumes was most of an org's first load after the files were read. Each check
 * is held to the schema's own answer by a test (tests/unit/plain-checks.test.ts). Pure.
 */

/** A value the schema's `nonNegativeInt` takes as it is: zod's int is a safe integer. */
const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

const isName = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/** The fields of a resume these checks know; any other (memory, sandbox, web_allow) is the schema's to read. */
const RESUME_FIELDS = new Set(['title', 'role', 'model', 'credits', 'schedule', 'tools', 'shared_workspace', 'persona']);

/** A persona's value as the schema takes it: a line of at most 200 characters, a finite number, true or false. */
function isPersonaValue(value: unknown): boolean {
  if (typeof value === 'string') return value.length <= 200 && !value.includes('\n') && !value.includes('\r');
  return typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}

/** `schedule:` as the schema gives it: both counts, 0 where left out; undefined when it is anything else. */
function schedule(value: unknown): ResumeFrontMatter['schedule'] | undefined {
  if (value === undefined) return { every: 0, offset: 0 };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const fields = value as Record<string, unknown>;
  for (const key of Object.keys(fields)) if (key !== 'every' && key !== 'offset') return undefined;
  const every = fields.every ?? 0;
  const offset = fields.offset ?? 0;
  return isCount(every) && isCount(offset) ? { every, offset } : undefined;
}

/** `persona:` as the schema gives it (a copy, in the same order), or undefined. */
function persona(value: unknown): Record<string, string | number | boolean> | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const copy: Record<string, string | number | boolean> = {};
  for (const [key, item] of Object.entries(value)) {
    if (!PERSONA_ATTRIBUTE.test(key) || !isPersonaValue(item)) return undefined;
    copy[key] = item as string | number | boolean;
  }
  return copy;
}

/** A resume's front matter as the resume schema would give it, or undefined: the schema decides. */
export function checkPlainResume(value: Readonly<Record<string, unknown>>): ResumeFrontMatter | undefined {
  for (const key in value) if (Object.hasOwn(value, key) && !RESUME_FIELDS.has(key)) return undefined;
  const { title, role, model, credits, tools, shared_workspace: sharedWorkspace } = value;
  if (!isName(title)) return undefined;
  if (role !== undefined && !(typeof role === 'string' && ROLE_WORD.test(role))) return undefined;
  if (!isName(model) && !(Array.isArray(model) && model.length > 0 && model.every(isName))) return undefined;
  if (credits !== undefined && givenCreditsProblem(credits, "an agent's budget", 0) !== undefined) return undefined;
  const times = schedule(value.schedule);
  if (!times) return undefined;
  if (tools !== undefined && !(Array.isArray(tools) && tools.every((tool) => typeof tool === 'string' && isToolGrant(tool)))) return undefined;
  if (sharedWorkspace !== undefined && sharedWorkspace !== 'read' && sharedWorkspace !== 'write') return undefined;
  const who = value.persona === undefined ? undefined : persona(value.persona);
  if (value.persona !== undefined && !who) return undefined;
  // In the schema's order of fields, as its parse gives them; field by field, with no object made and spread for a field left out.
  const checked: Partial<ResumeFrontMatter> = { title };
  if (role !== undefined) checked.role = role as string;
  checked.model = Array.isArray(model) ? (model as string[]).slice() : (model as string);
  if (credits !== undefined) checked.credits = credits as number;
  checked.schedule = times;
  checked.tools = tools === undefined ? DEFAULT_TOOLS.slice() : (tools as string[]).slice();
  checked.shared_workspace = sharedWorkspace ?? 'read';
  checked.web_allow = [];
  if (who) checked.persona = who;
  return checked as ResumeFrontMatter;
}

const isNameList = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === 'string');

type ChartEntry = ChartFile['agents'][string];

/**
 * The chart read by column (plain-org-files.ts, ChartColumns) as the chart schema would give it, or
 * undefined: the schema decides. Each entry is made once, with its fields in the schema's order and
 * its defaults; the record of agents by name is made only when something asks for it (the chart's
 * `agents`): a command that reads takes the names and entries as they are (checkedChartOf), where at
 * 100,000 agents the record (each name made a property key, listed and looked up again) was most of
 * the chart's read.
 */
export function checkChartColumns(columns: ChartColumns): ChartFile | undefined {
  const { names, reportsTo, sendTo, readFrom } = columns;
  const entries: ChartEntry[] = new Array(names.length);
  for (let at = 0; at < names.length; at += 1) {
    if (nameProblem('agent', names[at]) !== undefined) return undefined;
    const reports = reportsTo[at] ?? null;
    const send = sendTo[at] ?? [];
    const read = readFrom[at] ?? [];
    if ((reports !== null && typeof reports !== 'string') || !isNameList(send) || !isNameList(read)) return undefined;
    entries[at] = { reports_to: reports, send_to: send, read_from: read };
  }
  return chartOfEntries(names, entries);
}

/** A chart whose record of agents is made from `names` and `entries` when first asked, and kept. */
function chartOfEntries(names: readonly string[], entries: readonly ChartEntry[]): ChartFile {
  let record: ChartFile['agents'] | undefined;
  const chart: ChartFile = {
    get agents() {
      if (!record) {
        record = Object.create(null) as ChartFile['agents'];
        for (let at = 0; at < names.length; at += 1) record[names[at] as string] = entries[at] as ChartEntry;
      }
      return record;
    },
  };
  checkedCharts.set(chart, { names, entries });
  return chart;
}

/**
 * The names of each chart checkChartColumns gave, in its order (each a valid agent name), and their
 * entries: the assembly takes them as they are (assemble-org.ts), with no record of 100,000 names
 * made, listed (V8 sorts a large record's names each time) and looked up. Nothing changes a chart
 * once it is parsed.
 */
const checkedCharts = new WeakMap<ChartFile, { names: readonly string[]; entries: readonly ChartEntry[] }>();

/** The names and entries of a chart, when checkChartColumns gave it: each name valid. */
export function checkedChartOf(chart: ChartFile): { names: readonly string[]; entries: readonly ChartEntry[] } | undefined {
  return checkedCharts.get(chart);
}
