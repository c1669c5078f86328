import type { z as Zod } from 'zod';

/**
 * The model registry's entry (org.yaml `models:`): who answers an entry's calls, the fields each kind
 * of provider takes, and the entry's schema. Built by schema.ts's `buildSchemas` with its zod; kept
 * here so that file stays one list of the org's files. Comments on the fields are what
 * docs/org-files.md says of them (`npm run docs` reads this file too).
 */

/** Who answers a registry entry's calls: a vendor's API, the offline model, an agent program, or an HTTP endpoint. */
export const MODEL_PROVIDERS = ['offline', 'openai', 'anthropic', 'openai-compatible', 'command', 'http'] as const;

/** Registry fields that belong to one kind of provider only, and the providers they belong to. */
const FIELDS_OF: Record<string, readonly string[]> = {
  command: ['command'],
  args: ['command'],
  env: ['command'],
  pass_model_env: ['command'],
  reply: ['command'],
  prompt: ['command', 'http'],
  max_output_bytes: ['command', 'http'],
  url: ['http'],
  headers: ['http'],
  base_url: ['openai', 'anthropic', 'openai-compatible'],
  api_key_env: ['openai', 'anthropic', 'openai-compatible'],
  tool_calling: ['openai', 'anthropic', 'openai-compatible'],
  prompt_cache: ['openai', 'anthropic', 'openai-compatible'],
  cache_slots: ['openai-compatible'],
  seed: ['offline', 'openai', 'openai-compatible'],
  variability: ['offline'],
};

/** Whether a registry entry of `provider` takes a `seed` (a call can be made again with another one). Pure. */
export function takesSeed(provider: string): boolean {
  return FIELDS_OF.seed?.includes(provider) ?? false;
}

/**
 * Of `fields` (a registry entry's), those an entry of `provider` takes: a field of one kind of
 * provider only is left out for another. All of them when `provider` is none of MODEL_PROVIDERS,
 * as nothing says then which fields the entry meant to have. Pure.
 */
export function fieldsOfProvider(provider: unknown, fields: readonly string[]): string[] {
  if (!(MODEL_PROVIDERS as readonly unknown[]).includes(provider)) return [...fields];
  return fields.filter((field) => !Object.hasOwn(FIELDS_OF, field) || (FIELDS_OF[field] as readonly string[]).includes(provider as string));
}

/**
 * What is wrong with a registry entry beyond each field's own type: the field its provider needs
 * and is missing, and fields that belong to another kind of provider. Pure.
 */
export function entryProblems(entry: { provider: string } & Partial<Record<string, unknown>>): Array<{ field: string; message: string }> {
  const problems: Array<{ field: string; message: string }> = [];
  const required = entry.provider === 'command' ? 'command' : entry.provider === 'http' ? 'url' : 'model';
  if (entry[required] === undefined) problems.push({ field: required, message: `is required for provider ${entry.provider}` });
  for (const [field, providers] of Object.entries(FIELDS_OF)) {
    if (entry[field] === undefined || providers.includes(entry.provider)) continue;
    problems.push({ field, message: `is not a setting of provider ${entry.provider} (it is for provider ${providers.join(' or ')}); remove it` });
  }
  return problems;
}

