import { messageFilesFor, readMessageFile } from '../../mailbox/message-file.js';
import { idProblem } from '../../mailbox/message-text.js';
import { renderMessageMarkup } from '../../mailbox/prompt-markup.js';
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
   * Whether the file `name` in `sender`'s outbox, holding the message `id`, was delivered: the
   * engine wrote it or took it in and let it through, or it is in this call's inbox. Given by
   * the engine (its record of the files taken in), so a tool never reads the engine's state.
   */
  delivered(id: string, sender: string, name: string): boolean;
}

/**
 * read_message: a message in full by id (the inbox shown is capped). Only mail that reached
 * its recipient opens, and only for its sender or its recipient: a file the engine refused,
 * skipped or has not taken in yet is not mail, whatever it says, and neither is anyone
 * else's. Cheap: the outbox the id names is listed, and the record answers from memory.
 */
export function readMessageTool(context: MessageToolContext, id: unknown): ToolResult {
  const { root, org, agent } = context;
  if (typeof id !== 'string') return toolError('id: expected a message id like "000012-manager-001"');
  const wanted = id.trim();
  const problem = idProblem(wanted);
  if (problem !== undefined) return toolError(`the id ${problem}`);
  const files = messageFilesFor(root, wanted);
  if (files.length === 0) return toolError(`there is no message ${wanted}`);
  const turn = Number(/^\d+/.exec(wanted)?.[0] ?? 0);
  for (const file of files) {
    if (!context.delivered(wanted, file.sender, file.name)) continue;
    const read = readMessageFile(root, file.sender, file.name, turn, org.settings.max_body_chars);
    if ('error' in read) return toolError(`message ${wanted} cannot be read now: it ${read.error}`);
    const { message } = read;
    if (message.id !== wanted) continue;
    if (message.from === agent.name || message.to === agent.name) return toolOk(renderMessageMarkup(message));
  }
  if (files.some((file) => file.sender === agent.name)) {
    return toolError(`${wanted} was never delivered: lemming refused or skipped it (you were told why), or has not taken it in yet`);
  }
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
  return toolOk(lines.join('\n'));
}
