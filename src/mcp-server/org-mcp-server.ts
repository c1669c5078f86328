import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { errorMessage } from '../errors.js';
import { PRIORITIES } from '../mailbox/message.js';
import { HUMAN } from '../org/names.js';
import { withoutSecrets } from '../secrets/secrets.js';
import { lockHolder } from '../engine/record/lock.js';
import { SeatDesk } from './seat-desk.js';
import { waitForMail } from './wait-for-mail.js';

/** What a tool gives back: its result as JSON text, or the refusal or failure as text marked as an error. */
type ToolAnswer = { content: Array<{ type: 'text'; text: string }>; isError?: boolean };

/** A tool's result as the client reads it, with the org's secrets cut; a refusal is an error result the program reads, never a crash of the server. */
async function answer(work: () => unknown): Promise<ToolAnswer> {
  try {
    const result = await work();
    const text = typeof result === 'string' ? result : JSON.stringify(result, null, 2);
    return { content: [{ type: 'text', text: withoutSecrets(text) }] };
  } catch (error) {
    return { content: [{ type: 'text', text: withoutSecrets(errorMessage(error)) }], isError: true };
  }
}

const LONGEST_WAIT_SECONDS = 600;

/**
 * The org as an MCP server (the official SDK's server side), for an outside program in one seat:
 * the human's by default, or a person's seat org.yaml `outside_seats` grants. Its tools read and
 * write the org's files as `lemming inbox`, `send`, `search`, `thread`, `status` and `approve` do;
 * it runs no turns: a running engine (`lemming run`, `chat --drive`) delivers what it sends.
 */
export function createOrgMcpServer(root: string, seat?: string): McpServer {
  const desk = new SeatDesk(root, seat);
  const name = desk.seat();
  const server = new McpServer({ name: 'lemming', version: '1' }, { instructions: instructionsFor(name) });
  const readOnly = { readOnlyHint: true, openWorldHint: false };

  server.registerTool(
    'read_inbox',
    {
      description: `The unread mail of ${name}'s seat, the most urgent first, then the oldest, and the engine's notices (refused sends, agents out of credits); marked read once shown.`,
      inputSchema: {
        all: z.boolean().optional().describe('Read mail too, not only unread.'),
        mark_read: z.boolean().optional().describe('Mark what is shown as read (default true).'),
        limit: z.number().int().min(1).max(100).optional().describe('At most this many messages (default 20); the rest stay unread for the next look.'),
      },
    },
    ({ all, mark_read, limit }) => answer(() => desk.inbox({ ...(all === undefined ? {} : { all }), ...(mark_read === undefined ? {} : { markRead: mark_read }), ...(limit === undefined ? {} : { limit }) })),
  );

  server.registerTool(
    'read_message',
    { description: 'One message in full, by its id (like 000012-manager-001).', inputSchema: { id: z.string().describe('The message id.') }, annotations: readOnly },
    ({ id }) => answer(() => desk.message(id)),
  );

  server.registerTool(
    'send_message',
    {
      description: `Send a message from ${name}'s seat. The chart decides who may receive it; at most engine.max_messages_per_turn between two turns; the engine delivers it at its next turn.`,
      inputSchema: {
        to: z
          .union([z.string(), z.array(z.string())])
          .describe('The recipient, like "manager", or a list of them, like ["manager", "hr"]: one message each of them reads; if the chart refuses one, nothing is sent and you are told why.'),
        cc: z.array(z.string()).optional().describe('Copies, like ["hr"]: each reads the one message as the recipient does; if the chart refuses one, nothing is sent and you are told why.'),
        body: z.string().describe('The message, in markdown.'),
        subject: z.string().optional().describe('A short subject line.'),
        priority: z.enum(PRIORITIES).optional(),
        reply_to: z.string().optional().describe('The id of the message this answers.'),
      },
      annotations: { destructiveHint: false, openWorldHint: false },
    },
    ({ to, cc, body, subject, priority, reply_to }) =>
      answer(() => {
        const sent = desk.send({ to: typeof to === 'string' ? [to] : to, ...(cc === undefined ? {} : { cc }), body, ...(subject === undefined ? {} : { subject }), ...(priority === undefined ? {} : { priority }), ...(reply_to === undefined ? {} : { replyTo: reply_to }) });
        const running = lockHolder(root) ? 'an engine is running: its next turn delivers it' : 'no engine is running: the next `lemming run` delivers it';
        return { ...sent, delivery: running };
      }),
  );

  server.registerTool(
    'search_messages',
    {
      description: name === HUMAN ? 'Full-text search of the messages the chart and lists let the human read, and those it sent, best first.' : `Full-text search of the mail delivered to ${name} or sent by it, best first.`,
      inputSchema: {
        query: z.string().min(1).max(500),
        from: z.string().optional().describe('Only messages from this agent.'),
        to: z.string().optional().describe('Only messages to this agent.'),
        limit: z.number().int().min(1).max(100).optional(),
      },
      annotations: readOnly,
    },
    ({ query, from, to, limit }) => answer(() => desk.search(query, { ...(from ? { from } : {}), ...(to ? { to } : {}), ...(limit ? { limit } : {}) })),
  );

  server.registerTool(
    'read_thread',
    { description: 'The conversation a message belongs to, built from reply_to, oldest first.', inputSchema: { id: z.string() }, annotations: readOnly },
    ({ id }) => answer(() => desk.thread(id)),
  );

  server.registerTool(
    'org_status',
    {
      description: name === HUMAN ? "The turn, whether an engine runs, and each agent's credits, unread mail, last activity and last error." : `The turn, whether an engine runs, and ${name}'s place in the chart.`,
      annotations: readOnly,
    },
    () => answer(() => desk.status()),
  );

  server.registerTool(
    'wait_for_mail',
    {
      description: `Wait until ${name}'s seat has unread mail (a running engine delivers replies at its turns), then read it as read_inbox does.`,
      inputSchema: { timeout_seconds: z.number().int().min(1).max(LONGEST_WAIT_SECONDS).optional().describe('Give up after this long (default 60).') },
    },
    ({ timeout_seconds }, extra) => answer(() => waitForMail(desk, root, (timeout_seconds ?? 60) * 1000, extra.signal)),
  );

  if (name === HUMAN) {
    server.registerTool(
      'list_approvals',
      { description: 'Proposals waiting for your decision: hires, retirements and tool calls.', inputSchema: { all: z.boolean().optional().describe('Decided ones too.') }, annotations: readOnly },
      ({ all }) => answer(() => desk.approvals(all ?? false)),
    );
    server.registerTool(
      'decide_approval',
      {
        description: 'Approve or reject a proposal; the proposer is told at the next turn, and an approval is carried out at once or by the running engine.',
        inputSchema: { id: z.string(), decision: z.enum(['approve', 'reject']), reason: z.string().optional().describe('Why, for the proposer (a rejection).') },
      },
      ({ id, decision, reason }) => answer(() => desk.decide(id, decision, reason)),
    );
  }
  return server;
}

/** What the client is told about the server when it connects. */
function instructionsFor(seat: string): string {
  return [
    `You take part in a lemming organisation as ${seat === HUMAN ? 'the human (the person the org works for)' : `${seat}, a seat of the org`}.`,
    'Messages are delivered by the engine at its turns: after send_message, wait_for_mail waits for the answer while `lemming run` runs.',
    'The chart decides who you may write to; a refused send says why.',
  ].join(' ');
}