/** The schema of a registry entry, its limits, and the rule of an environment variable's name (used by other parts of org.yaml too). */
export function buildModelEntrySchemas(z: typeof Zod) {
  const nonNegativeInt = z.number().int().min(0);
  const positiveInt = z.number().int().min(1);

  /** Provider limits: the engine waits rather than bursting into rate-limit errors. */
  const providerLimitsSchema = z.strictObject({
    concurrency: positiveInt.optional(),
    requests_per_minute: positiveInt.optional(),
    tokens_per_minute: positiveInt.optional(),
  });

  const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be the name of an environment variable, like GITHUB_TOKEN');

  /** One entry of the model registry in org.yaml: a vendor's model, the offline model, an agent program or an HTTP agent. */
  const modelEntrySchema = z
    .strictObject({
      /** Who answers: a vendor's API (`openai`, `anthropic`, `openai-compatible`), the built-in `offline` model, or an outside agent (`command`, `http`). */
      provider: z.enum(MODEL_PROVIDERS),
      /** The vendor's model name; for `command` and `http`, a name the agent is told (the provider's name when absent). */
      model: z.string().min(1).optional(),
      /** Credits per million prompt tokens. */
      input_price: z.number().min(0),
      /** Credits per million answer tokens. */
      output_price: z.number().min(0),
      /** Prompt tokens the vendor's cache served (OpenAI cached tokens, Anthropic cache reads); input_price when absent. */
      cached_input_price: z.number().min(0).optional(),
      /** Prompt tokens written to the vendor's cache (Anthropic cache creation); input_price when absent. */
      cache_write_price: z.number().min(0).optional(),
      /** Credits for each answer that came back, on top of its tokens (an agent program billed by the run). */
      price_per_call: z.number().min(0).optional(),
      /** The most tokens a prompt may hold on this model. */
      context_window: positiveInt,
      /** The cap on each answer; none unless set (1024 for Anthropic, which requires one). */
      max_output_tokens: positiveInt.optional(),
      /** Where the API is: required for `openai-compatible`, a proxy for the others (the vendor's own when absent). */
      base_url: z.string().url().optional(),
      /** The environment variable (or `.env` line) holding the key: `OPENAI_API_KEY`, `ANTHROPIC_API_KEY` by default; none for `openai-compatible`. */
      api_key_env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).optional(),
      /** How long one attempt may take (120000 when absent). */
      timeout_ms: positiveInt.optional(),
      /** Attempts after the first, for failures worth retrying (3 when absent). */
      max_retries: nonNegativeInt.optional(),
      /** `false`: always the plain-text reply format; `true`: tool calls, never switching to text; absent: tool calls, switching to text if the server says the model has none. */
      tool_calling: z.boolean().optional(),
      /** Mark where each agent's unchanging prompt ends for the vendor's prompt cache (providers/prompt-cache.ts); true when absent. */
      prompt_cache: z.boolean().optional(),
      /** `openai-compatible` (llama.cpp): the server's slots; while every agent on the entry can have one of its own, each keeps to its own (`id_slot`), else the server chooses. */
      cache_slots: positiveInt.max(1024).optional(),
      /** This entry's concurrency and rate limits: the engine waits rather than bursting into rate-limit errors. */
      limits: providerLimitsSchema.optional(),
      /** `command`: the program, found on PATH, or a path (relative to the org root) when it holds a "/". */
      command: z.string().min(1).optional(),
      /** `command`: its arguments. */
      args: z.array(z.string()).optional(),
      /** `command`: variables passed on to the program besides the safe few (their values are secrets). */
      env: z.array(envName).optional(),
      /** `command`: pass on the variables that find a model (base URLs, proxies, certificates; program-environment.ts); default true. */
      pass_model_env: z.boolean().optional(),
      /** `command` and `http`: how the call is written (see providers/agent-protocol). */
      prompt: z.enum(['text', 'json']).optional(),
      /** `command`: how the program answers on stdout. */
      reply: z.enum(['text', 'json']).optional(),
      /** `http`: where the call is POSTed. */
      url: z.string().url().optional(),
      /** `http`: header name to the environment variable holding its value. */
      headers: z.record(z.string().min(1), envName).optional(),
      /** `command` and `http`: the most bytes an answer may have. */
      max_output_bytes: positiveInt.optional(),
      /** Sent to models that take one (OpenAI's `seed`); the offline model's draws when `variability` is above 0. An experiment sets it per repeat. */
      seed: nonNegativeInt.max(2 ** 31 - 1).optional(),
      /** `offline`: how much repeats differ, 0 (never: the default) to 1 (see providers/offline/variation.ts). */
      variability: z.number().min(0).max(1).optional(),
    })
    .superRefine((entry, context) => {
      for (const problem of entryProblems(entry)) context.addIssue({ code: 'custom', path: [problem.field], message: problem.message });
    })
    .transform((entry) => ({ ...entry, model: entry.model ?? entry.provider }));
  return { providerLimitsSchema, envName, modelEntrySchema };
}
