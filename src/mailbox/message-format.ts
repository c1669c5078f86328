import type { z as Zod } from 'zod';
import { zod } from '../lazy-modules.js';
import { parseSimpleFrontMatter, splitOwnFrontMatter, yamlString } from './front-matter-fast.js';
import { splitFrontMatter } from './front-matter.js';
import { PRIORITIES, type Message } from './message.js';

/**
 * Serialise a message as markdown with front matter. Pure, and the inverse of
 * `parseMessage`. Field order is fixed so the same message is always the same bytes.
 */
export function formatMessage(message: Message): string {
  const lines = ['---', `id: ${scalar(message.id)}`, `from: ${scalar(message.from)}`, `to: ${nameField(message.to, message.alsoTo)}`];
  if (message.cc !== undefined && message.cc.length > 0) lines.push(`cc: ${nameList(message.cc)}`);
  lines.push(`turn: ${message.turn}`, `created: ${scalar(message.created)}`);
  if (message.subject !== undefined) lines.push(`subject: ${scalar(message.subject)}`);
  lines.push(`priority: ${message.priority}`);
  if (message.replyTo !== undefined) lines.push(`reply_to: ${scalar(message.replyTo)}`);
  if (message.model !== undefined) lines.push(`model: ${scalar(message.model)}`);
  if (message.usage) {
    const usage = message.usage;
    const estimated = usage.estimated ? ', estimated: true' : '';
    // The cache counts only when there are some: a message of an org without caching reads as it always did.
    const cached = usage.cachedInputTokens ? `, cached_input_tokens: ${usage.cachedInputTokens}` : '';
    const written = usage.cacheWriteTokens ? `, cache_write_tokens: ${usage.cacheWriteTokens}` : '';
    lines.push(
      `usage: { input_tokens: ${usage.inputTokens}, output_tokens: ${usage.outputTokens}${cached}${written}, credits: ${frontMatterCredits(usage.credits)}${estimated} }`,
    );
  }
  lines.push('---');
  const body = message.body.endsWith('\n') ? message.body : `${message.body}\n`;
  return `${lines.join('\n')}\n${body}`;
}

/** Credits as written into a message's front matter: a plain decimal, never in exponent notation, without float noise. */
export function frontMatterCredits(credits: number): string {
  if (credits === 0) return '0';
  // Most calls of a turn cost the same (same model, similar prompts): the last text is kept.
  if (credits === lastCredits) return lastCreditsText;
  lastCreditsText = Number(credits.toPrecision(6)).toFixed(10).replace(/\.?0+$/, '');
  lastCredits = credits;
  return lastCreditsText;
}
let lastCredits = 0;
let lastCreditsText = '0';

function scalar(value: string): string {
  return yamlString(value);
}

/** `to:` as written: one name bare, as it always was; several as a YAML flow list. */
function nameField(first: string, rest: readonly string[] | undefined): string {
  return rest === undefined || rest.length === 0 ? scalar(first) : nameList([first, ...rest]);
}

/** `[planner, hr]`: a flow list, each name bare when that is safe. */
function nameList(names: readonly string[]): string {
  return `[${names.map(scalar).join(', ')}]`;
}

function buildFrontMatterSchema(z: typeof Zod) {
  return z.looseObject({
    id: z.string().optional(),
    from: z.string().optional(),
    to: z.union([z.string(), z.array(z.string()).min(1, { error: 'must name at least one agent, for example `to: [planner, hr]`' })], {
      error: 'is required: the recipient, for example `to: planner`, or several, `to: [planner, hr]`',
    }),
    cc: z.array(z.string(), { error: 'must be a list of agent names, for example `cc: [hr]`' }).optional(),
    turn: z.number().int().min(0).optional(),
    created: z.union([z.string(), z.date().transform((date) => date.toISOString())]).optional(),
    subject: z.union([z.string(), z.number().transform(String)]).optional(),
    priority: z.enum(PRIORITIES, { error: `must be one of ${PRIORITIES.join(', ')}, for example \`priority: high\`` }).optional(),
    reply_to: z.string().optional(),
    model: z.string().optional(),
    usage: z
      .looseObject({
        input_tokens: z.number().min(0),
        output_tokens: z.number().min(0),
        cached_input_tokens: z.number().min(0).optional(),
        cache_write_tokens: z.number().min(0).optional(),
        credits: z.number().min(0),
        estimated: z.boolean().optional(),
      })
      .optional(),
  });
}

