import { FOCAL_REQUEST_ELEMENT, REFLECTION_REQUEST_ELEMENT } from '../../mailbox/prompt-markup.js';
import type { Provider, ProviderRequest, ProviderResponse, ToolCall } from '../provider.js';
import { usageFrom } from '../usage.js';
import { composeAnswer, isQuestion } from './answer-question.js';
import { composeDelegation, composeRollUp, relayed, stripDelegation, stripReply, subjectOf, taskKey, wholeTask } from './compose.js';
import { asksToHire } from './hiring.js';
import { readPrompt, type PromptView } from './read-prompt.js';
import { actWithTools, OWN_TERMS, prepareTools, resultsOf, type SeenResult } from './tool-use.js';
import { chooseDelegate, shareReport } from './route-task.js';
import { addRecentWork, formatTaskNote, holdersOf, parseTaskNote, RECENT_WORK_KEY, reportsKey, type TaskNote } from './task-notes.js';
import { checkerFor, composeCheckRequest, namedInTask, sharersOf, withoutNamedParts } from './team-work.js';
import { composeWorkReport } from './work-report.js';
import { answererFor, asksAboutTheWork, findsOut, PASSED_ON, passedOnOpening } from './pass-question.js';
import { readNamedFiles } from './read-files.js';
import { instructedRecipient } from './instructed-route.js';
import { Variation, type VariationSettings } from './variation.js';
import { alreadyHave, copiesFor, isCopy, listToPost } from './copies.js';
import { asksToConfirm, confirmation } from './confirmations.js';

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
    // A question a researcher puts (`lemming ask`, a survey): answered in text, with no tool to call.
    // Its code is loaded only then: a turn's calls always offer tools.
    const content = contentOf(request);
    if (request.tools.length === 0 && content.includes('<survey-question ')) {
      const { answerSurvey } = await import('./answer-survey.js');
      const text = answerSurvey(view, content, this.variation);
      return { text, toolCalls: [], usage: usageFrom(undefined, request, text, []), modelKey: request.modelKey };
    }
    // A biography a population asks for (`lemming populate --enrich`): text, from the persona's attributes alone.
    if (request.tools.length === 0 && content.includes('<persona ')) {
      const [{ parsePersonaMarkup }, { writeBiography }] = await Promise.all([import('../../mailbox/persona-markup.js'), import('./write-biography.js')]);
      const persona = parsePersonaMarkup(content);
      const text = persona ? writeBiography(persona) : '';
      return { text, toolCalls: [], usage: usageFrom(undefined, request, text, []), modelKey: request.modelKey };
    }
    // An agent reflecting by focal questions (memory/focal-questions.ts): the questions its memories raise. Loaded only then.
    if (request.tools.length === 0 && content.includes(`<${FOCAL_REQUEST_ELEMENT} `)) {
      const { composeFocalQuestions } = await import('./focal-questions.js');
      const text = composeFocalQuestions(content);
      return { text, toolCalls: [], usage: usageFrom(undefined, request, text, []), modelKey: request.modelKey };
    }
    // An agent reflecting on its memories (memory/reflection.ts): insights in text, citing them. Loaded only then.
    if (request.tools.length === 0 && content.includes(`<${REFLECTION_REQUEST_ELEMENT} `)) {
      const { composeReflection } = await import('./reflect.js');
      const text = composeReflection(content);
      return { text, toolCalls: [], usage: usageFrom(undefined, request, text, []), modelKey: request.modelKey };
    }
    // A meeting (meetings/meeting-prompt.ts): a short line on the agenda and what the last speaker said. Loaded only then.
    if (content.includes('<meeting name="')) {
      const { readMeetingPrompt, speakInMeeting } = await import('./meeting-speech.js');
      const meeting = readMeetingPrompt(content);
      if (meeting) {
        // What its memories hold on the agenda, when the engine showed it some (an attendee that keeps a memory stream).
        const remembered = view.recalled.length > 0 ? (await import('./recall.js')).recalledLines(view.recalled, meeting.agenda) : [];
        const text = speakInMeeting(meeting, view.title, remembered);
        return { text, toolCalls: [], usage: usageFrom(undefined, request, text, []), modelKey: request.modelKey };
      }
    }
    await prepareTools(view);
    const results = resultsOf(request);
    // Loaded for an agent granted a tool a task might name: most calls (a manager's, say) have none.
    const named = request.tools.some((tool) => !OWN_TERMS.has(tool.name)) ? (await import('./named-tools.js')).useNamedTool : undefined;
    // Loaded for a prompt that shows memories (an agent that keeps a memory stream): most have none.
    const recall = view.recalled.length > 0 ? (await import('./recall.js')).recalledLines : undefined;
    const calls = actWithTools(request, view, decide(view, request, results, this.variation, named, recall), results).map((call, index): ToolCall => ({ id: `call_${index + 1}`, ...call }));
    return { text: '', toolCalls: calls, usage: usageFrom(undefined, request, '', calls), modelKey: request.modelKey };
  }
}

