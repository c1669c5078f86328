import type { ToolName } from '../../org/schema.js';
import type { ToolDefinition } from '../../providers/provider.js';
import { PRIORITIES } from '../../mailbox/message.js';
import { RESULT_TOOL_DEFINITIONS } from '../../tools/builtin-definitions.js';

/** The built-in tools the engine offers; an agent gets those its resume lists (MCP tools are added at call time). */
export const TOOL_DEFINITIONS: Record<ToolName, ToolDefinition> = {
  ...RESULT_TOOL_DEFINITIONS,
  send_message: {
    name: 'send_message',
    description:
      'Send a message to other agents of the organisation: one file, read by each name in "to" and "cc". Call it once per message. ' +
      'Only agents listed as ones you may send messages to can receive it; if one of the names is refused, the message goes to no one and you are told why.',
    parameters: {
      type: 'object',
      properties: {
        to: {
          anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, minItems: 1 }],
          description: 'The recipient, an agent name such as "planner", or several as a list, such as ["planner", "hr"].',
        },
        cc: { type: 'array', items: { type: 'string' }, description: 'Agents sent a copy, for example ["hr"]; they read it as the recipients do.' },
        body: { type: 'string', description: 'The message, in markdown.' },
        subject: { type: 'string', description: 'A short subject line.' },
        priority: { type: 'string', enum: [...PRIORITIES], description: 'How urgent it is; "normal" if unsure.' },
        reply_to: {
          type: 'string',
          description:
            'The id of a message you were shown that this answers or carries on (a task you hand on, a report of work asked for). ' +
            'Left out when you were shown exactly one message, the send answers that one.',
        },
      },
      required: ['to', 'body'],
      additionalProperties: false,
    },
  },
  remember: {
    name: 'remember',
    description:
      'Keep a note for your later turns under a key; it is shown to you every turn. ' +
      'Writing an existing key replaces it; an empty text forgets it.',
    parameters: {
      type: 'object',
      properties: {
        key: { type: 'string', description: 'A short name: letters, digits, "-" and "_", for example "release-plan".' },
        text: { type: 'string', description: 'The note.' },
      },
      required: ['key', 'text'],
      additionalProperties: false,
    },
  },
};

const toolLists = new Map<string, ToolDefinition[]>();

/** The definitions for a resume's tools; the same array for the same list, so its size is estimated once. */
export function toolsFor(tools: readonly string[]): ToolDefinition[] {
  const key = tools.join(',');
  let list = toolLists.get(key);
  if (!list) {
    list = tools.flatMap((name) => (Object.hasOwn(TOOL_DEFINITIONS, name) ? [TOOL_DEFINITIONS[name as ToolName]] : []));
    toolLists.set(key, list);
  }
  return list;
}