let frontMatterSchema: ReturnType<typeof buildFrontMatterSchema> | undefined;
type FrontMatterFields = Zod.infer<ReturnType<typeof buildFrontMatterSchema>>;

/**
 * The fast path's fields, when they are exactly what a valid message needs (every
 * value the fast parser gives is already a string, a whole turn or a usage map);
 * anything else goes through the full schema, which also words the error.
 */
function simpleFields(data: Record<string, unknown> | undefined): FrontMatterFields | undefined {
  if (!data || !(typeof data.to === 'string' || (Array.isArray(data.to) && data.to.length > 0))) return undefined;
  if (data.cc !== undefined && !Array.isArray(data.cc)) return undefined;
  if (data.priority !== undefined && !(PRIORITIES as readonly unknown[]).includes(data.priority)) return undefined;
  return data as FrontMatterFields;
}

/** The fields of a message file as written, before the engine decides who really sent it. */
export type ParsedMessageFile = Omit<Message, 'id' | 'from' | 'turn' | 'created'> & {
  id?: string;
  claimedFrom?: string;
  turn?: number;
  created?: string;
};

/**
 * Parse a message file. Pure: text in, fields or a reason out. The sender is not
 * decided here: the outbox a file sits in says who sent it.
 */
export function parseMessage(text: string): { message: ParsedMessageFile } | { error: string; line?: number } {
  if (text.includes('\u0000')) return { error: 'is a binary file, not a markdown message' };
  // Lemming's own files take the fast path; a file a person wrote goes through gray-matter and the yaml package.
  const own = splitOwnFrontMatter(text);
  let fields = own ? simpleFields(parseSimpleFrontMatter(own.yaml)) : undefined;
  let body = own?.body ?? '';
  if (!fields) {
    const parts = splitFrontMatter(text);
    if (!parts) return { error: 'has no front matter; a message starts with `---`, then `to: <agent>`, then `---` and the body' };
    const [broken] = parts.parsed.errors;
    if (broken) return { error: `has broken front matter at line ${broken.line}: ${broken.message}` };
    frontMatterSchema ??= buildFrontMatterSchema(zod().z);
    const result = frontMatterSchema.safeParse(parts.parsed.value);
    if (!result.success) {
      const issue = result.error.issues[0];
      const field = issue?.path.join('.') || 'front matter';
      const line = parts.parsed.lineOf?.((issue?.path ?? []).filter((key): key is string | number => typeof key !== 'symbol'));
      return { error: `has an invalid front matter field ${field}: ${issue?.message ?? 'invalid'}`, ...(line === undefined ? {} : { line }) };
    }
    fields = result.data;
    body = parts.body;
  }
  // No destructuring of `to`: in code not yet optimised (a fresh process reads every waiting message once) it walks an iterator.
  const to = typeof fields.to === 'string' ? fields.to : (fields.to[0] as string);
  const message: ParsedMessageFile = { to, priority: fields.priority ?? 'normal', body: body.replace(/^\r?\n/, '').replace(/\r?\n$/, '') };
  if (typeof fields.to !== 'string' && fields.to.length > 1) message.alsoTo = fields.to.slice(1);
  if (fields.cc !== undefined && fields.cc.length > 0) message.cc = fields.cc;
  if (fields.id !== undefined) message.id = fields.id;
  if (fields.from !== undefined) message.claimedFrom = fields.from;
  if (fields.turn !== undefined) message.turn = fields.turn;
  if (fields.created !== undefined) message.created = fields.created;
  if (fields.subject !== undefined) message.subject = fields.subject;
  if (fields.reply_to !== undefined) message.replyTo = fields.reply_to;
  if (fields.model !== undefined) message.model = fields.model;
  if (fields.usage) {
    message.usage = {
      inputTokens: fields.usage.input_tokens,
      outputTokens: fields.usage.output_tokens,
      ...(fields.usage.cached_input_tokens ? { cachedInputTokens: fields.usage.cached_input_tokens } : {}),
      ...(fields.usage.cache_write_tokens ? { cacheWriteTokens: fields.usage.cache_write_tokens } : {}),
      credits: fields.usage.credits,
      ...(fields.usage.estimated ? { estimated: true } : {}),
    };
  }
  return { message };
}
