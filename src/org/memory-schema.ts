import type { z as Zod } from 'zod';

/**
 * The parts of org.yaml and of a resume about memory (docs/memory.md): org.yaml's `memory:` and a
 * resume's own. Built by schema.ts's `buildSchemas` with its zod; kept here so that file stays one
 * list of the org's files. Comments on the fields are what docs/org-files.md says of them (`npm run
 * docs` reads this file too).
 */
export function buildMemorySchemas(z: typeof Zod) {
  const positiveInt = z.number().int().min(1);
  const nonNegativeInt = z.number().int().min(0);
  /** When an agent reflects on its memories (a model call, charged with its turn): the first of the two that comes. */
  const reflectSchema = z.strictObject({
    /** Turns since its last reflection (or since its memories began) after which it reflects again; 0: never by turns. */
    every: nonNegativeInt.max(1_000_000).default(20),
    /** Or as soon as the importance of its memories since then adds up to this (each memory 1 to 10); 0: never by importance. */
    importance: nonNegativeInt.max(1_000_000).default(100),
    /** Reflect as Park et al.'s agents do: first ask for this many focal questions about the recent memories, search the stream for each, then draw insights (two calls); 0 or absent: one call on the recent memories. */
    questions: nonNegativeInt.max(5).optional(),
  });
  /** Memories shown per call, in estimated tokens (the most relevant, important and recent that fit). */
  const memoryBudget = positiveInt.max(1_000_000);
  /** A weight of the ranking: 0 leaves its part out. */
  const memoryWeight = z.number().min(0).max(1_000);
  /**
   * How the three parts of a memory's score weigh, each part min–max scaled over the agent's memories
   * before it is weighed (memory/rank-memories.ts). The defaults are Park et al.'s released ones.
   */
  const weightsSchema = z.strictObject({
    /** How recently it was recalled into a prompt, or else written (Park et al.'s weight: 0.5). */
    recency: memoryWeight.default(0.5),
    /** How well it matches the mail the prompt shows (theirs: 3). */
    relevance: memoryWeight.default(3),
    /** Its importance, 1 to 10 (theirs: 2). */
    importance: memoryWeight.default(2),
  });
  /** `memory.embeddings:` the model a memory's and a query's vectors are asked of (memory/embed-memories.ts). */
  const embeddingsSchema = z.strictObject({
    /** A key of org.yaml `models:` whose provider is openai or openai-compatible (an entry such as `embedder` with `provider: openai-compatible`, `model: nomic-embed-text` and the server's `base_url`). */
    model: z.string().min(1),
  });
  /** org.yaml `memory:` (docs/memory.md): each agent's memory stream, retrieved into its prompts, reflected on. */
  const orgMemorySchema = z.strictObject({
    /** Keep a memory stream for every agent (a resume's `memory: off` leaves one out); off unless set. */
    keep: z.boolean().default(false),
    /** Memories shown per call, in estimated tokens. */
    budget_tokens: memoryBudget.default(800),
    /** When each agent reflects on its memories: a model call, charged with its turn. */
    reflect: reflectSchema.prefault({}),
    /** How recency, relevance and importance weigh when memories are ranked for a prompt. */
    weights: weightsSchema.prefault({}),
    /** How a memory's importance is judged: `rule` (a cheap rule, no model), or `model` (each agent's first model asked after its answer, charged with its turn; the rule where it gives none). */
    importance: z.enum(['rule', 'model']).default('rule'),
    /** The most memories an agent's stream keeps: past it, its oldest observations are consolidated into one reflection and their files removed; none: no ceiling (a turn still reads only the newest 5,000). */
    max_memories: positiveInt.min(2).max(1_000_000).optional(),
    /** The most bytes an agent's memory files hold together (a memory is some 400; a consolidation some 1,000): past it, its oldest are consolidated as past `max_memories`; none: no bound on bytes. */
    max_bytes: positiveInt.min(16_384).max(1_000_000_000).optional(),
    /** Relevance by meaning too: a key of `models:` served at an OpenAI-compatible `/v1/embeddings` (provider openai or openai-compatible); its cosine and BM25's score averaged, BM25 alone where a call fails. */
    embeddings: embeddingsSchema.optional(),
  });
  /** A resume's `memory:`: `off` (no stream for this agent), `on` (the org's settings, even where the org keeps none), or settings of its own over the org's. */
  const resumeMemorySchema = z.union([
    z.enum(['on', 'off']),
    z.boolean(),
    z.strictObject({
      /** Memories shown per call, in estimated tokens (org.yaml `memory.budget_tokens` when absent). */
      budget_tokens: memoryBudget.optional(),
      /** When it reflects, over org.yaml `memory.reflect`. */
      reflect: z
        .strictObject({
          /** Turns between its reflections; 0: never by turns. */
          every: nonNegativeInt.max(1_000_000).optional(),
          /** Or once the importance of its memories since its last reflection adds up to this; 0: never so. */
          importance: nonNegativeInt.max(1_000_000).optional(),
          /** Focal questions a reflection asks first, over org.yaml `memory.reflect.questions`; 0: one call. */
          questions: nonNegativeInt.max(5).optional(),
        })
        .optional(),
      /** Its own embedding model over org.yaml `memory.embeddings`, or `off`: its relevance by words alone. */
      embeddings: z.union([z.literal('off'), embeddingsSchema]).optional(),
      /** How the parts of the ranking weigh, over org.yaml `memory.weights`. */
      weights: z
        .strictObject({
          /** How recently it was recalled into a prompt, or else written (org.yaml `memory.weights.recency` when absent). */
          recency: memoryWeight.optional(),
          /** How well it matches the mail the prompt shows. */
          relevance: memoryWeight.optional(),
          /** Its importance, 1 to 10. */
          importance: memoryWeight.optional(),
        })
        .optional(),
    }),
  ]);

  return { orgMemorySchema, reflectSchema, weightsSchema, embeddingsSchema, resumeMemorySchema };
}
