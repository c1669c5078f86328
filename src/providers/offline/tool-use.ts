import { unescapeText, type InboxItemMarkup } from '../../mailbox/prompt-markup.js';
import type { ProviderRequest } from '../provider.js';
import { stripReply, subjectOf, taskKey, words } from './compose.js';
import type { PromptView } from './read-prompt.js';

let workTests: typeof import('./work-tests.js') | undefined;

/** Load what this request's tools need beyond the common ones: the tests an engineer writes with its work, for an agent that can run them. */
export async function prepareTools(view: PromptView): Promise<void> {
  if (view.tools.has('run_command')) workTests ??= await import('./work-tests.js');
}

/** A tool call as the offline model makes it. */
export type OfflineCall = { name: string; arguments: Record<string, unknown> };

/** A result the engine gave back after an earlier step. */
interface SeenResult {
  name: string;
  error: boolean;
  content: string;
}

const RESULT = /<tool_result name="([^"]*)" call="[^"]*"( error="true")?>\n([\s\S]*?)\n<\/tool_result>/g;

/** The results shown in the request's last turn, in the order the calls were made. */
function resultsOf(request: ProviderRequest): SeenResult[] {
  if (request.messages.length < 3) return [];
  return resultsIn(request.messages[request.messages.length - 1]?.content ?? '');
}

function resultsIn(text: string): SeenResult[] {
  return [...text.matchAll(RESULT)].map((match) => ({ name: match[1] ?? '', error: match[2] !== undefined, content: unescapeText(match[3] ?? '') }));
}

/** Every result the engine gave back in this turn's steps, in order. */
function allResultsOf(request: ProviderRequest): SeenResult[] {
  return request.messages.slice(1).flatMap((turn) => (turn.role === 'user' ? resultsIn(turn.content) : []));
}

const isSend = (call: OfflineCall): boolean => call.name === 'send_message';
const argument = (call: OfflineCall, name: string): string => String(call.arguments[name] ?? '');

/**
 * Where an agent keeps the file behind a message: a report of work done goes in its own
 * workspace; a plan (a task handed down or rolled up) goes in the shared workspace when
 * its instructions say to keep plans there.
 */
function fileFor(request: ProviderRequest, send: OfflineCall): string {
  const slug = taskKey(argument(send, 'subject')).replace(/^task-/, '');
  const isReport = argument(send, 'body').startsWith('Done:');
  if (!isReport && /shared workspace/i.test(request.system)) return `shared/plans/${slug}.md`;
  return `${isReport ? 'work' : 'plans'}/${slug}.md`;
}

function fileContent(view: PromptView, send: OfflineCall): string {
  const subject = stripReply(argument(send, 'subject'));
  const body = argument(send, 'body');
  if (body.startsWith('Done:')) return `# ${subject}\n\n${body}\n`;
  const status = /^re:/i.test(argument(send, 'subject')) ? 'done' : `handed to ${argument(send, 'to')}`;
  return `# ${subject}\n\nKept by ${view.self}. Turn ${view.turn}: ${status}.\n\n${body}\n`;
}

/** Where the file written for a message can be found by anyone who reads the message. */
function shownPath(view: PromptView, path: string): string {
  return path.startsWith('shared/') ? `workspace/${path.slice('shared/'.length)}` : `agents/${view.self}/workspace/${path}`;
}

/**
 * Work that leaves a file behind: before its messages go out, an agent that may write
 * files saves the work (a report in its workspace, a plan in the shared one), then
 * says where it is in the message. Two steps: write, then send with the path. An agent
 * that may also run commands writes a test of each report with it, runs the tests in a
 * step of their own, and says in the report how they went: three steps.
 */
function writeThenSend(request: ProviderRequest, view: PromptView, planned: OfflineCall[], results: SeenResult[]): OfflineCall[] {
  const sends = planned.filter(isSend);
  if (sends.length === 0) return planned;
  const paths = sends.map((send) => fileFor(request, send));
  // The reports of work done, tested when the agent can run what it wrote.
  const tested = view.tools.has('run_command') ? sends.flatMap((send, index) => (argument(send, 'body').startsWith('Done:') ? [{ send, report: paths[index] ?? '' }] : [])) : [];
  const { testFor, testOutcome, testSource } = tested.length > 0 && workTests ? workTests : UNTESTED;
  if (results.length === 0) {
    return [
      ...sends.map((send, index) => ({ name: 'write_file', arguments: { path: paths[index] ?? '', content: fileContent(view, send) } })),
      ...tested.map(({ send, report }) => ({ name: 'write_file', arguments: { path: testFor(report).path, content: testSource(report, argument(send, 'subject'), view.self) } })),
      ...planned.filter((call) => !isSend(call)),
    ];
  }
  const all = allResultsOf(request);
  const runs = all.filter((result) => result.name === 'run_command');
  if (tested.length > 0 && runs.length === 0) return tested.map(({ report }) => ({ name: 'run_command', arguments: { command: testFor(report).command } }));
  const writes = all.filter((result) => result.name === 'write_file');
  return sends.map((send, index) => {
    const result = writes[index];
    const where = result && !result.error ? `The file: ${shownPath(view, paths[index] ?? '')}` : `(I could not save it as a file: ${result?.content.split('\n')[0] ?? 'no result'})`;
    const test = tested.findIndex((entry) => entry.send === send);
    const outcome = test < 0 ? '' : `\n${testOutcome(testFor(tested[test]?.report ?? '').command, runs[test])}`;
    return { ...send, arguments: { ...send.arguments, body: `${argument(send, 'body')}\n\n${where}${outcome}` } };
  });
}

/** Stand-ins for work nobody tests (no run_command): never called, as `tested` is empty. */
const UNTESTED = { testFor: () => ({ path: '', command: '' }), testOutcome: () => '', testSource: () => '' };

const ROLES: Array<[RegExp, string, string]> = [
  [/\b(code|coder|coding|engineer|developer|programmer)s?\b/i, 'coder', 'Software engineer: writes and tests code'],
  [/\b(test|tester|qa|quality)\b/i, 'tester', 'Tester: checks the work before it ships'],
  [/\b(write|writer|docs|documentation)\b/i, 'writer', 'Technical writer'],
];

/** The role a hiring request asks for: a folder-name stem and a title. */
function roleOf(text: string): { stem: string; title: string } {
  for (const [pattern, stem, title] of ROLES) if (pattern.test(text)) return { stem, title };
  return { stem: 'assistant', title: 'Assistant' };
}

/** The first `<stem>_NN` not in a list_agents answer, from 02 (the default org has coder_01). */
function freeName(stem: string, listing: string): string {
  const taken = new Set([...listing.matchAll(/^- ([a-z][a-z0-9_-]*):/gm)].map((match) => match[1]));
  for (let number = 2; ; number += 1) {
    const name = `${stem}_${String(number).padStart(2, '0')}`;
    if (!taken.has(name)) return name;
  }
}

/**
 * Asked to hire, an agent with `hire_agent` looks at who is there, proposes a
 * colleague for the role asked for (reporting to its own manager, with a small
 * budget from its own credits), and tells the asker the proposal waits for the human.
 */
function hire(view: PromptView, item: InboxItemMarkup, results: SeenResult[]): OfflineCall[] {
  const text = `${item.subject ?? ''}\n${item.body}`;
  const role = roleOf(text);
  const listed = results.find((result) => result.name === 'list_agents');
  const proposed = results.find((result) => result.name === 'hire_agent');
  const subject = `Re: ${stripReply(subjectOf(item.subject, item.body))}`;
  if (proposed) {
    const body = proposed.error ? `I could not propose the hire: ${proposed.content}` : `I proposed the hire. ${proposed.content.split(';')[0]}.`;
    return view.sendTo.has(item.from) ? [{ name: 'send_message', arguments: { to: item.from, subject, body, reply_to: item.id } }] : [];
  }
  if (!listed && view.tools.has('list_agents')) return [{ name: 'list_agents', arguments: {} }];
  const name = freeName(role.stem, listed?.content ?? '');
  const focus = [...words(text)].slice(0, 6).join(', ');
  return [
    {
      name: 'hire_agent',
      arguments: {
        name,
        title: role.title,
        instructions: `You joined because ${item.from} asked: "${subjectOf(item.subject, item.body)}". Do the work your manager gives you${focus ? ` (it touched on: ${focus})` : ''} and report back when it is done.`,
        reports_to: view.manager ?? item.from,
        credits: 0.05,
      },
    },
  ];
}

/** True when a message asks for someone to be hired ("hire a tester"), not for work about hiring ("a hiring plan"). */
function asksToHire(item: InboxItemMarkup): boolean {
  return /\b(hire|recruit)\b/i.test(`${item.subject ?? ''}\n${item.body}`);
}

/**
 * The offline model's use of its tools, on top of what it decided to say (`planned`,
 * the calls of a one-step model). Deterministic: the same request gives the same calls.
 */
export function actWithTools(request: ProviderRequest, view: PromptView, planned: OfflineCall[]): OfflineCall[] {
  const results = resultsOf(request);
  if (view.tools.has('hire_agent')) {
    const item = view.inbox.find((candidate) => asksToHire(candidate) && candidate.from !== 'lemming');
    if (item) return hire(view, item, results);
  }
  if (view.tools.has('write_file')) return writeThenSend(request, view, planned, results);
  return planned;
}
