import type { SendCause } from '../../format/mail-outcomes.js';
import { MAX_RECIPIENTS, PRIORITIES, type Priority } from '../../mailbox/message.js';
import { asMessageBody, capBody, capSubject, idProblem, MAX_NAME_CHARS, quoteName } from '../../mailbox/message-text.js';
import type { Agent, Org } from '../../org/org.js';
import { refusedNames } from '../../org/lists/recipients.js';
import type { ProviderResponse } from '../../providers/provider.js';
import { isResultTool } from '../../tools/builtin-definitions.js';
import { resolveMcpName } from '../../tools/mcp/mcp-servers.js';
import { checkArguments, type ArgumentSpec } from './tool-arguments.js';

/** A message the engine will write on an agent's behalf. */
export interface OutgoingMessage {
  /** The first recipient; `alsoTo` and `cc` the others, when the send named several. */
  to: string;
  alsoTo?: string[];
  cc?: string[];
  body: string;
  subject?: string;
  priority: Priority;
  replyTo?: string;
}

/** A send that was not made, and why: the sender is told in a delivery notice. */
export interface Refusal {
  to: string;
  subject?: string;
  reason: string;
  /** The rule that refused it: the chart (and a list's may_post, a name that is no one's) or the per-turn cap. */
  cause: SendCause;
}

/** What a model's response means for the org, decided without touching a file. */
export interface Interpretation {
  messages: OutgoingMessage[];
  memories: Array<{ key: string; text: string }>;
  refusals: Refusal[];
  /** Tool calls that could not be used (unknown tool, bad arguments), with the reason. */
  invalidCalls: string[];
  /** The model answered in text and called no tool. */
  textOnly: boolean;
}

/** A valid memory key, 1 to 64 characters; the key is also the note's file name (`<key>.md`), so no dots or slashes. */
export const MEMORY_KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

const SEND_ARGUMENTS: Record<string, ArgumentSpec> = {
  to: { kind: 'name-or-names', required: true },
  cc: { kind: 'names', required: false },
  body: { kind: 'string', required: true },
  subject: { kind: 'string', required: false },
  priority: { kind: 'enum', values: PRIORITIES, required: false },
  reply_to: { kind: 'string', required: false },
};
const REMEMBER_ARGUMENTS: Record<string, ArgumentSpec> = {
  key: { kind: 'string', required: true },
  text: { kind: 'string', required: true },
};

/**
 * Turn a model's tool calls into messages and notes, refusing what the chart,
 * the tool list or the per-turn cap does not allow. A send without `reply_to` from an
 * agent that was shown exactly one message (`shownMessages`: ids of messages, not the
 * engine's notices) answers that message, so a hand-off carries the thread of the request
 * it hands on and a report the thread of the hand-off. Pure.
 */
