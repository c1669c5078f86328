import { unescapeText } from '../../mailbox/prompt-markup.js';
import type { ProviderRequest } from '../provider.js';
import { slugOf, stripReply } from './compose.js';
import { asksToHire, hire } from './hiring.js';
import type { PromptView } from './read-prompt.js';

let workTests: typeof import('./work-tests.js') | undefined;

/** Load what this request's tools need beyond the common ones: the tests an engineer writes with its work, for an agent that can run them. */
export async function prepareTools(view: PromptView): Promise<void> {
  if (view.tools.has('run_command')) workTests ??= await import('./work-tests.js');
}

/** A tool call as the offline model makes it. */
export type OfflineCall = { name: string; arguments: Record<string, unknown> };

/** A result the engine gave back after an earlier step. */
export interface SeenResult {
  name: string;
  error: boolean;
  content: string;
}

/** Tools the offline model uses on its own terms (sending, notes, saving its work, hiring), never because a task names them (named-tools.ts). */
export const OWN_TERMS: ReadonlySet<string> = new Set(['send_message', 'remember', 'write_file', 'hire_agent', 'retire_agent']);

const RESULT = /<tool_result name="([^"]*)" call="[^"]*"( error="true")?>\n([\s\S]*?)\n<\/tool_result>/g;

/** Every result the engine gave back in the turn's earlier steps, in the order the calls were made. */
export function resultsOf(request: ProviderRequest): SeenResult[] {
  return request.messages
    .slice(1)
    .filter((message) => message.role === 'user')
    .flatMap((message) => [...message.content.matchAll(RESULT)].map((match) => ({ name: match[1] ?? '', error: match[2] !== undefined, content: unescapeText(match[3] ?? '') })));
}

const isSend = (call: OfflineCall): boolean => call.name === 'send_message';
const argument = (call: OfflineCall, name: string): string => String(call.arguments[name] ?? '');

/**
 * The folder an agent's instructions name for its work, as they write a path in backticks
 * ("write your findings … (`shared/findings/`)"): relative, ending in "/", no "..". Undefined
 * when they name none.
 */
export function namedFolder(instructions: string): string | undefined {
  for (const match of instructions.matchAll(/`((?:[A-Za-z0-9_][\w.-]*\/)+)`/g)) {
    const folder = match[1] ?? '';
    if (!folder.split('/').includes('..')) return folder;
  }
  return undefined;
}

/**
 * Where an agent keeps the file behind a message: a report of work done goes in the folder its
 * instructions name (`shared/findings/`, `stories/`), else in `work/` of its own workspace; in a
 * shared folder the file carries the agent's name too, so two colleagues given the same question
 * do not write over each other. A plan (a task handed down or rolled up) goes in the shared
 * workspace when its instructions say to keep plans there.
 */
function fileFor(view: PromptView, send: OfflineCall): string {
  const slug = slugOf(stripReply(argument(send, 'subject')).replace(/…$/, ''), 60) || 'untitled';
  const isReport = argument(send, 'body').startsWith('Done:');
  if (isReport) {
    const folder = namedFolder(view.instructions);
    if (folder === undefined) return `work/${slug}.md`;
    return folder.startsWith('shared/') ? `${folder}${slug}-${view.self}.md` : `${folder}${slug}.md`;
  }
  if (/shared workspace/i.test(view.system)) return `shared/plans/${slug}.md`;
  return `plans/${slug}.md`;
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
function writeThenSend(view: PromptView, planned: OfflineCall[], seen: SeenResult[]): OfflineCall[] {
  const sends = planned.filter(isSend);
  if (sends.length === 0) return planned;
  const paths = sends.map((send) => fileFor(view, send));
  // The reports of work done, tested when the agent can run what it wrote.
  const tested = view.tools.has('run_command') ? sends.flatMap((send, index) => (argument(send, 'body').startsWith('Done:') ? [{ send, report: paths[index] ?? '' }] : [])) : [];
  const { testFor, testOutcome, testSource } = tested.length > 0 && workTests ? workTests : UNTESTED;
  const writes = seen.filter((result) => result.name === 'write_file');
  if (writes.length === 0) {
    return [
      ...sends.map((send, index) => ({ name: 'write_file', arguments: { path: paths[index] ?? '', content: fileContent(view, send) } })),
      ...tested.map(({ send, report }) => ({ name: 'write_file', arguments: { path: testFor(report).path, content: testSource(report, argument(send, 'subject'), view.self) } })),
      ...planned.filter((call) => !isSend(call)),
    ];
  }
  const runs = seen.filter((result) => result.name === 'run_command');
  if (tested.length > 0 && runs.length === 0) return tested.map(({ report }) => ({ name: 'run_command', arguments: { command: testFor(report).command } }));
  return sends.map((send, index) => {
    const result = writes[index];
    const where = result && !result.error ? `The file: ${shownPath(view, paths[index] ?? '')}` : `(I could not save it as a file: ${result?.content.split('\n')[0] ?? 'no result'})`;
    const test = tested.findIndex((entry) => entry.send === send);
    const outcome = test < 0 ? '' : `\n\n${testOutcome(testFor(tested[test]?.report ?? '').command, runs[test])}`;
    return { ...send, arguments: { ...send.arguments, body: `${argument(send, 'body')}\n\n${where}${outcome}` } };
  });
}

/** Stand-ins for work nobody tests (no run_command): never called, as `tested` is empty. */
const UNTESTED = { testFor: () => ({ path: '', command: '' }), testOutcome: () => '', testSource: () => '' };

/**
 * The offline model's use of its tools, on top of what it decided to say (`planned`,
 * the calls of a one-step model). Deterministic: the same request gives the same calls.
 */
export function actWithTools(request: ProviderRequest, view: PromptView, planned: OfflineCall[], results: SeenResult[] = resultsOf(request)): OfflineCall[] {
  // A call of a tool a task named comes before anything is said or saved (named-tools.ts).
  if (planned.some((call) => !isSend(call) && call.name !== 'remember')) return planned.filter((call) => !isSend(call) && call.name !== 'remember');
  if (view.tools.has('hire_agent')) {
    const item = view.inbox.find((candidate) => asksToHire(candidate) && candidate.from !== 'lemming');
    if (item) return hire(view, item, results);
  }
  if (view.tools.has('write_file')) return writeThenSend(view, planned, results);
  return planned;
}
