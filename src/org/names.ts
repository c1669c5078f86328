/*
 * The one name rule: every name someone can write (an agent, a model key, an MCP server, a command
 * tool, an agent template) passes it where it enters, and nowhere re-checks it on its own.
 *
 * Each kind starts with a letter or a digit, so `__proto__` (and every `__…__` accessor of
 * Object.prototype) is never a name. Every other word is one, `constructor`, `toString`, `call` or
 * `length` included: records keyed by names are Maps or have no prototype (`nameRecord`), so such a
 * name finds only what was put under it, never something JavaScript gives every object.
 */

/**
 * Agent names are folder names and appear in file names, so they are kept to a
 * small safe alphabet: no slashes, no dots, nothing a path could escape with.
 */
export const AGENT_NAME_PATTERN = /^[a-z][a-z0-9_-]{0,63}$/;

/** A key of org.yaml `models`: letters, digits and `._:-` after a first letter or digit (`gpt-4o-mini`, `llama3.1:8b`). */
export const MODEL_KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;

/** An MCP server's name in org.yaml `mcp_servers`. */
export const MCP_SERVER_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** The name of a command tool an org declares in org.yaml `command_tools`: lower case, digits and single underscores. */
export const COMMAND_TOOL_NAME = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;

/** An agent template's name: the file's name without `.md`, in the alphabet of agent names. */
export const TEMPLATE_NAME_PATTERN = AGENT_NAME_PATTERN;

/**
 * The name of a study: an experiment's `name:` (its folder under `experiments/`) and a calibration
 * reference's `name:` (its report's folder under `calibration/`). No slash and no leading dot, so a
 * name never reaches outside the folder it is made under.
 */
export const STUDY_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/**
 * A file named by the file beside it (a calibration reference's `answers:`): a file name only, no
 * folder, no leading dot, so a file handed to someone cannot point them at a file elsewhere.
 */
export const SIBLING_FILE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** The person taking part in the org. Never called by the engine. */
export const HUMAN = 'human';

/** The `model:` of a person's resume: no registry entry, never called; so never a key of org.yaml `models`. */
export const HUMAN_MODEL = 'human';

/** The sender name the engine uses for its own notices (refusals, out-of-credit alerts). */
export const ENGINE_SENDER = 'lemming';

/** How a valid agent name looks, for error messages. */
export const AGENT_NAME_HINT =
  'an agent name is 1-64 characters: a lowercase letter, then lowercase letters, digits, "_" or "-" (for example "coder_01")';

/**
 * A name Windows keeps for a device, in any case and with any extension (`con`, `NUL.txt`, `lpt1`):
 * no file or folder can have it there, so git refuses to check out an org holding `agents/con/`.
 */
export const WINDOWS_DEVICE_NAME = /^(?:con|prn|aux|nul|com[1-9]|lpt[1-9])(?:\..*)?$/i;

/** A name that passes the agent name rule (`nameProblem('agent', name)`): the pattern, not `lemming`, not a Windows device. */
export function isValidAgentName(name: unknown): name is string {
  return typeof name === 'string' && nameProblem('agent', name) === undefined;
}

/**
 * An agent name made from a name written elsewhere (another tool's agent id): lower case, each run
 * of characters outside the alphabet as one `_`, a leading `agent_` when it would not start with a
 * letter, cut to 64 characters, and `_2`, `_3`… when the result is taken (`taken` holds every name
 * already given, the human's and the engine's among them). The result always passes
 * `isValidAgentName` and is not in `taken`. Pure.
 */
export function agentNameFrom(written: string, taken: ReadonlySet<string>): string {
  let base = written.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9_-]+/g, '_').replace(/^[_-]+|[_-]+$/g, '');
  if (!/^[a-z]/.test(base)) base = `agent_${base}`.replace(/_+$/, '');
  base = base.slice(0, 64);
  let name = base;
  for (let index = 2; !isValidAgentName(name) || taken.has(name); index += 1) {
    const suffix = `_${index}`;
    name = `${base.slice(0, 64 - suffix.length)}${suffix}`;
  }
  return name;
}

/** The kinds of name the rule knows. */
export type NameKind = 'agent' | 'model' | 'mcp-server' | 'command-tool' | 'template' | 'reference' | 'reference-answers' | 'experiment' | 'variant';

