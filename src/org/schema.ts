import type { z as Zod } from 'zod';
import { zod } from '../lazy-modules.js';

/** The tools an agent can be given; a resume without `tools` gets all of them. */
export const TOOL_NAMES = ['send_message', 'remember'] as const;

/** Every schema of the org's files, built on first use (see lazy-modules.ts). */
function buildSchemas(z: typeof Zod) {
  const nonNegativeInt = z.number().int().min(0);
  const positiveInt = z.number().int().min(1);

  /** Provider limits: the engine waits rather than bursting into rate-limit errors. */
  const providerLimitsSchema = z.strictObject({
    concurrency: positiveInt.optional(),
    requests_per_minute: positiveInt.optional(),
    tokens_per_minute: positiveInt.optional(),
  });

  /** One entry of the model registry in org.yaml. */
  const modelEntrySchema = z.strictObject({
    provider: z.enum(['offline', 'openai', 'anthropic', 'openai-compatible']),
    model: z.string().min(1),
    input_price: z.number().min(0),
    output_price: z.number().min(0),
    context_window: positiveInt,
    max_output_tokens: positiveInt.optional(),
    base_url: z.string().url().optional(),
    api_key_env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).optional(),
    timeout_ms: positiveInt.optional(),
    max_retries: nonNegativeInt.optional(),
    tool_calling: z.boolean().optional(),
    limits: providerLimitsSchema.optional(),
  });

  const engineSettingsSchema = z.strictObject({
    max_turns: positiveInt.default(50),
    concurrency: positiveInt.default(8),
    max_messages_per_turn: positiveInt.default(5),
    max_body_chars: positiveInt.default(20_000),
    max_failed_turns: positiveInt.default(3),
    /** A Redis address: model calls go to `lemming worker` processes instead of being made here. */
    queue: z.string().regex(/^rediss?:\/\/[^/\s]+/).optional(),
    context: z
      .strictObject({
        max_messages: positiveInt.default(20),
        max_tokens: positiveInt.default(8_000),
        max_memory_chars: positiveInt.default(4_000),
      })
      .prefault({}),
  });

  const orgFileSchema = z.strictObject({
    name: z.string().min(1),
    engine: engineSettingsSchema.prefault({}),
    models: z.record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/), modelEntrySchema),
  });

  const nameList = z.array(z.string()).default([]);

  const chartEntrySchema = z.strictObject({
    reports_to: z.string().nullable().default(null),
    send_to: nameList,
    read_from: nameList,
  });

  const chartFileSchema = z.strictObject({
    agents: z.record(z.string(), chartEntrySchema),
  });


  const resumeSchema = z.strictObject({
    title: z.string().min(1),
    model: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    credits: z.number().min(0).optional(),
    schedule: z
      .strictObject({ every: nonNegativeInt.default(0), offset: nonNegativeInt.default(0) })
      .prefault({}),
    tools: z.array(z.enum(TOOL_NAMES)).default([...TOOL_NAMES]),
  });

  return { providerLimitsSchema, modelEntrySchema, engineSettingsSchema, orgFileSchema, chartEntrySchema, chartFileSchema, resumeSchema };
}

type Schemas = ReturnType<typeof buildSchemas>;
let built: Schemas | undefined;

/** The zod schemas of the org's files, built on the first call rather than at import (see lazy-modules.ts). */
export function schemas(): Schemas {
  return (built ??= buildSchemas(zod().z));
}

/** One model in org.yaml's registry; prices are credits per million tokens. */
export type ModelEntry = Zod.infer<Schemas['modelEntrySchema']>;
/** org.yaml's `engine:` section, with its defaults filled in. */
export type EngineSettings = Zod.infer<Schemas['engineSettingsSchema']>;
/** org/org.yaml as parsed, before it is checked against the other files. */
export type OrgFile = Zod.infer<Schemas['orgFileSchema']>;
/** One agent's entry in org/chart.yaml; `send_to` and `read_from` may hold `"*"` for everyone. */
export type ChartEntry = Zod.infer<Schemas['chartEntrySchema']>;
/** The front matter of `agents/<name>/resume.md`; `model` is one registry key or a list, the first tried first. */
export type ResumeFrontMatter = Zod.infer<Schemas['resumeSchema']>;
export type ToolName = (typeof TOOL_NAMES)[number];

/** A valid example of each field, shown next to an error about it. */
export const FIELD_EXAMPLES: Record<string, string> = {
  name: 'name: my-org',
  provider: 'provider: offline   # offline | openai | anthropic | openai-compatible',
  model: 'model: gpt-4o-mini',
  input_price: 'input_price: 0.15   # credits per million input tokens',
  output_price: 'output_price: 0.6   # credits per million output tokens',
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
  queue: 'queue: redis://127.0.0.1:6379   # model calls go to `lemming worker` processes',
  reports_to: 'reports_to: manager   # or null for the top of the org',
  send_to: 'send_to: [planner, coder_01]   # or ["*"] for everyone',
  read_from: 'read_from: ["*"]',
  title: 'title: Engineering manager',
  credits: 'credits: 1.5   # a budget of 0 or more credits',
  schedule: 'schedule: { every: 5, offset: 0 }   # every 0 = only when mail arrives',
  every: 'every: 5   # whole turns; 0 = only when mail arrives',
  offset: 'offset: 0',
  tools: 'tools: [send_message, remember]',
};
