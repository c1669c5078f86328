import { Hono } from 'hono';
import { readCallTrace, listTraceTurns } from '../../engine/record/call-trace.js';
import { readHumanInbox, readHumanSent } from '../../engine/human/human-inbox.js';
import { orgStatus } from '../../engine/human/org-status.js';
import { LemmingError } from '../../errors.js';
import { readMessageFile } from '../../mailbox/message-file.js';
import { requireAgent } from '../../org/must-exist.js';
import type { Dashboard } from '../dashboard.js';
import { toIndexed } from '../search/indexed-message.js';
import { parseFilterQuery, searchText, wholeNumber } from '../search/message-filter.js';
import { agentView } from '../views/agent-view.js';
import { chartView } from '../views/chart-view.js';
import { proposalsView } from '../views/proposals-view.js';
import { workspaceFileView } from '../views/workspace-file.js';
import { routeInput } from '../openapi/route-input.js';
import * as specs from '../openapi/route-specs.js';
import { needsIndex } from './index-gate.js';
import { answer } from './route-answer.js';

/** A message file's own name, from its path relative to the root. */
function fileName(file: string): string {
  return file.slice(file.lastIndexOf('/') + 1);
}

/**
 * The JSON API's read-only routes (documented in the README, "The dashboard's API"). Those that
 * need the message index pass its gate (index-gate.ts: 503 while it loads); the rest answer at once.
 */
export function readRoutes(dashboard: Dashboard): Hono {
  const api = new Hono();
  const indexed = needsIndex(dashboard);

  api.get('/status', (context) => {
    const status = orgStatus(dashboard.org());
    // The count of messages as of the watch thread's last look (it looks every 400 ms), not after one more: a
    // probe of a busy run waited for the thread, behind the engine's writes, hundreds of milliseconds.
    dashboard.watch.lookSoon();
    return answer(context, specs.STATUS_ROUTE, { ...status, messages: dashboard.watch.size, index: dashboard.watch.index, ...(dashboard.served ? { served: dashboard.served } : {}) });
  });

  api.get('/agents', (context) => answer(context, specs.AGENTS_ROUTE, { agents: orgStatus(dashboard.org()).agents }));

  api.get('/agents/:name', (context) => answer(context, specs.AGENT_ROUTE, agentView(dashboard.org(), context.req.param('name'), dashboard.ledger)));

  api.get('/agents/:name/workspace', async (context) => {
    await routeInput(context, specs.WORKSPACE_FILE_ROUTE);
    return answer(context, specs.WORKSPACE_FILE_ROUTE, workspaceFileView(dashboard.org(), context.req.param('name'), context.req.query('path') ?? ''));
  });

  api.get('/chart', async (context) => {
    const org = dashboard.org();
    const status = orgStatus(org);
    // The chart answers while the index loads, without the mail along its edges (trafficCounted: false).
    const traffic = dashboard.watch.index.state === 'ready' ? await dashboard.watch.traffic(status.turn) : undefined;
    return answer(context, specs.CHART_ROUTE, chartView(org, status, traffic));
  });

  api.get('/messages', indexed, async (context) => {
    await routeInput(context, specs.MESSAGES_ROUTE);
    const { filter, page } = parseFilterQuery(context.req.query());
    return answer(context, specs.MESSAGES_ROUTE, { ...page, ...(await dashboard.watch.list(filter, page)) });
  });

  api.get('/messages/:id', indexed, async (context) => {
    const id = context.req.param('id');
    const indexed = await dashboard.watch.get(id);
    if (!indexed) throw new LemmingError('not-found', `no message has the id ${JSON.stringify(id)}; ids look like 000012-manager-001`);
    const read = readMessageFile(dashboard.root, indexed.from, fileName(indexed.file), indexed.turn, dashboard.org().settings.max_body_chars);
    if ('error' in read) throw new LemmingError('unreadable', `${indexed.file} ${read.error}`);
    return answer(context, specs.MESSAGE_ROUTE, { ...read.message, file: indexed.file, path: `${dashboard.root}/${indexed.file}`, notes: read.notes });
  });

  api.get('/threads/:id', indexed, async (context) => {
    const id = context.req.param('id');
    const thread = await dashboard.watch.threadOf(id);
    if (thread.length === 0) throw new LemmingError('not-found', `no message has the id ${JSON.stringify(id)}; ids look like 000012-manager-001`);
    return answer(context, specs.THREAD_ROUTE, { id, messages: thread });
  });

  api.get('/requests', indexed, async (context) => answer(context, specs.REQUESTS_ROUTE, { requests: await dashboard.watch.requests(orgStatus(dashboard.org()).agents) }));

  api.get('/search', indexed, async (context) => {
    await routeInput(context, specs.SEARCH_ROUTE);
    const query = searchText(context.req.query());
    const { filter, page } = parseFilterQuery(context.req.query());
    return answer(context, specs.SEARCH_ROUTE, { query, ...(await dashboard.watch.find(query, filter, page.limit)) });
  });

  api.get('/ledger', async (context) => {
    await routeInput(context, specs.LEDGER_ROUTE);
    const { page } = parseFilterQuery(context.req.query());
    const agent = context.req.query('agent');
    const entries = dashboard.ledger.all().filter((entry) => agent === undefined || entry.agent === agent);
    const newest = entries.slice().reverse();
    return answer(context, specs.LEDGER_ROUTE, { total: entries.length, ...page, entries: newest.slice(page.offset, page.offset + page.limit), byTurn: dashboard.ledger.spendByTurn(agent) });
  });

  api.get('/traces/:agent', (context) => {
    const agent = requireAgent(dashboard.org(), context.req.param('agent')).name;
    return answer(context, specs.TRACES_ROUTE, { agent, turns: listTraceTurns(dashboard.root, agent) });
  });

  api.get('/traces/:agent/:turn', (context) => {
    const agent = requireAgent(dashboard.org(), context.req.param('agent')).name;
    const turn = wholeNumber(context.req.param('turn'), 'turn', 0);
    const trace = readCallTrace(dashboard.root, agent, turn);
    if (!trace) throw new LemmingError('not-found', `${agent} has no call trace for turn ${context.req.param('turn')} (kept: ${listTraceTurns(dashboard.root, agent).join(', ') || 'none'})`);
    return answer(context, specs.TRACE_ROUTE, trace);
  });

  api.get('/proposals', (context) => answer(context, specs.PROPOSALS_ROUTE, proposalsView(dashboard.root)));

  api.get('/inbox', (context) => {
    const inbox = readHumanInbox(dashboard.root, dashboard.org());
    return answer(context, specs.INBOX_ROUTE, {
      messages: inbox.messages.map((message) => ({ ...toIndexed(message, message.file), unread: message.unread, body: message.body })),
      notices: inbox.notices,
      sent: readHumanSent(dashboard.root, dashboard.org()).map((message) => toIndexed(message, message.file)),
    });
  });

  return api;
}