export function interpretResponse(response: ProviderResponse, agent: Agent, org: Org, shownMessages: readonly string[] = []): Interpretation {
  const onlyShown = shownMessages.length === 1 ? shownMessages[0] : undefined;
  const settings = org.settings;
  const result: Interpretation = { messages: [], memories: [], refusals: [], invalidCalls: [], textOnly: false };
  const { invalidCalls } = result;
  for (const call of response.toolCalls) {
    // A call the output cap cut short is not carried out, and is reported once, by the cap's note (outputCapNote below).
    if (call.cut) continue;
    const name = String(call.name).slice(0, MAX_NAME_CHARS);
    // Tools that return results ran inside the turn's loop; their results went back to the model.
    if (isResultTool(call.name) || Object.hasOwn(org.commandTools, call.name) || resolveMcpName(org.mcpServers, call.name)) continue;
    if (call.name !== 'send_message' && call.name !== 'remember') {
      invalidCalls.push(`unknown tool ${quoteName(name)}; the tools are ${agent.tools.join(', ')}`);
      continue;
    }
    if (!agent.tools.includes(call.name)) {
      invalidCalls.push(`the tool ${call.name} is not in your resume's tools (${agent.tools.join(', ') || 'none'})`);
      continue;
    }
    if (call.argumentsError !== undefined) {
      invalidCalls.push(`${call.name}: the arguments are not valid JSON (${call.argumentsError})`);
      continue;
    }
    if (call.name === 'remember') {
      const parsed = checkArguments<{ key: string; text: string }>(call.arguments, REMEMBER_ARGUMENTS);
      if ('problems' in parsed) {
        invalidCalls.push(`remember: ${parsed.problems.join('; ')}; expected { key: string, text: string }`);
      } else if (!MEMORY_KEY_PATTERN.test(parsed.value.key)) {
        invalidCalls.push(`remember: the key ${quoteName(parsed.value.key)} is not allowed; use 1-64 letters, digits, "-" or "_"`);
      } else {
        result.memories.push({ key: parsed.value.key, text: capBody(parsed.value.text, settings.max_body_chars) });
      }
      continue;
    }
    const parsed = checkArguments<{ to: string | string[]; cc?: string[]; body: string; subject?: string; priority?: Priority; reply_to?: string }>(call.arguments, SEND_ARGUMENTS);
    if ('problems' in parsed) {
      invalidCalls.push(
        `send_message: ${parsed.problems.join('; ')}; expected { to: string | string[], cc?: string[], body: string, subject?: string, priority?: ${PRIORITIES.join(' | ')}, reply_to?: string }`,
      );
      continue;
    }
    const { body, subject, priority, reply_to: replyTo } = parsed.value;
    // The usual send names one recipient and no copies: no sets made to take out repeats it cannot have.
    const toList = typeof parsed.value.to === 'string' ? [parsed.value.to] : [...new Set(parsed.value.to)];
    const ccList = parsed.value.cc === undefined ? [] : [...new Set(parsed.value.cc)].filter((name) => !toList.includes(name));
    const to = toList[0] as string;
    const everyone = [...toList, ...ccList];
    if (everyone.length > MAX_RECIPIENTS) {
      invalidCalls.push(`send_message: names ${everyone.length} people in to and cc; a message reaches at most ${MAX_RECIPIENTS} (a mailing list reaches more)`);
      continue;
    }
    const shortSubject = subject === undefined ? undefined : capSubject(subject).subject;
    const refuse = (name: string, reason: string, cause: SendCause): void => {
      result.refusals.push({ to: name.slice(0, MAX_NAME_CHARS), ...(shortSubject === undefined ? {} : { subject: shortSubject }), reason, cause });
    };
    // A message reaches all its names or none (org/lists/recipients.ts). Each refused name is told.
    const refused = refusedNames(org, agent.name, everyone);
    if (refused.length > 0) {
      for (const { name, reason } of refused) refuse(name, reason, 'chart');
      continue;
    }
    if (result.messages.length >= settings.max_messages_per_turn) {
      refuse(to, `over the cap of ${settings.max_messages_per_turn} messages per turn (org.yaml engine.max_messages_per_turn)`, 'cap');
      continue;
    }
    const message: OutgoingMessage = { to, body: capBody(asMessageBody(body), settings.max_body_chars), priority: priority ?? 'normal' };
    if (toList.length > 1) message.alsoTo = toList.slice(1);
    if (ccList.length > 0) message.cc = ccList;
    if (shortSubject !== undefined) message.subject = shortSubject;
    if (replyTo !== undefined && replyTo.trim() !== '') {
      // An id cut short would name another message, or none: it is kept whole or not at all.
      const problem = idProblem(replyTo);
      if (problem === undefined) message.replyTo = replyTo;
      else invalidCalls.push(`send_message to ${to}: reply_to ${problem}; the message was sent without it`);
    } else if (onlyShown !== undefined) {
      message.replyTo = onlyShown;
    }
    result.messages.push(message);
  }
  result.textOnly = response.toolCalls.length === 0 && response.text.trim() !== '';
  return result;
}

/**
 * The note for an answer the output cap stopped, or undefined for one it did not. It
 * names the calls the cap stopped inside (`cut`), which are not carried out; an answer
 * stopped in its prose is said to be cut and nothing more, since no action was lost that
 * anyone can see. One note, so a cut call is not also reported as an invalid one. Pure.
 */
export function outputCapNote(response: ProviderResponse, org: Org): string | undefined {
  if (!response.truncated) return undefined;
  const setting = `org.yaml models.${response.modelKey}.max_output_tokens`;
  const cap = org.models[response.modelKey]?.max_output_tokens;
  const note = `the answer was cut at the output cap (${cap === undefined ? `${setting} is not set, so a default applied` : `${setting}: ${cap}`})`;
  const cut = response.toolCalls.filter((call) => call.cut).map((call) => String(call.name).slice(0, 64));
  if (cut.length === 0) return note;
  if (cut.length === 1) return `${note}; the ${cut[0]} call it cut short was not carried out`;
  return `${note}; the calls it cut short (${cut.join(', ')}) were not carried out`;
}
