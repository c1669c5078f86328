import { OTLP_URL, OTLP_URL_HINT } from './otlp-url.js';
import type { z as Zod } from 'zod';
import { zod } from '../lazy-modules.js';
import { givenCreditsProblem } from './ledger-line.js';
import { COMMAND_TOOL_NAME, MCP_SERVER_NAME, nameProblem, nameRecord, type NameKind } from './names.js';
import { activationSchema } from './activation-schema.js';
import { buildBudgetSchemas } from './budget-schema.js';
import { buildMemorySchemas } from './memory-schema.js';
import { buildModelEntrySchemas } from './model-entry-schema.js';
import { buildSandboxSchemas } from './sandbox-schema.js';
import { buildOutsideSchemas, NOTIFY_EVENTS } from './outside-schema.js';

export { COMMAND_TOOL_NAME, MCP_SERVER_NAME };

/** The built-in tools an agent can be given in its resume's `tools` list. */
export const TOOL_NAMES = [
  'send_message',
  'remember',
  'read_file',
  'write_file',
  'list_files',
  'search_files',
  'read_message',
  'list_agents',
  'hire_agent',
  'retire_agent',
  'run_command',
  'fetch_url',
  'calculate',
] as const;

/** The name of a persona attribute (resume `persona:`, a population spec's `attributes:`): lower case, a letter first. */
export const PERSONA_ATTRIBUTE = /^[a-z][a-z0-9_]{0,39}$/;
/** A resume's `role:`: one lower-case word (populate writes head, lead or member). */
export const ROLE_WORD = /^[a-z][a-z0-9_-]{0,39}$/;
export const PERSONA_ATTRIBUTE_HINT = 'an attribute name is lower-case letters, digits and "_", a letter first, at most 40 characters, for example "seniority"';

/** What a resume without a `tools` list gets: talking and keeping notes, nothing that touches files. */
export const DEFAULT_TOOLS: readonly ToolName[] = ['send_message', 'remember'];

/** A grant of an MCP server's tools in a resume: `server/*` for all of them, `server/tool_name` for one. */
export const MCP_GRANT_PATTERN = /^([A-Za-z0-9][A-Za-z0-9_-]{0,63})\/(\*|[A-Za-z0-9_.-]{1,128})$/;

/** True for a built-in tool name, an MCP grant, or a name an org's command tool may have (org.yaml says whether it does). */
export function isToolGrant(value: string): boolean {
  return (TOOL_NAMES as readonly string[]).includes(value) || MCP_GRANT_PATTERN.test(value) || (COMMAND_TOOL_NAME.test(value) && value.length <= 64);
}

/** True for a built-in tool. */
export function isBuiltinTool(value: string): value is ToolName {
  return (TOOL_NAMES as readonly string[]).includes(value);
}

export { NOTIFY_EVENTS };