/** The text of the request's first message. */
function contentOf(request: ProviderRequest): string {
  const content = request.messages[0]?.content;
  return typeof content === 'string' ? content : '';
}

type Call = { name: string; arguments: Record<string, unknown> };
type UseNamedTool = typeof import('./named-tools.js').useNamedTool;
type Recall = typeof import('./recall.js').recalledLines;

function decide(view: PromptView, request: ProviderRequest, results: SeenResult[], variation: Variation, useNamedTool?: UseNamedTool, recall?: Recall): Call[] {
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
    if (task && holdersOf(task).includes(item.from)) {
      const held = handBack(view, task, { key, subject, from: item.from, body: item.body }, memory);
      if (held) {
        if (canSend && held.send) calls.push(held.send);
        if (canRemember) calls.push(...held.notes.map(([noteKey, text]) => ({ name: 'remember', arguments: { key: noteKey, text } })));
        for (const [noteKey, text] of held.notes) memory.set(noteKey, text);
        continue;
      }
      const gathered = memory.get(reportsKey(key));
      const to = replyTarget(view, task.asker);
      if (to && canSend) {
        // A report alone goes up as it came; reports of a split or checked task go up together.
        const opening = task.question ? passedOnOpening(task.task, workersOf(gathered, task.checked ? undefined : item.from)) : undefined;
        // Gathered reports go up each as it was written: a relayed one unwrapped, so the others are not lost beside its quote.
        const rollUp = gathered ? composeRollUp(item.from, subject, `${gathered}\n\n${reportLine(item.from, task)}\n${relayed(item.body).join('\n')}`, 80, opening) : composeRollUp(item.from, subject, item.body, 20, opening);
        // Reply all: those the request was copied to are copied on its answer (copies.ts).
        calls.push(withCopies(send(to, `Re: ${stripReply(subject)}`, rollUp, task.askerMessage), (task.copies ?? []).filter((name) => name !== to && (view.sendTo.has(name) || view.lists?.has(name)))));
      }
      const recent = addRecentWork(memory.get(RECENT_WORK_KEY), `- turn ${view.turn}: "${task.task}", done by ${item.from}, reported to ${task.asker}`);
      if (canRemember) {
        calls.push({ name: 'remember', arguments: { key, text: '' } });
        if (gathered) calls.push({ name: 'remember', arguments: { key: reportsKey(key), text: '' } });
        calls.push({ name: 'remember', arguments: { key: RECENT_WORK_KEY, text: recent } });
      }
      memory.delete(key);
      memory.delete(reportsKey(key));
      memory.set(RECENT_WORK_KEY, recent);
      continue;
    }
    // A copy for information is read, not taken up as a task (copies.ts).
    if (isCopy(view, item)) continue;
    // A request to confirm gets a confirmation, to its sender alone, and nothing more (confirmations.ts).
    if (asksToConfirm(item.body)) {
      const to = replyTarget(view, item.from);
      if (to && canSend) calls.push(send(to, `Re: ${stripReply(subject)}`, confirmation(stripReply(subject)), item.id));
      continue;
    }
    // Whom it may hand the task to: its team, less those who have the message already (a list's members, the others named).
    const had = alreadyHave(item);
    const team = had.size > 1 ? { ...view, team: view.team.filter((member) => !had.has(member.name)) } : view;
    const fresh = (name: string | undefined): string | undefined => (name === undefined || had.has(name) ? undefined : name);
    // A question: answered from the notes when they can answer it, else passed to whoever on the
    // team finds things out, else found out by doing the work, when that is the agent's own role.
    const question = isQuestion(item.body);
    const answerer = question && canSend && !asksAboutTheWork(view, item.body, memory) ? answererFor(team, item) : undefined;
    if (question && !answerer && (asksAboutTheWork(view, item.body, memory) || !findsOut(view.title))) {
      const to = replyTarget(view, item.from);
      // Reply all, as for any answer to a message that reached several people.
      if (to && canSend) calls.push(withCopies(send(to, `Re: ${stripReply(subject)}`, composeAnswer(view, item, memory, recall), item.id), copiesFor(view, item, to)));
      continue;
    }
    // A reply that is neither a report it waits for nor a question (thanks, an answer to its own
    // question) needs no answer: staying quiet is what lets the org reach idle.
    if (!question && /^re:/i.test(subject)) continue;
    const place = [view.self, view.turn, item.id] as const;
    const hirer = asksToHire(item) ? fresh(hirerFor(view, item.from)) : undefined;
    const routed = canSend && !question && !hirer ? fresh(instructedRecipient(view, item.from, `${subject}\n${stripDelegation(item.body)}`)) : undefined;
    // Parts of the task it gives colleagues by name ("ask hr to …") go to them; the rest to whoever fits it.
    const named = canSend && !question && !hirer && !routed ? namedInTask(team, `${subject}\n${item.body}`, item.from) : [];
    const rest = named.length > 0 ? withoutNamedParts(team, `${subject}\n${item.body}`, item.from) : `${subject}\n${item.body}`;
    const delegate = question ? answerer : canSend ? (hirer ?? routed ?? chooseDelegate(team, item.from, rest, variation.happens('route', ...place) ? variation : undefined)) : undefined;
    if (delegate) {
      // Split among those who share the role when the instructions say so, and with those the task names; each report comes back under the same subject.
      const sharers = asksToHire(item) || routed ? [delegate] : [...new Set([...sharersOf(team, delegate, item.from), ...named])];
      const passed = question ? `\n\n${PASSED_ON}` : '';
      // Split work goes as one post to the list its instructions name, when it may post there (copies.ts).
      const list = sharers.length > 1 ? listToPost(view) : undefined;
      if (list) calls.push(send(list, stripReply(subject), composeDelegation(item.from, item.body) + splitLine(sharers, '') + passed, item.id));
      else for (const sharer of sharers) calls.push(send(sharer, stripReply(subject), composeDelegation(item.from, item.body) + splitLine(sharers, sharer) + passed, item.id));
      const copies = copiesFor(view, item, replyTarget(view, item.from) ?? item.from);
      const note = formatTaskNote({ asker: item.from, askerMessage: item.id, delegate: sharers.join(', '), task: wholeTask(item.subject, item.body), since: view.turn, ...(question ? { question } : {}), ...(copies.length > 0 ? { copies } : {}) });
      // A dropped step: the note of who asked is never made, so the report that comes back goes no further.
      if (canRemember && !variation.happens('drop', ...place)) calls.push({ name: 'remember', arguments: { key, text: note } });
      memory.set(key, note);
      continue;
    }
    // Work it does itself. A checker first reads the files the work names; with a granted tool the
    // task names: first the call, then the report of what it returned.
    const reading = readNamedFiles(view, item, results);
    if (reading && 'calls' in reading) {
      calls.push(...reading.calls);
      continue;
    }
    const tool = reading ?? useNamedTool?.(request, item, results);
    if (tool && 'call' in tool) {
      calls.push(tool.call);
      continue;
    }
    const to = replyTarget(view, item.from);
    if (to && canSend) {
      const report = composeWorkReport(view, subject, item.body, tool?.said, variation.happens('longer', ...place));
      // A task that reached several people is answered to all of them: the sender, the others copied.
      calls.push(withCopies(send(to, `Re: ${stripReply(subject)}`, report, item.id), copiesFor(view, item, to)));
      const shared = shareReport(view, to, `Re: ${stripReply(subject)}`, report, variation, place);
      if (shared) calls.push(send(shared.to, shared.subject, shared.body));
    }
  }
  if (view.inbox.length === 0 && canRemember) {
    calls.push({ name: 'remember', arguments: { key: 'last-check', text: `Turn ${view.turn}: checked in on schedule; nothing was waiting.` } });
  }
  return calls;
}

