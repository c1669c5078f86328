import type { z } from 'zod';
import type { Problem } from '../errors.js';
import type { YamlSource } from '../editable/yaml-source.js';
import { fieldsOfProvider } from './model-entry-schema.js';
import { closestName } from './suggest-name.js';

/** A valid example of each field, shown next to an error about it. */
const FIELD_EXAMPLES: Record<string, string> = {
  name: 'name: my-org',
  provider: 'provider: offline   # offline | openai | anthropic | openai-compatible | command | http',
  model: 'model: gpt-4o-mini',
  input_price: 'input_price: 0.15   # credits per million input tokens',
  output_price: 'output_price: 0.6   # credits per million output tokens',
  cached_input_price: 'cached_input_price: 0.075   # credits per million input tokens read from the prompt cache; input_price when absent',
  cache_write_price: 'cache_write_price: 1   # credits per million input tokens written to the prompt cache; input_price when absent',
  context_window: 'context_window: 128000',
  base_url: 'base_url: http://localhost:11434/v1',
  api_key_env: 'api_key_env: OPENAI_API_KEY',
  max_output_tokens: 'max_output_tokens: 1024',
  timeout_ms: 'timeout_ms: 120000   # milliseconds per attempt',
  max_retries: 'max_retries: 3   # attempts after the first',
  tool_calling: 'tool_calling: false   # the model cannot call tools: use the plain-text format',
  limits: 'limits: { concurrency: 4, requests_per_minute: 60, tokens_per_minute: 200000 }',
  requests_per_minute: 'requests_per_minute: 60',
  tokens_per_minute: 'tokens_per_minute: 200000',
  max_turns: 'max_turns: 50',
  concurrency: 'concurrency: 8',
  max_messages_per_turn: 'max_messages_per_turn: 5',
  max_failed_turns: 'max_failed_turns: 3   # turns in a row of failed calls before an agent is held',
  waiting_notice_ms: 'waiting_notice_ms: 10000   # a call in flight this long is shown as waiting',
  shutdown_seconds: 'shutdown_seconds: 8   # after SIGTERM, the most seconds the process takes to stop',
  ready_turn_seconds: 'ready_turn_seconds: 600   # /readyz says not ready while a turn runs longer',
  traces: 'traces: { keep: 50 }   # call traces kept per agent; 0 keeps none',
  keep: 'keep: 50   # the most recent call traces kept per agent; 0 keeps none',
  changes: 'changes: { scan_per_turn: 5000, watch: true }   # how hand edits are seen in big orgs',
  scan_per_turn: 'scan_per_turn: 5000   # agents looked at each turn without notifications',
  watch: 'watch: true   # file-system notifications for hand edits in big orgs',
  queue: 'queue: redis://127.0.0.1:6379   # model calls go to `lemming worker` processes',
  queue_checks: 'queue_checks: { every_seconds: 5, unclaimed_seconds: 120, unreachable_seconds: 60, unserved_seconds: 600 }',
  every_seconds: 'every_seconds: 5   # how often a waiting call asks Redis where its job is',
  unclaimed_seconds: 'unclaimed_seconds: 120   # a job left waiting this long by workers with free slots is queued again',
  unreachable_seconds: 'unreachable_seconds: 60   # a Redis silent this long stops the run',
  unserved_seconds: 'unserved_seconds: 600   # a call no worker serves this long stops the run',
  reports_to: 'reports_to: manager   # or null for the top of the org',
  send_to: 'send_to: [planner, coder_01]   # or ["*"] for everyone',
  read_from: 'read_from: ["*"]',
  title: 'title: Engineering manager',
  credits: 'credits: 1.5   # a budget from 0 to 1000000 credits, in at most 9 decimals',
  budget: 'budget: { credits: 20, warn_at: [0.5, 0.8, 1] }   # a ceiling for the whole org; departments: { planner: { credits: 5 } } for one under a lead',
  // org.yaml's ceilings, the org's and each department's: above 0, unlike a resume's budget.
  'budget.credits': 'credits: 20   # a ceiling above 0: credits spent in all, summed from the ledger',
  'budget.warn_at': 'warn_at: [0.5, 0.8, 1]   # shares of the ceiling, each above 0 and at most 1',
  'budget.departments': 'departments: { planner: { credits: 5 } }   # keyed by the lead in org/chart.yaml',
  schedule: 'schedule: { every: 5, offset: 0 }   # every 0 = only when mail arrives',
  every: 'every: 5   # whole turns; 0 = only when mail arrives',
  offset: 'offset: 0',
  tools: 'tools: [send_message, remember, read_file, write_file, files/*]   # built-ins and MCP grants (server/* or server/tool)',
  max_steps: 'max_steps: 8   # model answers per agent per turn (tool results go back between them)',
  shared_workspace: 'shared_workspace: write   # read (default) | write: may change the org\'s shared workspace/',
  mcp_servers: 'mcp_servers: { files: { command: npx, args: [-y, "@modelcontextprotocol/server-filesystem", "."] } }',
  command: 'command: ./agents/bin/reviewer.sh   # a program on PATH, or a path from the org root',
  args: 'args: [-p, --output-format, json]',
  url: 'url: http://127.0.0.1:8931/agent',
  headers: 'headers: { Authorization: MY_SERVER_TOKEN }   # header name: environment variable holding its value',
  needs_approval: 'needs_approval: [files/write_file, retire_agent, run_command]',
  sandbox: 'sandbox: { timeout_ms: 120000, memory_mb: 2048 }   # command limits (engine.sandbox in org.yaml: also isolation, read_only)',
  isolation: 'isolation: bwrap   # bwrap (default) | none: commands run unisolated, and every run warns',
  memory_mb: 'memory_mb: 1024   # MiB a command may hold, all its processes, /tmp and /dev/shm together',
  max_processes: 'max_processes: 256   # processes and threads at once in the sandbox',
  tmp_mb: 'tmp_mb: 256   # what the private /tmp and /dev/shm hold together',
  run_as: 'run_as: { uid: 65534, gid: 65534 }   # the host user and group commands run as when lemming is root (never 0)',
  max_file_mb: 'max_file_mb: 1024   # the largest file a command may write',
  disk_mb: 'disk_mb: 1024   # the disk quota of a workspace, in MiB',
  max_files: 'max_files: 100000   # the files, folders and links a workspace may hold',
  read_only: 'read_only: [/opt/node]   # host folders seen read-only at the same path',
  command_tools: 'command_tools: { run_python: { description: Run a Python program, parameters: { type: object, properties: { code: { type: string } }, required: [code] }, command: [python3, -c, "import json,sys; exec(json.load(sys.stdin)[\'code\'])"] } }',
  'command_tools.command': 'command: [python3, -c, "import json,sys; exec(json.load(sys.stdin)[\'code\'])"]   # the program and its arguments, as a list',
  'command_tools.timeout_ms': 'timeout_ms: 30000   # under limits: of this tool\'s commands',
  'web.timeout_ms': 'timeout_ms: 20000   # milliseconds for a whole fetch',
  description: 'description: Run a Python program and see what it prints',
  parameters: 'parameters: { type: object, properties: { code: { type: string } }, required: [code] }',
  arguments: 'arguments: stdin   # stdin (JSON, default) | env (each argument as TOOL_<NAME>)',
  idempotent: 'idempotent: true   # safe to run twice',
  web: 'web: { allow: [docs.python.org, "https://api.github.com/repos/"], max_bytes: 2097152, timeout_ms: 20000 }',
  allow: 'allow: [docs.python.org, "*.python.org", "https://api.github.com/repos/"]',
  web_allow: 'web_allow: [registry.npmjs.org]   # hosts or URL prefixes this agent may fetch besides org.yaml web.allow',
  max_bytes: 'max_bytes: 2097152   # the most bytes of a page fetched',
  env: 'env: [GITHUB_TOKEN]   # names of environment variables passed on',
  prompt: 'prompt: text   # text (the plain-text form) | json (messages and tool definitions)',
  reply: 'reply: text   # text (action blocks) | json ({"text", "tool_calls", "usage"})',
  price_per_call: 'price_per_call: 0.05   # credits for each answer, on top of its tokens',
  notify: 'notify: [{ url_env: SLACK_WEBHOOK_URL, format: slack, on: [human-message, agent-held] }]',
  url_env: 'url_env: SLACK_WEBHOOK_URL   # the environment variable holding the URL',
  format: 'format: slack   # json | slack',
  on: 'on: [human-message, proposal, agent-held, run-error]',
  retries: 'retries: 3   # attempts after the first',
  telemetry: 'telemetry: { otlp: "http://localhost:4318" }   # an OTLP/HTTP endpoint; each turn is sent as a trace',
  otlp: 'otlp: "http://localhost:4318"   # an OTLP/HTTP endpoint (traces go to /v1/traces), or its full traces URL',
  outside_seats: 'outside_seats: [reviewer]   # agents with model: human that `lemming mcp --as <name>` may take',
  max_output_bytes: 'max_output_bytes: 1048576   # engine.sandbox: bytes kept of a command\'s stdout and of its stderr; a command provider: the most its answer may be',
  role: 'role: lead   # one lower-case word; populate writes head, lead or member, which activation rules match',
  persona: 'persona: { department: sales, seniority: junior, age: 34 }   # attributes experiments and surveys group agents by',
  // An experiment file's settings (experiment/experiment-file.ts), at its top and in a variant; a model entry's seed and variability too.
  turns: 'turns: 20   # the most turns a run takes, 1 or more',
  parallel: 'parallel: 2   # runs at once, 1 to 64',
  repeats: 'repeats: 5   # runs of each variant, 1 to 100',
  seed: 'seed: 7   # a whole number from 0',
  variability: 'variability: 0.5   # the offline model\'s: 0 every repeat alike … 1 most varied',
  // An experiment variant's interventions (engine/interventions/intervention.ts), and org/interventions.yaml.
  'variants.turn': 'turn: 2   # carried out before this turn, so the turn sees it',
  'variants.to': 'to: manager',
  'variants.from': 'from: human   # or an agent, speaking as it',
  'variants.body': 'body: "Ship today instead"',
  'variants.agent': 'agent: coder_01',
  'variants.set': 'set: { title: Senior engineer }   # resume front matter; under credits: the budget, a number of 0 or more',
  'variants.add': 'add: { from: manager, to: coder_01 }',
  'variants.remove': 'remove: { from: manager, to: coder_01 }',
  send: 'send: { to: manager, body: "Ship today instead", from: human }',
  top_up: 'top_up: 0.5   # credits above 0',
  memory: 'memory: { keep: true, budget_tokens: 800, reflect: { every: 20, importance: 100 } }   # in a resume: off | on | { budget_tokens: 1200 }',
  'memory.keep': 'keep: true   # a memory stream for every agent (a resume may say memory: off)',
  'memory.budget_tokens': 'budget_tokens: 800   # memories shown per call, in estimated tokens',
  'memory.reflect': 'reflect: { every: 20, importance: 100, questions: 3 }   # 0 turns off either; questions: focal questions first (0 to 5)',
  'memory.questions': 'questions: 3   # under reflect: focal questions a reflection asks first, 0 to 5; 0 = one call',
  'memory.every': 'every: 20   # turns between reflections; 0 = never by turns',
  'memory.importance': 'importance: 100   # under reflect: reflect once the importance since the last adds up to this, 0 = never so; under weights: 2, a number from 0 to 1000',
  'memory.weights': 'weights: { recency: 0.5, relevance: 3, importance: 2 }   # how the parts of a memory\'s score weigh; 0 leaves one out',
  'memory.recency': 'recency: 0.5   # a weight from 0 to 1000',
  'memory.relevance': 'relevance: 3   # a weight from 0 to 1000',
  hold: 'hold: planner   # an agent of the org',
  // engine.activation, engine.breakers and engine.context: named under engine, as a name alike elsewhere has its own example.
  'engine.seed': 'seed: 7   # a whole number from 0 to 2147483647; the same seed draws the same agents each turn',
  'engine.rules': 'rules: [{ match: { role: lead }, probability: 0.5, at_most: 50 }]   # the first rule an agent matches governs it',
  'engine.match': 'match: { title: { prefix: "Team lead" } }   # a value, a list of values, { prefix } or { pattern }; {} matches everyone',
  'engine.probability': 'probability: 0.5   # the chance an agent the rule governs acts in a turn: above 0, at most 1',
  'engine.at_most': 'at_most: 50   # of the agents drawn, at most this many act in a turn: a whole number from 1',
  'engine.ping_pong': 'ping_pong: 4   # messages back and forth before both are held, at least 2; or pause | warn | off, or { messages: 4, on: warn }',
  'engine.repeated_messages': 'repeated_messages: { times: 3, within: 10, on: pause }   # or pause | warn | off',
  'engine.escalation_storm': 'escalation_storm: { messages: 3, turns: 2, on: warn }   # or pause | warn | off',
  'engine.spend': 'spend: { credits_per_turn: 0.1, window: 3 }',
  'engine.credits_per_turn': 'credits_per_turn: 0.1   # credits a turn on average, above 0',
  'engine.window': 'window: 3   # turns averaged over, 1 to 1000',
  'engine.max_messages': 'max_messages: 20   # mail shown per call',
  'engine.max_tokens': 'max_tokens: 8000   # mail shown per call, in estimated tokens',
  'engine.max_memory_chars': 'max_memory_chars: 4000   # notes shown per call',
  'history.keep': 'keep: true   # every committed turn kept in org/state/history.git; false keeps none',
  retire: 'retire: planner   # an agent of the org with a manager',
};