/** Every schema of the org's files, built on first use (see lazy-modules.ts). */
function buildSchemas(z: typeof Zod) {
  const nonNegativeInt = z.number().int().min(0);
  const positiveInt = z.number().int().min(1);

  /**
   * A map of names to values (org.yaml `models`, `mcp_servers`, `command_tools`, the chart's
   * `agents`): each key passes the name rule (zod itself would drop a `__proto__` key without a
   * word), and the result has no prototype, so a name like `constructor` finds only its own entry.
   */
  const nameKeyed = <Value extends Zod.ZodType>(kind: NameKind, value: Value) =>
    z
      .preprocess((input, context) => {
        if (input === null || typeof input !== 'object' || Array.isArray(input)) return input;
        for (const key of Object.keys(input)) {
          const problem = nameProblem(kind, key);
          if (problem !== undefined) context.addIssue({ code: 'custom', path: [key], message: problem, input: key });
        }
        return nameRecord(input as Record<string, unknown>);
      }, z.record(z.string(), value))
      .transform((record) => nameRecord(record));

  // org.yaml `budget:` and the loop breakers: budget-schema.ts.
  const budgetSchemas = buildBudgetSchemas(z, (value) => nameKeyed('agent', value));
  // A model registry entry and its limits: model-entry-schema.ts. Where and how commands run, and the org's command tools: sandbox-schema.ts.
  const { providerLimitsSchema, envName, modelEntrySchema } = buildModelEntrySchemas(z);
  const { sandboxLimitsSchema, sandboxSettingsSchema, commandToolSchema } = buildSandboxSchemas(z);

  const engineSettingsSchema = z.strictObject({
    /** `lemming run` stops here if the org is not idle sooner. */
    max_turns: positiveInt.default(50),
    /** Model calls in flight at once. */
    concurrency: positiveInt.default(8),
    /** Messages an agent may send in a turn; further sends are refused with a notice that says to send them again in a later turn. */
    max_messages_per_turn: positiveInt.default(5),
    /** Longer message bodies are cut, and say so. */
    max_body_chars: positiveInt.default(20_000),
    /** Model answers per agent per turn (tool results go back between them). */
    max_steps: positiveInt.default(8),
    /** Turns in a row of failed calls before an agent is held (`lemming retry` calls it again). */
    max_failed_turns: positiveInt.default(3),
    /** A call in flight this long says so (and again later, at most 30 s apart), long before its model's `timeout_ms`. */
    waiting_notice_ms: positiveInt.default(10_000),
    /** After SIGTERM or SIGINT, the most seconds the process takes to stop before it quits anyway (`--shutdown-timeout` wins). */
    shutdown_seconds: z.number().positive().max(3600).default(8),
    /** `/readyz` says not ready while a turn has run longer than this (seconds). */
    ready_turn_seconds: z.number().positive().default(600),
    /** A Redis address: model calls go to `lemming worker` processes instead of being made here. */
    queue: z.string().regex(/^rediss?:\/\/[^/\s]+/).optional(),
    /** How the engine watches the jobs it has queued (seconds; fractions allowed). */
    queue_checks: z
      .strictObject({
        /** How often a waiting call asks Redis where its job is. */
        every_seconds: z.number().positive().default(5),
        /** A job left waiting this long while workers that serve its queue have free slots is queued again. */
        unclaimed_seconds: z.number().positive().default(120),
        /** A Redis that answers nothing for this long stops the run. */
        unreachable_seconds: z.number().positive().default(60),
        /** A call left this long with no live worker serving its queue stops the run (the next run resumes the turn). */
        unserved_seconds: z.number().positive().default(600),
      })
      .prefault({}),
    context: z
      .strictObject({
        /** Mail shown per call; the rest waits for a later turn. */
        max_messages: positiveInt.default(20),
        /** Mail shown per call, in estimated tokens (scaled by what the server counts). */
        max_tokens: positiveInt.default(8_000),
        /** Notes shown per call. */
        max_memory_chars: positiveInt.default(4_000),
      })
      .prefault({}),
    /**
     * Call traces kept per agent under agents/<name>/logs/traces/ (the most recent turns); 0 keeps none.
     * Off unless set: a trace is a file per call holding the whole prompt, which at thousands of agents
     * costs more than the turn itself. The default org sets it.
     */
    traces: z.strictObject({ keep: nonNegativeInt.default(0) }).prefault({}),
    /**
     * How the engine learns what changed in the agents' folders between turns (docs/performance.md). An org of up to
     * `scan_per_turn` agents has every resume and outbox looked at every turn; a bigger one learns from lemming's own
     * writers, from file-system notifications (`watch`, up to 20,000 agents and half the inotify watch limit), and
     * otherwise from a scan of `scan_per_turn` agents a turn, so a hand edit is seen within ceil(agents / scan_per_turn) turns.
     */
    changes: z
      .strictObject({
        /** Agents looked at each turn without notifications: each costs two `stat`s. */
        scan_per_turn: positiveInt.default(5_000),
        /** Watch the agents' folders (Linux inotify) in orgs bigger than `scan_per_turn`, so a hand edit is seen at the next turn. */
        watch: z.boolean().default(true),
      })
      .prefault({}),
    sandbox: sandboxSettingsSchema.prefault({}),
    /**
     * Circuit breakers (off unless set): an agent caught in a ping-pong, a repeated message or an
     * escalation storm, or spending past a rate, is held (not called, its mail waiting) and the human is
     * told, until `lemming retry <agent>`; a loop breaker set to `warn` only tells. An intervention's
     * `hold:` keeps its agent in the same state, said and counted as the intervention's (`intervention`),
     * not a breaker's. See engine/breakers/.
     */
    breakers: z
      .strictObject({
        /** Messages two agents send back and forth (taking turns or in the same turns), neither writing to anyone else nor making anything, that hold both (at least 2); or `{ messages, on: pause | warn | off }`. */
        ping_pong: budgetSchemas.pingPongSchema.optional(),
        /** An agent writing the same text in `times` turns (of the last `within`): `pause`, `warn`, `off`, or `{ times, within, on }`. */
        repeated_messages: budgetSchemas.repeatedMessagesSchema.optional(),
        /** `messages` escalations (high or urgent, to one's own manager) reaching one manager within `turns` turns: `pause`, `warn`, `off`, or `{ messages, turns, on }`. */
        escalation_storm: budgetSchemas.escalationStormSchema.optional(),
        /** An agent charged more than `credits_per_turn` a turn on average over the last `window` turns is held. */
        spend: z.strictObject({ credits_per_turn: z.number().positive(), window: positiveInt.max(1000).default(3) }).optional(),
      })
      .optional(),
    /** Which agents with work act in a turn, drawn by rules over roles and personas (engine/turn/activation.ts); absent: all of them. */
    activation: activationSchema(z).optional(),
  });

  const { webEntry, webSettingsSchema, mcpStdioSchema, mcpHttpSchema, notifySchema } = buildOutsideSchemas(z, envName);

  const memorySchemas = buildMemorySchemas(z);
  const { orgMemorySchema, resumeMemorySchema } = memorySchemas;

  const orgFileSchema = z.strictObject({
    /** The org's name, shown on every screen. */
    name: z.string().min(1),
    /** How turns run: caps, context, traces, the sandbox. */
    engine: engineSettingsSchema.prefault({}),
    /** The model registry: each key a name resumes give as `model:` (not `human`, a person's). */
    models: nameKeyed('model', modelEntrySchema),
    /** MCP servers whose tools resumes may grant (`server/tool`, `server/*`): started as a command, or reached over HTTP. */
    mcp_servers: nameKeyed('mcp-server', z.union([mcpStdioSchema, mcpHttpSchema])).default(nameRecord()),
    /** Tools whose calls wait for the human's approval: built-in names, command tools, `server/tool` or `server/*`. */
    needs_approval: z.array(z.string().refine(isToolGrant, 'must be a built-in tool name, a command tool, or "server/tool" or "server/*"')).default([]),
    /** Tools the org defines as commands, granted by name in resumes like built-ins. */
    command_tools: nameKeyed('command-tool', commandToolSchema).default(nameRecord()),
    /** What fetch_url may reach. */
    web: webSettingsSchema.prefault({}),
    /** People told by webhook when something needs them. */
    notify: z.array(notifySchema).default([]),
    /**
     * OpenTelemetry (docs/telemetry.md): each turn sent as a trace, each agent call, model step, tool and
     * sandboxed command a span in it, to an OTLP/HTTP endpoint. Off unless set (`--otlp` sets it for one run).
     */
    telemetry: z
      .strictObject({
        /** The OTLP/HTTP endpoint, as `http://localhost:4318` (traces go to its `/v1/traces`) or the full traces URL. */
        otlp: z.string().regex(OTLP_URL, `must be ${OTLP_URL_HINT}`),
      })
      .optional(),
    /** Seats besides the human's that an outside program may take through `lemming mcp --as <name>`: each a person's (`model: human`). */
    outside_seats: z.array(z.string()).default([]),
    /**
     * The org's history (docs/history.md): every committed turn and the hand edits between turns, kept
     * as a git repository in org/state/history.git, read by `lemming history`, `show --at` and `fork`.
     * Off unless set; every org `bootstrap`, a template or the demo writes sets it (`keep: false` turns it off).
     */
    history: z
      .strictObject({
        /** Record an entry after each turn (and one for hand edits before a turn); needs the `git` program. */
        keep: z.boolean().default(false),
      })
      .prefault({}),
    /**
     * A ceiling on what the org spends in all, and on what each department spends (docs/spending.md):
     * the human is told at each share of it in `warn_at`, and at the ceiling no new model call starts
     * until it is raised. Off unless set.
     */
    budget: budgetSchemas.orgBudgetSchema.optional(),
     /**
     * Each agent's memory stream (docs/memory.md): a markdown file per thing it saw and did under
     * agents/<name>/memory/stream/, retrieved into each prompt within a token budget, reflected on every
     * so many turns. Off unless set: it writes a few files per call and makes every prompt longer.
     */
    memory: orgMemorySchema.prefault({}),
  });

  const nameList = z.array(z.string()).default([]);
  /** One attribute's value in a persona: a word or a phrase on one line, a number, or yes/no. */
  const personaValue = z.union([z.string().max(200).regex(/^[^\n\r]*$/), z.number().finite(), z.boolean()], {
    error: 'must be a word or a line of text (at most 200 characters), a number, or true or false, for example `seniority: junior` or `age: 34`',
  });
  /** A persona's attributes: each name passes the attribute rule, said with the name (zod alone says only "Invalid key in record"). */
  const persona = z.preprocess((input, context) => {
    if (input === null || typeof input !== 'object' || Array.isArray(input)) return input;
    for (const key of Object.keys(input)) {
      if (!PERSONA_ATTRIBUTE.test(key)) context.addIssue({ code: 'custom', path: [key], message: `${JSON.stringify(key)}: ${PERSONA_ATTRIBUTE_HINT}`, input: key });
    }
    return input;
  }, z.record(z.string(), personaValue));

  const chartEntrySchema = z.strictObject({
    /** Its manager (told when it runs out of credits); null at the top. Itself, or a circle (a to b, b to a), is warned of by `lemming validate`. */
    reports_to: z.string().nullable().default(null),
    /** Agents it may write to (`"*"`: everyone); the recipient must read from it too. */
    send_to: nameList,
    /** Agents whose mail it takes (`"*"`: everyone). */
    read_from: nameList,
  });

  const chartFileSchema = z.strictObject({
    /** Each agent's place in the chart, by its folder's name. */
    agents: nameKeyed('agent', chartEntrySchema),
  });


  const resumeSchema = z.strictObject({
    /** Its job title, as the others and the screens see it. */
    title: z.string().min(1),
    /** Its role in a structure (`head`, `lead` or `member`, as `lemming populate` writes it): what activation rules name (`match: { role: lead }`). */
    role: z.string().regex(ROLE_WORD, 'must be one lower-case word, for example `role: lead`').optional(),
    /** A key of org.yaml's `models`, or a list of them: the first, then each fallback in order when one fails. */
    model: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    /** Its budget in credits, spent by tokens at its model's prices: from 0 to 1000000, in at most 9 decimals (the rule of a top-up; more comes by top-ups). */
    credits: z
      .number()
      .superRefine((value, context) => {
        const problem = givenCreditsProblem(value, "an agent's budget (more comes by `lemming top-up`)", 0);
        if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
      })
      .optional(),
    /** When it runs without mail: every `every` turns (0: only on mail), from turn `offset`. */
    schedule: z
      .strictObject({ every: nonNegativeInt.default(0), offset: nonNegativeInt.default(0) })
      .prefault({}),
    /** Its memory stream: `off`, `on`, or `{ budget_tokens, reflect: { every, importance } }` over org.yaml `memory:`. */
    memory: resumeMemorySchema.optional(),
    /** The tools it may call: built-ins, the org's command tools, MCP grants (`server/tool`, `server/*`). */
    tools: z
      .array(z.string().refine(isToolGrant, `must be one of ${TOOL_NAMES.join(', ')}, a command tool of org/org.yaml, or an MCP grant like "files/*" or "files/read_text_file"`))
      .default([...DEFAULT_TOOLS]),
    /** May this agent write to the org's shared `workspace/`? Everyone may read it. */
    shared_workspace: z.enum(['read', 'write']).default('read'),
    /** This agent's command limits, over org.yaml engine.sandbox's. */
    sandbox: sandboxLimitsSchema.optional(),
    /** Hosts or URL prefixes this agent may fetch besides org.yaml web.allow. */
    web_allow: z.array(webEntry).default([]),
    /** Who this agent is, as attributes (`age: 34`, `department: sales`): written by `lemming populate`, read by experiments, surveys and analyses that group agents by them. */
    persona: persona.optional(),
  });

  return {
    providerLimitsSchema,
    modelEntrySchema,
    engineSettingsSchema,
    mcpStdioSchema,
    mcpHttpSchema,
    notifySchema,
    orgFileSchema,
    sandboxLimitsSchema,
    sandboxSettingsSchema,
    webSettingsSchema,
    commandToolSchema,
    chartEntrySchema,
    chartFileSchema,
    resumeSchema,
    ...memorySchemas,
    ...budgetSchemas,
  };
}

