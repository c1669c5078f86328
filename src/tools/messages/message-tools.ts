import { listMessageFiles, readMessageFile } from '../../mailbox/message-file.js';
import { renderMessageMarkup } from '../../mailbox/prompt-markup.js';
import { padSeq, padTurn, parseMessageFileName } from '../../mailbox/message.js';
import { isValidAgentName } from '../../org/names.js';
import type { Agent, Org } from '../../org/org.js';
import { reachableFrom } from '../../org/permissions.js';
import { toolError, toolOk, type ToolResult } from '../tool-result.js';

const MESSAGE_ID = /^(\d{6,})-([a-z][a-z0-9_-]{0,63})-(\d{3,})$/;

/**
 * read_message: a message in full by id (the inbox shown is capped). Only a message
 * the agent sent or was sent can be read; anyone else's mail is refused.
 */
export function readMessageTool(root: string, agent: Agent, id: unknown): ToolResult {
  if (typeof id !== 'string') return toolError('id: expected a message id like "000012-manager-001"');
  const match = MESSAGE_ID.exec(id.trim());
  if (!match || match[1] === undefined || match[2] === undefined || match[3] === undefined || !isValidAgentName(match[2])) {
    return toolError(`${JSON.stringify(id.slice(0, 80))} is not a message id; ids look like "000012-manager-001"`);
  }
  const sender = match[2];
  const prefix = `${padTurn(Number(match[1]))}-${padSeq(Number(match[3]))}-`;
  const file = listMessageFiles(root, sender).find((name) => name.startsWith(prefix) && parseMessageFileName(name) !== undefined);
  if (file === undefined) return toolError(`there is no message ${id}`);
  const read = readMessageFile(root, sender, file, Number(match[1]));
  if ('error' in read) return toolError(`message ${id} cannot be read: it ${read.error}`);
  const { message } = read;
  if (message.from !== agent.name && message.to !== agent.name) return toolError(`message ${id} was neither sent by you nor to you`);
  return toolOk(renderMessageMarkup(message));
}

/** list_agents: who is in the org, their titles and managers, and whom this agent may write to. */
export function listAgentsTool(org: Org, agent: Agent): ToolResult {
  const reachable = new Set(reachableFrom(org, agent.name));
  const lines = [...org.agents.values()].map((other) => {
    const manager = other.reportsTo === null ? '' : `, reports to ${other.reportsTo}`;
    const reach = other.name === agent.name ? ' (you)' : reachable.has(other.name) ? ' (you may write to them)' : '';
    return `- ${other.name}: ${other.title}${manager}${reach}`;
  });
  return toolOk(lines.join('\n'));
}