/**
 * Turn zod's issues into problems that name the file, the field, the line and a valid example.
 * An unknown field is a problem of its own, at its own line, naming the fields its place has in
 * `schema` (the one the file was checked by) and the one it was likely meant as. `ownExamples` are
 * a kind of file's examples for fields named as an org file's are (an experiment's `name`), by the
 * field's path without its indices (`variants.name`): asked before the examples every file shares.
 */
export function schemaProblems(error: z.ZodError, file: string, source: YamlSource, schema: z.ZodType, ownExamples: Readonly<Record<string, string>> = {}): Problem[] {
  return error.issues.flatMap((issue) => {
    const path = issue.path.filter((part): part is string | number => typeof part !== 'symbol');
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => unknownField(file, source, path, key, knownFields(schema, path, valueAt(source.value, path))));
    const field = path.length > 0 ? path.join('.') : undefined;
    const lastName = [...path].reverse().find((part): part is string => typeof part === 'string');
    let message = issue.message;
    // A field that may be one of several forms (a model: a name or a list) is missing as much as one of a single type.
    if ((issue.code === 'invalid_type' || issue.code === 'invalid_union') && valueAt(source.value, path) === undefined) {
      message = 'is required but missing';
    }
    // A field named alike in two places (`command` of an MCP server and of a command tool) has an example per place.
    const names = path.filter((part): part is string => typeof part === 'string').join('.');
    const own = Object.hasOwn(ownExamples, names) ? ownExamples[names] : undefined;
    const placed = typeof path[0] === 'string' && lastName !== undefined ? exampleOf(`${path[0]}.${lastName}`) : undefined;
    const example = own ?? placed ?? (lastName === undefined ? undefined : exampleOf(lastName));
    // A schema's own message may give its example already (`is 0 to 2147482648, for example \`seed: 1\``): one is enough.
    const hasExample = message.includes('for example `');
    const problem: Problem = {
      file,
      message: example && !hasExample ? `${message}; a valid value looks like \`${example}\`` : message,
      severity: 'error',
    };
    if (field !== undefined) problem.field = field;
    const line = source.lineOf(path);
    if (line !== undefined) problem.line = line;
    return [problem];
  });
}

