import { idProblem } from '../../mailbox/message-text.js';
import { messageMarkup, renderMessageMarkup } from '../../mailbox/prompt-markup.js';
import { listNames, mayReadList } from '../../org/lists/mailing-list.js';
import { readerCheckOf, recipientProblem } from '../../org/lists/recipients.js';
import { openMail, type DeliveredMail } from '../../mailbox/readable-mail.js';
import type { Agent, Org } from '../../org/org.js';
import { reachableFrom } from '../../org/permissions.js';
import { describeAgentTemplates, readAgentTemplates } from '../../org/templates/agent-templates.js';
import { toolError, toolOk, type ToolResult } from '../tool-result.js';

/** What read_message needs to know of the call: who asks, and which files reached someone as mail. */
export interface MessageToolContext {
  root: string;
  org: Org;
  agent: Agent;
  /**
   * Whether a file was delivered (mailbox/readable-mail.ts), or is in this call's inbox. Given by
   * the engine (its record of the files taken in), so a tool never reads the engine's state.
   */
  delivered: DeliveredMail;
}

/**
 * read_message: a message in full by id (the inbox shown is capped), as the one rule of who may
 * read what says (`openMail`): only mail that reached its recipient, and only for its sender or
 * its recipient; a recipient only while the chart still lets it read from the sender (readerCheckOf).
 */
export function readMessageTool(context: MessageToolContext, id: unknown): ToolResult {
  const { root, org, agent } = context;
  if (typeof id !== 'string') return toolError('id: expected a message id like "000012-manager-001"');
  const wanted = id.trim();
  const problem = idProblem(wanted);
  if (problem !== undefined) return toolError(`the id ${problem}`);
  const opened = openMail(root, agent.name, wanted, context.delivered, org.settings.max_body_chars, (list, reader) => mayReadList(root, org, list, reader), readerCheckOf(org, agent.name));
  if ('message' in opened) return toolOk(renderMessageMarkup(messageMarkup(opened.message)));
  if ('closed' in opened) return toolError(`${wanted} cannot be read now: ${opened.closed}`);
  if ('unreadable' in opened) return toolError(`message ${wanted} cannot be read now: it ${opened.unreadable}`);
  if (opened.none === 'missing') return toolError(`there is no message ${wanted}`);
  if (opened.none === 'never-delivered') return toolError(`${wanted} was never delivered: lemming refused or skipped it (you were told why), or has not taken it in yet`);
  return toolError(`${wanted} was not delivered to you`);
}

/** list_agents: who is in the org, their titles and managers, and whom this agent may write to. */
export function listAgentsTool(org: Org, agent: Agent): ToolResult {
  const reachable = new Set(reachableFrom(org, agent.name));
  const lines = [...org.agents.values()].map((other) => {
    const manager = other.reportsTo === null ? '' : `, reports to ${other.reportsTo}`;
    const reach = other.name === agent.name ? ' (you)' : reachable.has(other.name) ? ' (you may write to them)' : '';
    return `- ${other.name}: ${other.title}${manager}${reach}`;
  });
  // A hire may start from one of these (hire_agent's `template`): said here, where one who hires looks first.
  const templates = agent.tools.includes('hire_agent') ? describeAgentTemplates(readAgentTemplates(org.root).templates) : [];
  if (templates.length > 0) lines.push('', 'Agent templates a hire may start from (hire_agent template):', ...templates);
  // Lists are named in send_to like agents: those this agent may post to, by the one rule of a send.
  const lists = listNames(org.root).filter((list) => !org.agents.has(list) && recipientProblem(org, agent.name, list) === undefined);
  if (lists.length > 0) lines.push('', `Mailing lists you may post to (send_message to the list's name; each member reads it): ${lists.join(', ')}`);
  return toolOk(lines.join('\n'));
}
