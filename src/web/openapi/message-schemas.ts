import { z } from 'zod';
import { PRIORITIES } from '../../mailbox/message.js';

/*
 * The answers about messages (lists, searches, threads, requests, one message, the human's inbox),
 * as zod schemas: the routes' answers must fit them (routes/route-answer.ts) and /api/openapi.json
 * describes them (openapi-document.ts). Components of the document are named by `.meta({ id })`.
 */

const count = z.int().min(0);

/** A message's priority. */
export const prioritySchema = z.enum(PRIORITIES).meta({ id: 'Priority' });

/** What the call that wrote a message used and cost (its front matter's `usage`). */
export const messageUsageSchema = z
  .object({
    inputTokens: count.describe('every prompt token, the cached ones included'),
    outputTokens: count,
    cachedInputTokens: count.optional().describe('of inputTokens, those a prompt cache served'),
    cacheWriteTokens: count.optional().describe('of inputTokens, those written to a prompt cache'),
    credits: z.number(),
    estimated: z.boolean().optional().describe("the provider reported no usage, or a count below the usage gate's floor: lemming's estimate, or that floor"),
  })
  .meta({ id: 'MessageUsage' });

/** A message file's front matter and body, as the mailbox reads it. */
export const messageSchema = z
  .object({
    id: z.string().describe('for example 000012-manager-001'),
    from: z.string().describe('the agent whose outbox holds the file'),
    to: z.string(),
    alsoTo: z.array(z.string()).optional().describe('for a message to several people: the rest of its `to:` list'),
    cc: z.array(z.string()).optional().describe('copies: read by each name as `to` reads it'),
    turn: count,
    created: z.string().describe('ISO 8601'),
    subject: z.string().optional(),
    priority: prioritySchema,
    replyTo: z.string().optional(),
    model: z.string().optional().describe('the registry key of the model whose call wrote it'),
    usage: messageUsageSchema.optional(),
    body: z.string(),
  })
  .meta({ id: 'Message' });

/** A message as the index keeps it (lists, searches, the event stream). */
export const indexedMessageSchema = z
  .object({
    id: z.string(),
    from: z.string(),
    to: z.string(),
    others: z.array(z.string()).optional().describe('for a message to several people: everyone past `to` (the rest of its `to:` list, then `cc:`)'),
    turn: count,
    created: z.string(),
    subject: z.string().optional(),
    priority: prioritySchema,
    replyTo: z.string().optional(),
    file: z.string().describe('the message file, relative to the org root'),
    preview: z.string().describe("the body's words without markdown, on one line, cut at a word to 160 characters with …"),
    credits: z.number().optional().describe('what the call that wrote it cost'),
    tokens: count.optional().describe("that call's tokens, in and out"),
  })
  .meta({ id: 'IndexedMessage' });

/** `GET /api/messages`. */
export const messagePageSchema = z.object({ offset: count, limit: z.int().min(1), total: count.describe('how many match in all'), messages: z.array(indexedMessageSchema) });

/** `GET /api/messages/{id}`: the message whole, where its file is, and what in the file was overruled or cut. */
export const messageFileSchema = messageSchema.extend({ file: z.string(), path: z.string().describe('the file on disk'), notes: z.array(z.string()) });

/** One message of a thread, with how deep its reply sits. */
export const threadEntrySchema = indexedMessageSchema.extend({ depth: count.describe("how deep its reply sits under the thread's first message") });

/** `GET /api/threads/{id}`. */
export const threadSchema = z.object({ id: z.string(), messages: z.array(threadEntrySchema) });

/** A search hit: the message and how well it matched (0 when the hits are newest first). */
export const searchHitSchema = indexedMessageSchema.extend({ score: z.number() });

/** `GET /api/search`. */
export const searchSchema = z.object({
  query: z.string(),
  total: count,
  ranked: z.boolean().describe('true: best first; false: newest first (every word is in nearly every message)'),
  hits: z.array(searchHitSchema),
});

/** Where one of the human's requests stands (`lemming requests`), derived from its thread. */
export const requestViewSchema = z.object({
  id: z.string().describe("the request: the human's message that answers no other"),
  turn: count,
  created: z.string(),
  to: z.string(),
  subject: z.string().optional(),
  preview: z.string(),
  state: z.enum(['answered', 'open', 'stuck']).describe('answered: the org wrote back; stuck: it waits on an agent held for a failing model or out of credits'),
  answer: z.object({ id: z.string(), from: z.string(), turn: count }).optional().describe("the org's newest message of the thread to the human"),
  handedTo: z.array(z.string()).describe('every agent a message of the thread reached, in the order it first did'),
  waitingOn: z.array(z.object({ agent: z.string(), since: count, message: z.string(), stuck: z.string().optional() })).describe('agents that received a message of the thread and have sent nothing in it since'),
  messages: count,
  credits: z.number().describe('what the calls that wrote a message of the thread or were shown one cost, each call counted once (a call paid for whether or not what it sent was delivered)'),
  tokens: count,
});

/** `GET /api/requests`. */
export const requestsSchema = z.object({ requests: z.array(requestViewSchema) });

/** `GET /api/inbox`: the human's mail (with bodies and read marks), the engine's notices, and what the human sent. */
export const inboxSchema = z.object({
  messages: z.array(indexedMessageSchema.extend({ unread: z.boolean(), body: z.string() })),
  notices: z.array(z.object({ id: z.string(), turn: count, subject: z.string(), body: z.string(), unread: z.boolean() })),
  sent: z.array(indexedMessageSchema),
});

/** `POST /api/send`. */
export const sentSchema = z.object({
  id: z.string(),
  file: z.string(),
  message: messageSchema,
  delivery: z.string().describe('when a turn will deliver it, as true as this server can know'),
  cutCharacters: count.describe("how many characters were cut from the end of the body, past org.yaml's engine.max_body_chars (the message says so too); 0 when it fit"),
});

/** `POST /api/inbox/read`. */
export const markedReadSchema = z.object({ read: count.describe('how many were marked'), unknown: z.array(z.string()).describe("ids that are not the human's mail") });