/** `unknown field "concurency"; did you mean concurrency? The fields here are …`, at the line of the field itself. */
function unknownField(file: string, source: YamlSource, path: ReadonlyArray<string | number>, key: string, known: readonly string[]): Problem {
  const meant = closestName(key, known);
  const guess = meant === undefined ? '' : `; did you mean ${meant}?`;
  const fields = known.length === 0 ? '; remove or rename it' : `${meant === undefined ? '; the' : ' The'} fields here are ${known.join(', ')}`;
  const problem: Problem = { file, field: [...path, key].join('.'), message: `unknown field ${JSON.stringify(key)}${guess}${fields}`, severity: 'error' };
  const line = source.lineOf([...path, key]);
  if (line !== undefined) problem.line = line;
  return problem;
}

/** The example of a field; a name someone wrote (a model key `constructor`) is never taken for one of Object's. */
function exampleOf(field: string): string | undefined {
  return Object.hasOwn(FIELD_EXAMPLES, field) ? FIELD_EXAMPLES[field] : undefined;
}

function valueAt(value: unknown, path: ReadonlyArray<string | number>): unknown {
  let current = value;
  for (const part of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[part];
  }
  return current;
}

/** The parts of a zod 4 schema's definition this walk reads; the rest of it is left alone. */
interface Definition {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  options?: readonly z.ZodType[];
  valueType?: z.ZodType;
  element?: z.ZodType;
  left?: z.ZodType;
  right?: z.ZodType;
  getter?: () => z.ZodType;
}

