import type { Provider, ProviderRequest, ProviderResponse, ToolCall } from '../provider.js';
import { usageFrom } from '../usage.js';
import { composeAnswer, isQuestion } from './answer-question.js';
import { composeDelegation, composeRollUp, stripReply, subjectOf, taskKey, wholeTask } from './compose.js';
import { asksToHire } from './hiring.js';
import { readPrompt, type PromptView } from './read-prompt.js';
import { actWithTools, OWN_TERMS, prepareTools, resultsOf, type SeenResult } from './tool-use.js';
import { chooseDelegate } from './route-task.js';
import { addRecentWork, formatTaskNote, parseTaskNote, RECENT_WORK_KEY } from './task-notes.js';
import { composeWorkReport } from './work-report.js';
import { Variation, type VariationSettings } from './variation.js';

/**
 * The built-in deterministic model: no network, no key. It reads its prompt the
 * way a model would, answers questions from what it knows (its notes and its mail),
 * hands tasks down to the member of its team whose role fits best, does the work
 * itself when it has no one to hand it to, reports results back up to whoever asked,
 * and stays quiet when nothing needs an answer, so an org reaches idle. Same request,
 * same response, byte for byte. With a registry entry's `variability` above 0, its `seed`
 * makes repeats differ in a few seeded ways (variation.ts); at 0 the seed changes nothing.
 */
export class OfflineProvider implements Provider {
  private readonly variation: Variation;

  constructor(settings: VariationSettings = {}) {
    this.variation = new Variation(settings);
  }

  async generate(request: ProviderRequest): Promise<ProviderResponse> {
    // What it was asked is in the first turn; later turns of a multi-step turn hold tool results.
    const view = readPrompt({ ...request, messages: request.messages.slice(0, 1) });
    await prepareTools(view);
    const results = resultsOf(request);
    // Loaded for an agent granted a tool a task might name: most calls (a manager's, say) have none.
    const named = request.tools.some((tool) => !OWN_TERMS.has(tool.name)) ? (await import('./named-tools.js')).useNamedTool : undefined;
    const calls = actWithTools(request, view, decide(view, request, results, this.variation, named), results).map((call, index): ToolCall => ({ id: `call_${index + 1}`, ...call }));
    return { text: '', toolCalls: calls, usage: usageFrom(undefined, request, '', calls), modelKey: request.modelKey };
  }
}

type Call = { name: string; arguments: Record<string, unknown> };
type UseNamedTool = typeof import('./named-tools.js').useNamedTool;

function decide(view: PromptView, request: ProviderRequest, results: SeenResult[], variation: Variation, useNamedTool?: UseNamedTool): Call[] {
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
    const task = /^re:/i.test(subject) ? parseTaskNote(memory.get(key)) : undefined;
    if (task && task.delegate === item.from) {
      const to = replyTarget(view, task.asker);
      if (to && canSend) {
        calls.push(send(to, `Re: ${stripReply(subject)}`, composeRollUp(item.from, subject, item.body), task.askerMessage));
      }
      const recent = addRecentWork(memory.get(RECENT_WORK_KEY), `- turn ${view.turn}: "${task.task}", done by ${item.from}, reported to ${task.asker}`);
      if (canRemember) {
        calls.push({ name: 'remember', arguments: { key, text: '' } });
        calls.push({ name: 'remember', arguments: { key: RECENT_WORK_KEY, text: recent } });
      }
      memory.delete(key);
      memory.set(RECENT_WORK_KEY, recent);
      continue;
    }
    if (isQuestion(item.body)) {
      const to = replyTarget(view, item.from);
      if (to && canSend) calls.push(send(to, `Re: ${stripReply(subject)}`, composeAnswer(view, item, memory), item.id));
      continue;
    }
    // A reply that is neither a report it waits for nor a question (thanks, an answer to its own
    // question) needs no answer: staying quiet is what lets the org reach idle.
    if (/^re:/i.test(subject)) continue;
    const place = [view.self, view.turn, item.id] as const;
    const hirer = asksToHire(item) ? hirerFor(view, item.from) : undefined;
    const delegate = canSend ? (hirer ?? chooseDelegate(view, item.from, `${subject}\n${item.body}`, variation.happens('route', ...place) ? variation : undefined)) : undefined;
    if (delegate) {
      calls.push(send(delegate, stripReply(subject), composeDelegation(item.from, item.body), item.id));
      const note = formatTaskNote({ asker: item.from, askerMessage: item.id, delegate, task: wholeTask(item.subject, item.body), since: view.turn });
      // A dropped step: the note of who asked is never made, so the report that comes back goes no further.
      if (canRemember && !variation.happens('drop', ...place)) calls.push({ name: 'remember', arguments: { key, text: note } });
      memory.set(key, note);
      continue;
    }
    // Work it does itself. With a granted tool the task names: first the call, then the report of what it returned.
    const tool = useNamedTool?.(request, item, results);
    if (tool && 'call' in tool) {
      calls.push(tool.call);
      continue;
    }
    const to = replyTarget(view, item.from);
    if (to && canSend) {
      const report = composeWorkReport(view, subject, item.body, tool?.said, variation.happens('longer', ...place));
      calls.push(send(to, `Re: ${stripReply(subject)}`, report, item.id));
    }
  }
  if (view.inbox.length === 0 && canRemember) {
    calls.push({ name: 'remember', arguments: { key: 'last-check', text: `Turn ${view.turn}: checked in on schedule; nothing was waiting.` } });
  }
  return calls;
}

/** Who takes a request to hire: the member of its team who may propose hires (the prompt marks them). */
function hirerFor(view: PromptView, asker: string): string | undefined {
  return view.team.find((member) => member.canHire && member.name !== asker && view.sendTo.has(member.name))?.name;
}

function send(to: string, subject: string, body: string, replyTo?: string): Call {
  const args: Record<string, string> = { to, subject, body };
  if (replyTo !== undefined) args.reply_to = replyTo;
  return { name: 'send_message', arguments: args };
}

/** Answer whoever asked if the chart allows it, else one's manager, else no one. */
function replyTarget(view: PromptView, asker: string): string | undefined {
  if (view.sendTo.has(asker)) return asker;
  if (view.manager && view.sendTo.has(view.manager)) return view.manager;
  return undefined;
}