type Schemas = ReturnType<typeof buildSchemas>;
let built: Schemas | undefined;

/** The zod schemas of the org's files, built on the first call rather than at import (see lazy-modules.ts). */
export function schemas(): Schemas {
  return (built ??= buildSchemas(zod().z));
}

let defaults: EngineSettings | undefined;

/** org.yaml `engine:` as an org.yaml that sets nothing gets it: every default, from the schema itself. */
export function engineDefaults(): EngineSettings {
  return (defaults ??= schemas().engineSettingsSchema.parse({}));
}

/** One model in org.yaml's registry; prices are credits per million tokens. */
export type ModelEntry = Zod.infer<Schemas['modelEntrySchema']>;
/** org.yaml's `engine:` section, with its defaults filled in. */
export type EngineSettings = Zod.infer<Schemas['engineSettingsSchema']>;
/** org/org.yaml as parsed, before it is checked against the other files. */
export type OrgFile = Zod.infer<Schemas['orgFileSchema']>;
/** One agent's entry in org/chart.yaml; `send_to` and `read_from` may hold `"*"` for everyone. */
export type ChartEntry = Zod.infer<Schemas['chartEntrySchema']>;
/** One attribute's value in a resume's `persona:`. */
export type PersonaValue = string | number | boolean;
/** The front matter of `agents/<name>/resume.md`; `model` is one registry key or a list, the first tried first. */
export type ResumeFrontMatter = Zod.infer<Schemas['resumeSchema']>;
/** org.yaml `engine.sandbox`, with its defaults filled in. */
export type SandboxSettings = Zod.infer<Schemas['sandboxSettingsSchema']>;
/** Limits a resume or a command tool sets over engine.sandbox's. */
export type SandboxLimitOverrides = Zod.infer<Schemas['sandboxLimitsSchema']>;
/** org.yaml `web`: what fetch_url may reach. */
export type WebSettings = Zod.infer<Schemas['webSettingsSchema']>;
/** org.yaml `history`. */
export type HistorySettings = OrgFile['history'];
/** org.yaml `memory`, with its defaults filled in. */
export type OrgMemorySettings = OrgFile['memory'];
/** A resume's `memory:` as written. */
export type ResumeMemorySetting = NonNullable<ResumeFrontMatter['memory']>;
/** One tool of org.yaml `command_tools`, with its defaults filled in. */
export type CommandToolConfig = Zod.infer<Schemas['commandToolSchema']>;
/** One `notify:` entry of org.yaml, with its defaults filled in. */
export type NotifyTarget = Zod.infer<Schemas['notifySchema']>;
/** What a `notify:` entry can be told of. */
export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];
/** A built-in tool. */
export type ToolName = (typeof TOOL_NAMES)[number];
/** An MCP server as declared in org.yaml `mcp_servers`, with its defaults filled in. */
export type McpServerConfig = Zod.infer<Schemas['mcpStdioSchema']> | Zod.infer<Schemas['mcpHttpSchema']>;