/** Wrappers and pipes are looked through at most this deep at each step: a schema that refers to itself ends here. */
const MAX_UNWRAP = 32;

function definitionOf(schema: z.ZodType): Definition {
  return (schema as unknown as { _zod: { def: Definition } })._zod.def;
}

/** The schemas a value may be checked by, seen through defaults, optionals, pipes, unions and lazies. */
function unwrapped(schema: z.ZodType, depth = 0): z.ZodType[] {
  if (depth > MAX_UNWRAP) return [];
  const definition = definitionOf(schema);
  const inner = [definition.innerType, definition.in, definition.out, definition.left, definition.right, ...(definition.options ?? [])].filter(
    (part): part is z.ZodType => part !== undefined,
  );
  if (definition.type === 'lazy' && definition.getter) inner.push(definition.getter());
  if (definition.type === 'object' || definition.type === 'record' || definition.type === 'array') return [schema];
  return inner.flatMap((part) => unwrapped(part, depth + 1));
}

/** The schemas of the value at `path` under `schema`. */
function schemasAt(schema: z.ZodType, path: ReadonlyArray<string | number>): z.ZodType[] {
  let current = unwrapped(schema);
  for (const part of path) {
    current = current.flatMap((each) => {
      const definition = definitionOf(each);
      const next =
        definition.type === 'object' && typeof part === 'string' && definition.shape && Object.hasOwn(definition.shape, part)
          ? definition.shape[part]
          : definition.type === 'record'
            ? definition.valueType
            : definition.type === 'array' && typeof part === 'number'
              ? definition.element
              : undefined;
      return next === undefined ? [] : unwrapped(next);
    });
  }
  return current;
}

/**
 * The fields an object at `path` of a file checked by `schema` may have, in the schema's order:
 * what an unknown field there could have been meant as. Empty when the schema has no object there.
 * A model entry (an object with a `provider:`, `value`) has those its provider takes, not every provider's.
 */
function knownFields(schema: z.ZodType, path: ReadonlyArray<string | number>, value: unknown): string[] {
  const fields = new Set<string>();
  for (const each of schemasAt(schema, path)) {
    const { type, shape } = definitionOf(each);
    if (type === 'object' && shape) for (const field of Object.keys(shape)) fields.add(field);
  }
  const provider = value !== null && typeof value === 'object' && fields.has('provider') ? (value as Record<string, unknown>).provider : undefined;
  return provider === undefined ? [...fields] : fieldsOfProvider(provider, [...fields]);
}