/** What a split task's hand-over adds: who else has it. Nothing when one colleague has it all. */
function splitLine(sharers: readonly string[], sharer: string): string {
  if (sharers.length < 2) return '';
  return `\n\nI split this between ${[sharers.slice(0, -1).join(', '), sharers.at(-1)].join(' and ')}: please take the side of it that fits your field; the others take the rest.`;
}

/** Who did the work of a task: those whose gathered reports are introduced "From …:", and the last reporter unless it checked. */
function workersOf(gathered: string | undefined, last: string | undefined): string[] {
  const earlier = gathered ? [...gathered.matchAll(/^From ([a-z][a-z0-9_-]*):$/gm)].map((match) => match[1] ?? '') : [];
  return [...new Set([...earlier, ...(last ? [last] : [])])];
}

/** How a gathered report is introduced: who wrote it, and whether it was the check. */
function reportLine(from: string, task: TaskNote): string {
  return task.checked ? `Checked by ${from}:` : `From ${from}:`;
}

/**
 * A report that does not yet finish its task: others of a split have still to report, or the work
 * must be checked first (team-work.ts). What to send and which notes to keep; undefined when the
 * task is finished and goes up.
 */
function handBack(view: PromptView, task: TaskNote, report: { key: string; subject: string; from: string; body: string }, memory: ReadonlyMap<string, string>): { send?: Call; notes: Array<[string, string]> } | undefined {
  const { key, subject, from, body } = report;
  const waiting = holdersOf(task).filter((name) => name !== from);
  const previous = memory.get(reportsKey(key));
  const gathered = `${previous ? `${previous}\n\n` : ''}${reportLine(from, task)}\n${relayed(body).join('\n')}`;
  if (waiting.length > 0) {
    return { notes: [[key, formatTaskNote({ ...task, delegate: waiting.join(', ') })], [reportsKey(key), gathered]] };
  }
  if (task.checked) return undefined;
  const workers = previous ? [...new Set([...previous.matchAll(/^From ([a-z][a-z0-9_-]*):$/gm)].map((match) => match[1] ?? '')), from] : [from];
  const checker = checkerFor(view, workers);
  if (!checker) return undefined;
  // Under the task's own subject, so the check comes back as its report.
  const request = send(checker, stripReply(subject), composeCheckRequest(task.task, gathered));
  return { send: request, notes: [[key, formatTaskNote({ ...task, delegate: checker, checked: true })], [reportsKey(key), gathered]] };
}

/** Who takes a request to hire: the member of its team who may propose hires (the prompt marks them). */
function hirerFor(view: PromptView, asker: string): string | undefined {
  return view.team.find((member) => member.canHire && member.name !== asker && view.sendTo.has(member.name))?.name;
}

/** A send with `cc:` added when there are copies to make; the call as it was when there are none. */
function withCopies(call: Call, copies: readonly string[]): Call {
  return copies.length === 0 ? call : { ...call, arguments: { ...call.arguments, cc: [...copies] } };
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
