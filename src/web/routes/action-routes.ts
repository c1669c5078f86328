import { Hono, type Context } from 'hono';
import { decideProposal } from '../../engine/human/decide-proposal.js';
import { markRead } from '../../engine/human/human-inbox.js';
import { sendAsHuman } from '../../engine/human/send-as-human.js';
import { lockHolder } from '../../engine/record/lock.js';
import { MAX_TOP_UP_CREDITS, topUp } from '../../engine/money/top-up.js';
import { LemmingError } from '../../errors.js';
import { PRIORITIES, type Priority } from '../../mailbox/message.js';
import type { Dashboard } from '../dashboard.js';
import { BadQueryError } from '../search/message-filter.js';

/** When a message the human just sent will be delivered, as true as this server can know it. */
function deliveryOf(dashboard: Dashboard): string {
  if (dashboard.served === 'waiting') return 'the engine here was waiting for mail: it starts the turn that delivers it now';
  if (dashboard.served === 'turns') return 'the engine here delivers it at its next turn';
  // This process's own engine holds the lock while it serves: it is not another engine's.
  if (dashboard.served === 'ended') return 'the run here has ended and runs no more turns: stop it (Ctrl-C) and a new `lemming run` delivers it';
  const holder = lockHolder(dashboard.root);
  if (holder) return `\`lemming ${holder.command}\` (process ${holder.pid}) delivers it at its next turn`;
  return 'no engine is running: `lemming run` (or `lemming run --serve`) delivers it at its next turn';
}

/** The most ids one request may mark read: a page shows far fewer, and each is looked up. */
export const MAX_READ_IDS = 1000;

async function jsonBody(context: Context): Promise<Record<string, unknown>> {
  let body: unknown;
  try {
    body = await context.req.json();
  } catch {
    throw new BadQueryError('body', 'the request body must be JSON, for example {"to": "manager", "body": "Please plan the release"}');
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new BadQueryError('body', 'the request body must be a JSON object');
  return body as Record<string, unknown>;
}

function optionalText(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new BadQueryError(field, `${field} must be a string, for example "${field}": "..."`);
  return value;
}

function requiredText(body: Record<string, unknown>, field: string, example: string): string {
  const value = optionalText(body, field);
  if (value === undefined) throw new BadQueryError(field, `${field} is required, for example "${field}": ${JSON.stringify(example)}`);
  return value;
}

/**
 * What a person does from the browser, through the very functions the CLI calls (`lemming send`,
 * `top-up`, `approve`, `reject`, `inbox`): each writes one file atomically or appends one ledger line, so it is safe
 * while an engine runs, and the engine picks it up at its next turn.
 */
export function actionRoutes(dashboard: Dashboard): Hono {
  const api = new Hono();

  api.post('/send', async (context) => {
    const body = await jsonBody(context);
    const priority = optionalText(body, 'priority');
    if (priority !== undefined && !(PRIORITIES as readonly string[]).includes(priority)) {
      throw new BadQueryError('priority', `priority must be one of ${PRIORITIES.join(', ')}, for example "priority": "high"`);
    }
    const subject = optionalText(body, 'subject');
    const replyTo = optionalText(body, 'reply_to');
    const sent = sendAsHuman(dashboard.root, dashboard.org(), {
      to: requiredText(body, 'to', 'manager'),
      body: requiredText(body, 'body', 'Please plan the release'),
      ...(subject === undefined ? {} : { subject }),
      ...(priority === undefined ? {} : { priority: priority as Priority }),
      ...(replyTo === undefined ? {} : { replyTo }),
    });
    await dashboard.watch.look();
    return context.json({ id: sent.message.id, file: sent.file, message: sent.message, delivery: deliveryOf(dashboard) }, 201);
  });

  api.post('/top-up', async (context) => {
    const body = await jsonBody(context);
    const agent = requiredText(body, 'agent', 'planner');
    const credits = body.credits;
    const rule = `credits must be a number above 0 and at most ${MAX_TOP_UP_CREDITS}, for example "credits": 0.5`;
    if (typeof credits !== 'number') throw new BadQueryError('credits', rule);
    try {
      topUp(dashboard.org(), agent, credits);
    } catch (error) {
      // topUp holds the rule (one for `lemming top-up` and the API); here it is an answer about this field.
      if (error instanceof LemmingError && error.code === 'bad-credits') throw new BadQueryError('credits', `${rule} (got ${credits})`);
      throw error;
    }
    return context.json({ agent, credits }, 201);
  });

  // `lemming approve` / `lemming reject`: the same function decides, so a hire is carried out the same way.
  for (const verdict of ['approve', 'reject'] as const) {
    api.post(`/proposals/:id/${verdict}`, async (context) => {
      const body = await jsonBody(context);
      const reason = optionalText(body, 'reason');
      const decision = await decideProposal(dashboard.org(), context.req.param('id'), verdict, reason);
      // A hire or a retirement changed the chart and the resumes: the next read must not see the org as it was.
      dashboard.orgChanged();
      await dashboard.watch.look();
      return context.json({ id: decision.proposal.id, status: decision.proposal.status, summary: decision.summary });
    });
  }

  // Ids that are not the human's mail are left out by markRead and named in the answer, never stored.
  api.post('/inbox/read', async (context) => {
    const body = await jsonBody(context);
    const ids = body.ids;
    const example = 'for example "ids": ["000012-manager-001"]';
    if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) throw new BadQueryError('ids', `ids must be a list of message ids, ${example}`);
    if (ids.length > MAX_READ_IDS) throw new BadQueryError('ids', `ids may hold at most ${MAX_READ_IDS} ids (it held ${ids.length}); send them in several requests, ${example}`);
    const marked = markRead(dashboard.root, dashboard.org(), ids as string[]);
    return context.json({ read: marked.read.length, unknown: marked.unknown });
  });

  return api;
}
