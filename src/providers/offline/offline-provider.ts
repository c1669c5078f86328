import type { Provider, ProviderRequest, ProviderResponse, ToolCall } from '../provider.js';
import { usageFrom } from '../usage.js';
import {
  composeDelegation,
  composeRollUp,
  composeWorkReport,
  stripReply,
  subjectOf,
  taskKey,
  words,
} from './compose.js';
import { readPrompt, type PromptView } from './read-prompt.js';
import { actWithTools } from './tool-use.js';

/**
 * The built-in deterministic model: no network, no key. It reads its prompt the
 * way a model would, hands tasks down to the best-matching member of its team,
 * does the work itself when it has no one to hand it to, reports results back up
 * to whoever asked, and stays quiet when nothing needs an answer, so an org
 * reaches idle. Same request, same response, byte for byte.
 */
export class OfflineProvider implements Provider {
  async generate(request: ProviderRequest): Promise<ProviderResponse> {
    // What it was asked is in the first turn; later turns of a multi-step turn hold tool results.
    const view = readPrompt({ ...request, messages: request.messages.slice(0, 1) });
    const calls = actWithTools(request, view, decide(view)).map((call, index): ToolCall => ({ id: `call_${index + 1}`, ...call }));
    return { text: '', toolCalls: calls, usage: usageFrom(undefined, request, '', calls), modelKey: request.modelKey };
  }
}

type Call = { name: string; arguments: Record<string, string> };

function decide(view: PromptView): Call[] {
  const calls: Call[] = [];
  const memory = new Map(view.memory);
  const canSend = view.tools.has('send_message');
  const canRemember = view.tools.has('remember');
  for (const item of view.inbox) {
    if (!view.sendTo.has(item.from) && !(item.from === view.manager)) {
      // Nobody to answer (a notice from the engine, or a sender it cannot reach): note nothing, say nothing.
      continue;
    }
    const subject = subjectOf(item.subject, item.body);
    const key = taskKey(subject);
    if (/^re:/i.test(subject)) {
      const task = parseTask(memory.get(key));
      if (!task || task.delegate !== item.from) continue;
      const to = replyTarget(view, task.asker);
      if (to && canSend) {
        calls.push(send(to, `Re: ${stripReply(subject)}`, composeRollUp(item.from, subject, item.body), task.askerMessage));
      }
      if (canRemember) calls.push({ name: 'remember', arguments: { key, text: '' } });
      memory.delete(key);
      continue;
    }
    const delegate = canSend ? chooseDelegate(view, item.from, `${subject}\n${item.body}`) : undefined;
    if (delegate) {
      calls.push(send(delegate, stripReply(subject), composeDelegation(item.from, item.body)));
      const note = `asker: ${item.from}\nasker_message: ${item.id}\ndelegate: ${delegate}`;
      if (canRemember) calls.push({ name: 'remember', arguments: { key, text: note } });
      memory.set(key, note);
      continue;
    }
    const to = replyTarget(view, item.from);
    if (to && canSend) {
      calls.push(send(to, `Re: ${stripReply(subject)}`, composeWorkReport(view.self, view.title, subject, item.body), item.id));
    }
  }
  if (view.inbox.length === 0 && canRemember) {
    calls.push({ name: 'remember', arguments: { key: 'last-check', text: `Turn ${view.turn}: checked in on schedule; nothing was waiting.` } });
  }
  return calls;
}

function send(to: string, subject: string, body: string, replyTo?: string): Call {
  const args: Record<string, string> = { to, subject, body };
  if (replyTo !== undefined) args.reply_to = replyTo;
  return { name: 'send_message', arguments: args };
}

/**
 * The member of the team whose name and title share most words with the task (a
 * word matches another that it starts, so "plan" matches "planner"). Ties go to the
 * one listed first among those it may send to, the order its chart entry gives.
 */
function chooseDelegate(view: PromptView, asker: string, task: string): string | undefined {
  const taskWords = [...words(task)];
  const order = [...view.sendTo];
  const team = view.team
    .filter((member) => member.name !== asker && view.sendTo.has(member.name))
    .sort((left, right) => order.indexOf(left.name) - order.indexOf(right.name));
  let best: { name: string; score: number } | undefined;
  for (const member of team) {
    let score = 0;
    for (const word of words(`${member.name} ${member.title}`)) {
      if (taskWords.some((taskWord) => related(taskWord, word))) score += 1;
    }
    if (!best || score > best.score) best = { name: member.name, score };
  }
  return best?.name;
}

function related(left: string, right: string): boolean {
  const [short, long] = left.length <= right.length ? [left, right] : [right, left];
  return short.length >= 4 ? long.startsWith(short) : short === long;
}

/** Answer whoever asked if the chart allows it, else one's manager, else no one. */
function replyTarget(view: PromptView, asker: string): string | undefined {
  if (view.sendTo.has(asker)) return asker;
  if (view.manager && view.sendTo.has(view.manager)) return view.manager;
  return undefined;
}

function parseTask(note: string | undefined): { asker: string; askerMessage: string; delegate: string } | undefined {
  if (!note) return undefined;
  const field = (name: string): string | undefined => new RegExp(`^${name}: (.*)$`, 'm').exec(note)?.[1]?.trim();
  const asker = field('asker');
  const askerMessage = field('asker_message');
  const delegate = field('delegate');
  return asker && askerMessage && delegate ? { asker, askerMessage, delegate } : undefined;
}
