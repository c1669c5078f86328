import type { InboxItemMarkup } from '../../mailbox/prompt-markup.js';
import { stripDelegation, stripReply, subjectOf, wholeTask, words } from './compose.js';
import type { PromptView } from './read-prompt.js';
import { roleFit, stem } from './route-task.js';
import type { OfflineCall, SeenResult } from './tool-use.js';

/**
 * What opens a request to hire, in the wordings people use: "hire a …", "recruit …", "bring on
 * …", "we need another …", "add a … to the team", "staff up …". Work about hiring ("a hiring
 * plan") opens with none of them.
 */
const OPENERS: RegExp[] = [
  /\b(?:hire|recruit|onboard)\b/i,
  /\bbring (?:on|in)\b/i,
  /\bwe need(?= (?:another|a new|an extra|an additional|more|one more|two more|\d+ more)\b)/i,
  // "We need a tester": a/an before a word that names a role (not "we need a plan", nor "a lead on this").
  /\bwe need(?= an? (?:[a-z-]+ ){0,2}(?:engineer|developer|programmer|coder|tester|qa|writer|analyst|scientist|designer|reviewer|recruiter)s?\b)/i,
  /\badd(?= (?:a|an|another|one|two|\d+) [a-z -]+ to (?:the|our|my) team\b)/i,
  /\bstaff up\b/i,
];
/** Words between the opener and the role that say how many or what kind of opening, not the role. */
const FILLER = new Set('a an another one two three four five some more new extra additional the our my with us me please'.split(' '));
/** Words that end the role: what follows says why or where. */
const STOP = new Set('to for who that so and before after on in at by from this next team because since when if as asap soon now'.split(' '));

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

/** The role's last word in the singular: "engineers" is an "engineer". */
function singular(word: string): string {
  if (/ies$/.test(word) && word.length > 4) return `${word.slice(0, -3)}y`;
  if (/[^s]s$/.test(word) && word.length > 3) return word.slice(0, -1);
  return word;
}

/** The role a message asks to hire, in its own words ("backend engineer"), or undefined when it asks for no hire. */
export function hiringRole(text: string): string | undefined {
  for (const opener of OPENERS) {
    const match = opener.exec(text);
    if (!match) continue;
    const after = text.slice(match.index + match[0].length);
    const role: string[] = [];
    for (const part of after.split(/(\s+|[,.;:!?()"“”])/)) {
      // The role ends with its line.
      if (part.includes('\n')) break;
      if (/^\s*$/.test(part)) continue;
      if (/^[,.;:!?()"“”]$/.test(part)) break;
      const word = part.toLowerCase();
      if (!/^[a-z][a-z-]*$/.test(word) || STOP.has(word)) break;
      if (role.length === 0 && FILLER.has(word)) continue;
      role.push(word);
      if (role.length === 3) break;
    }
    if (role.length > 0) return [...role.slice(0, -1), singular(role[role.length - 1] ?? '')].join(' ');
    return 'assistant';
  }
  return undefined;
}

/** True when a message asks for someone to be hired ("hire a tester", "we need another tester"), not for work about hiring. */
export function asksToHire(item: Pick<InboxItemMarkup, 'subject' | 'body'>): boolean {
  return hiringRole(`${item.subject ?? ''}\n${stripDelegation(item.body)}`) !== undefined;
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
  const role = hiringRole(text) ?? 'assistant';
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
  const name = freeName(role, listed?.content ?? '');
  const reportsTo = view.manager ?? item.from;
  const template = fittingTemplate(role, listed?.content ?? '');
  // From a template: its title, budget and tools; the request's own words follow its instructions.
  if (template) return [{ name: 'hire_agent', arguments: { name, template, instructions, reports_to: reportsTo } }];
  return [{ name: 'hire_agent', arguments: { name, title: roleTitle(role), instructions, reports_to: reportsTo, credits: 0.05 } }];
}

/**
 * The agent template (as list_agents lists them: `- template tester: Tester: …`) whose name is a
 * word of the role asked for, "tester" for "a tester", "technical-writer" for "a writer"; among
 * several, the one whose title fits the role best (see roleFit). None when no name fits: a
 * "backend engineer" is not made a QA engineer because both are engineers. Pure.
 */
export function fittingTemplate(role: string, listing: string): string | undefined {
  const roleWords = [...words(role)];
  let best: { name: string; score: number } | undefined;
  for (const match of listing.matchAll(/^- template ([a-z][a-z0-9_-]*): (.*)$/gm)) {
    const name = match[1] ?? '';
    const named = name.split(/[_-]+/).some((part) => roleWords.some((word) => stem(word) === stem(part)));
    if (!named) continue;
    const score = roleFit(roleWords, name, match[2] ?? '');
    if (!best || score > best.score) best = { name, score };
  }
  return best?.name;
}
