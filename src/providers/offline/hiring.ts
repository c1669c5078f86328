import type { InboxItemMarkup } from '../../mailbox/prompt-markup.js';
import { stripDelegation, stripReply, subjectOf, wholeTask, words } from './compose.js';
import type { PromptView } from './read-prompt.js';
import { fittingTemplate } from './fitting-template.js';
import { readHireRequest } from './hire-request.js';
import type { OfflineCall, SeenResult } from './tool-use.js';

/** What each kind of role does, by a word of its name: the title's second half. */
const DUTIES: Array<[RegExp, string]> = [
  [/^(engineer|developer|programmer|coder|dev)$/, 'writes and tests code'],
  [/^(tester|qa)$/, 'checks the work before it ships'],
  [/^(writer|editor)$/, 'writes the documentation'],
  [/^(analyst|scientist)$/, 'looks into the data and says what it shows'],
  [/^(designer)$/, 'designs what the team builds'],
  [/^(support)$/, 'answers the questions of the people we serve'],
  [/^(manager|lead)$/, 'leads the work of a team'],
  [/^(recruiter)$/, 'finds the people the team needs'],
];

/** True when a message asks for someone to be hired ("hire a tester", "Could we get a tester on the team?"), not for work about hiring. */
export function asksToHire(item: Pick<InboxItemMarkup, 'subject' | 'body'>): boolean {
  return readHireRequest(`${item.subject ?? ''}\n${stripDelegation(item.body)}`) !== undefined;
}

/** The title a hire of this role is proposed with: the role as asked for, then what such a person does. */
export function roleTitle(role: string): string {
  const name = `${role.charAt(0).toUpperCase()}${role.slice(1)}`;
  const duty = role
    .split(' ')
    .reverse()
    .map((word) => DUTIES.find(([pattern]) => pattern.test(word))?.[1])
    .find((found) => found !== undefined);
  return `${name}: ${duty ?? 'helps the team with what it needs'}`;
}

/** The first `<role>_NN` not in a list_agents answer, from 01: `backend_engineer_01`, or `coder_02` beside coder_01. */
export function freeName(role: string, listing: string): string {
  const stem = role.replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '').slice(0, 40) || 'assistant';
  const taken = new Set([...listing.matchAll(/^- ([a-z][a-z0-9_-]*):/gm)].map((match) => match[1]));
  for (let number = 1; ; number += 1) {
    const name = `${stem}_${String(number).padStart(2, '0')}`;
    if (!taken.has(name)) return name;
  }
}

/**
 * Asked to hire, an agent with `hire_agent` looks at who is there, proposes a colleague for
 * the role asked for (named from `_01`, reporting to its own manager, with a small budget from
 * its own credits, its instructions carrying the request whole), and tells the asker the
 * proposal waits for the human.
 */
export function hire(view: PromptView, item: InboxItemMarkup, results: readonly SeenResult[]): OfflineCall[] {
  const request = wholeTask(item.subject, item.body);
  const text = `${item.subject ?? ''}\n${stripDelegation(item.body)}`;
  const asked = readHireRequest(text) ?? { about: [] };
  const listed = results.find((result) => result.name === 'list_agents');
  const proposed = results.find((result) => result.name === 'hire_agent');
  const subject = `Re: ${stripReply(subjectOf(item.subject, item.body))}`;
  if (proposed) {
    const body = proposed.error ? `I could not propose the hire: ${proposed.content}` : `I proposed the hire. ${proposed.content.split(';')[0]}.`;
    return view.sendTo.has(item.from) ? [{ name: 'send_message', arguments: { to: item.from, subject, body, reply_to: item.id } }] : [];
  }
  if (!listed && view.tools.has('list_agents')) return [{ name: 'list_agents', arguments: {} }];
  const names = new Set([view.self, ...view.sendTo.keys(), ...view.team.map((member) => member.name), item.from]);
  const focus = [...words(text)].filter((word) => !names.has(word)).slice(0, 6).join(', ');
  const instructions = `You joined because ${item.from} asked: "${request}". Do the work your manager gives you${focus ? ` (it touched on: ${focus})` : ''} and report back when it is done.`;
  const template = fittingTemplate(asked, listed?.content ?? '');
  // Named as asked ("qa_person_01"); asked for only by what they will do, named after the template ("technical_writer_01").
  const role = asked.role ?? template?.replace(/-/g, ' ') ?? 'assistant';
  const name = freeName(role, listed?.content ?? '');
  const reportsTo = view.manager ?? item.from;
  // From a template: its title, budget and tools; the request's own words follow its instructions.
  if (template) return [{ name: 'hire_agent', arguments: { name, template, instructions, reports_to: reportsTo } }];
  return [{ name: 'hire_agent', arguments: { name, title: roleTitle(role), instructions, reports_to: reportsTo, credits: 0.05 } }];
}