/** The rule of a kind: `file` when the name becomes a file or folder name, so it must be one on every system. */
const RULES: Readonly<Record<NameKind, { pattern: RegExp; max?: number; what: string; hint: string; file?: true }>> = {
  agent: { pattern: AGENT_NAME_PATTERN, what: 'agent name', hint: AGENT_NAME_HINT, file: true },
  model: {
    pattern: MODEL_KEY_PATTERN,
    what: 'model key',
    hint: 'a model key is a letter or digit, then letters, digits, ".", "_", ":" or "-" (for example "gpt-4o-mini")',
  },
  'mcp-server': {
    pattern: MCP_SERVER_NAME,
    what: 'MCP server name',
    hint: 'an MCP server name is 1-64 characters: a letter or digit, then letters, digits, "_" or "-" (for example "files")',
  },
  'command-tool': {
    pattern: COMMAND_TOOL_NAME,
    max: 64,
    what: 'command tool name',
    hint: 'a command tool name is 1-64 characters: lower case letters and digits joined by single underscores (for example "run_python")',
  },
  template: {
    pattern: TEMPLATE_NAME_PATTERN,
    what: 'template name',
    hint: 'a template name is 1-64 characters: a lowercase letter, then lowercase letters, digits, "_" or "-" (for example org/templates/tester.md)',
    file: true,
  },
  reference: {
    pattern: STUDY_NAME_PATTERN,
    what: 'reference name',
    hint: 'a reference name is 1-64 characters: a lowercase letter or digit, then lowercase letters, digits, "_" or "-" (for example "gss-2018"); the report goes under calibration/<name>',
    file: true,
  },
  experiment: {
    pattern: STUDY_NAME_PATTERN,
    what: 'experiment name',
    hint: 'an experiment name is lowercase letters, digits, "_" or "-", for example "tight-budget"; its runs go under experiments/<name>',
    file: true,
  },
  variant: {
    pattern: STUDY_NAME_PATTERN,
    what: 'variant name',
    hint: 'a variant name is lowercase letters, digits, "_" or "-", for example "tight-budget"; a run of it is the folder experiments/<experiment>/<name>',
    file: true,
  },
  'reference-answers': {
    pattern: SIBLING_FILE_PATTERN,
    what: 'answers file',
    hint: 'the answers are a CSV file beside the reference, named without a folder: a letter or digit, then letters, digits, ".", "_" or "-" (for example `answers: answers.csv`)',
    file: true,
  },
};

/**
 * Why `name` is not a valid name of its kind, as words that follow the name or its field ("is not
 * a valid agent name; an agent name is …"), saying what a valid one looks like; undefined for a
 * valid one. The one gate for names (see the top of this file).
 */
export function nameProblem(kind: NameKind, name: unknown): string | undefined {
  const rule = RULES[kind];
  if (typeof name === 'string' && name.length <= (rule.max ?? Infinity) && rule.pattern.test(name)) {
    if (kind === 'agent' && name === ENGINE_SENDER) return `is the engine's own sender name, not an agent's; ${rule.hint}`;
    // A resume's `model: human` makes its agent a person, whatever the registry holds: a key of that name would be read as no model at all.
    if (kind === 'model' && name === HUMAN_MODEL) return `is the model of a person (\`model: human\` in a resume), not a registry entry; ${rule.hint}`;
    // Every other alphabet here is ASCII without spaces, so a trailing dot is the one other name Windows cannot hold.
    if (rule.file && WINDOWS_DEVICE_NAME.test(name)) return `is a device name on Windows (con, prn, aux, nul, com1-com9, lpt1-lpt9), so no file there can have it and the org could not be copied or checked out there; ${rule.hint}`;
    if (rule.file && name.endsWith('.')) return `ends in a dot, which Windows drops from a file name, so the org could not be copied there as it is; ${rule.hint}`;
    return undefined;
  }
  return `is not a valid ${rule.what}; ${rule.hint}`;
}

/** The short rule of a kind of name, for messages that show the name themselves. */
export function nameHint(kind: NameKind): string {
  return RULES[kind].hint;
}

/**
 * A record keyed by names, with no prototype: `record.constructor` is what was put under
 * `constructor`, or undefined, never Object's. Copies the own keys of `from` (a parsed file's
 * object, a record read back from JSON), `__proto__` included as a plain key.
 */
export function nameRecord<T>(from?: Readonly<Record<string, T>> | null): Record<string, T> {
  const record = Object.create(null) as Record<string, T>;
  if (from) for (const key of Object.keys(from)) record[key] = from[key] as T;
  return record;
}

/** `from` itself when it is a record without a prototype already (one just read and checked), else `nameRecord(from)`. */
export function asNameRecord<T>(from?: Readonly<Record<string, T>> | null): Record<string, T> {
  return from && Object.getPrototypeOf(from) === null ? (from as Record<string, T>) : nameRecord(from);
}

/** `nameRecord` of the entries, in their order; a later entry of the same key wins. */
export function nameRecordOf<T>(entries: Iterable<readonly [string, T]>): Record<string, T> {
  const record = Object.create(null) as Record<string, T>;
  for (const [key, value] of entries) record[key] = value;
  return record;
}

/** The org's name, engine settings and model registry, relative to the root. */
export const ORG_FILE = 'org/org.yaml';
/** Who reports to whom and who may send to and read from whom, relative to the root. */
export const CHART_FILE = 'org/chart.yaml';
/** Forwarding rules and escalation of unanswered mail (optional), relative to the root. */
export const ROUTING_FILE = 'org/routing.yaml';
/** Changes scheduled to be made to the org while it runs (engine/interventions/), as `interventions: [...]`; an experiment's variant writes its own here. */
export const INTERVENTIONS_FILE = 'org/interventions.yaml';
/** The folder of the org's meetings (src/meetings/): one YAML file a meeting, its transcripts in a folder beside it. */
export const MEETINGS_FOLDER = 'org/meetings';
