import { Hono } from 'hono';
import { decideProposal } from '../../engine/human/decide-proposal.js';
import { markRead } from '../../engine/human/human-inbox.js';
import { sendAddressed, type SentMessage } from '../../engine/human/send-as-human.js';
import { lockHolder } from '../../engine/record/lock.js';
import { topUp } from '../../engine/money/top-up.js';
import { LemmingError } from '../../errors.js';
import { HUMAN } from '../../org/names.js';
import type { Dashboard } from '../dashboard.js';
import { BadQueryError } from '../search/message-filter.js';
import { routeInput } from '../openapi/route-input.js';
import { answer } from './route-answer.js';
import { APPROVE_ROUTE, READ_ROUTE, REJECT_ROUTE, SEND_ROUTE, TOP_UP_ROUTE, topUpCreditsRefusal } from '../openapi/route-specs.js';

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

/** The most ids one request may mark read (route-specs.ts holds the rule). */
export { MAX_READ_IDS } from '../openapi/route-specs.js';

/**
 * What a person does from the browser, through the very functions the CLI calls (`lemming send`,
 * `top-up`, `approve`, `reject`, `inbox`): each writes one file atomically or appends one ledger line, so it is safe
 * while an engine runs, and the engine picks it up at its next turn.
 */
export function actionRoutes(dashboard: Dashboard): Hono {
  const api = new Hono();

  api.post('/send', async (context) => {
    const { body } = await routeInput(context, SEND_ROUTE);
    // Addressed as `lemming send --to a,b --cc c` addresses it: every name reaches its reader, or nothing is sent and the 403 says why.
    const [sent] = sendAddressed(dashboard.root, dashboard.org(), HUMAN, [
      {
        to: body.to,
        ...(body.cc === undefined ? {} : { cc: body.cc }),
        body: body.body,
        ...(body.subject === undefined ? {} : { subject: body.subject }),
        ...(body.priority === undefined ? {} : { priority: body.priority }),
        ...(body.reply_to === undefined ? {} : { replyTo: body.reply_to }),
      },
    ]) as [SentMessage];
    await dashboard.watch.look();
    return answer(context, SEND_ROUTE, { id: sent.message.id, file: sent.file, message: sent.message, delivery: deliveryOf(dashboard), cutCharacters: sent.cutCharacters });
  });

  api.post('/top-up', async (context) => {
    const { agent, credits } = (await routeInput(context, TOP_UP_ROUTE)).body;
    try {
      topUp(dashboard.org(), agent, credits);
    } catch (error) {
      // topUp holds the rule (one for `lemming top-up` and the API); here it is an answer about this field.
      if (error instanceof LemmingError && error.code === 'bad-credits') throw new BadQueryError('credits', topUpCreditsRefusal(credits));
      throw error;
    }
    return answer(context, TOP_UP_ROUTE, { agent, credits });
  });

  // `lemming approve` / `lemming reject`: the same function decides, so a hire is carried out the same way.
  for (const verdict of ['approve', 'reject'] as const) {
    api.post(`/proposals/:id/${verdict}`, async (context) => {
      const spec = verdict === 'approve' ? APPROVE_ROUTE : REJECT_ROUTE;
      const { reason } = (await routeInput(context, spec)).body;
      const decision = await decideProposal(dashboard.org(), context.req.param('id'), verdict, reason);
      // A hire or a retirement changed the chart and the resumes: the next read must not see the org as it was.
      dashboard.orgChanged();
      await dashboard.watch.look();
      // Approved but not carried out (the proposal is closed as failed, with the reason): not a success, as `lemming approve` exits 1.
      if (verdict === 'approve' && decision.proposal.status === 'failed') throw new LemmingError('approval-failed', decision.summary);
      return answer(context, spec, { id: decision.proposal.id, status: decision.proposal.status, summary: decision.summary });
    });
  }

  // Ids that are not the human's mail are left out by markRead and named in the answer, never stored.
  api.post('/inbox/read', async (context) => {
    const { ids } = (await routeInput(context, READ_ROUTE)).body;
    const marked = markRead(dashboard.root, dashboard.org(), ids);
    return answer(context, READ_ROUTE, { read: marked.read.length, unknown: marked.unknown });
  });

  return api;
}
