import { problemOnOneLine } from '../../errors.js';
import type { DeliveryForm } from '../../format/mail-outcomes.js';
import { recipientsOf, type Message } from '../../mailbox/message.js';
import { quoteName } from '../../mailbox/message-text.js';
import { inAudience, isListName, isMember, loadMailingList, opensPosts, type MailingList } from './mailing-list.js';
import { isValidAgentName } from '../names.js';
import type { Org } from '../org.js';
import { checkEdge, directReports, reachableFrom, type Verdict } from '../permissions.js';

/**
 * Why a message from `sender` may not reach `name`, or undefined when it may. One rule for a
 * model's send (interpret-response.ts) and a file found in an outbox (discover-mail.ts): the name
 * rule; then, for an agent, both ends of the chart's edge (checkEdge); for a mailing list
 * (org/lists/<name>.yaml), the sender's edge to the list (`send_to`) and the list's `may_post`.
 */
export function recipientProblem(org: Org, sender: string, name: string): string | undefined {
  if (!isValidAgentName(name)) return `${quoteName(name)} is not an agent name; names are like "planner" or "coder_01", with no slashes or dots`;
  // The common case costs what it always did: an agent's name never looks for a list.
  if (org.agents.has(name)) return reasonOf(checkEdge(org, sender, name));
  const loaded = loadMailingList(org.root, org, name);
  if (!loaded) return reasonOf(checkEdge(org, sender, name));
  if (!loaded.list) return `the list ${name} cannot be used until its file is fixed (org/lists/${name}.yaml: ${problemOnOneLine(loaded.problems[0]?.message ?? 'it has a problem')})`;
  const poster = org.agents.get(sender);
  if (!poster) return `${sender} is not an agent of this org`;
  if (poster.sendTo !== '*' && !poster.sendTo.has(name)) return `${sender} may not send to the list ${name} (chart.yaml: agents.${sender}.send_to)`;
  if (!inAudience(loaded.list, loaded.list.mayPost, sender)) return `${sender} may not post to the list ${name} (org/lists/${name}.yaml: may_post)`;
  return undefined;
}

/**
 * Why a message from `sender` to `names` may not be read by `reader` now, or undefined when it may: the
 * chart and the lists asked again when waiting mail is read, or a message opened by id, as they were
 * when it was sent (either may have changed since). A reader the message names needs its own edge; one
 * reached through a list only, a list of the message the poster may still post to and that still lets
 * it read: as a member for waiting mail, as a member or one its `archive:` names `by-id`. Mail from an
 * agent that has left is read as it was let through.
 */
export function readerProblem(org: Org, sender: string, reader: string, names: readonly string[], lists: ListsNow = listsAsFound(org), reading: ListReading = 'waiting'): string | undefined {
  if (!org.agents.has(sender)) return undefined;
  const throughLists = names.includes(reader) ? [] : names.filter((name) => !org.agents.has(name));
  if (throughLists.length === 0) return recipientProblem(org, sender, reader);
  let reason: string | undefined;
  for (const name of throughLists) {
    const list = lists(name);
    const problem = list !== undefined && !readsList(list, reader, reading) ? notReaderOf(list, reader, reading) : recipientProblem(org, sender, name);
    if (problem === undefined) return undefined;
    reason ??= problem;
  }
  return reason;
}

/** How a reader reached through a list reads a post: as mail waiting for it (`waiting`: members only), or opened by id (`by-id`: members and the list's `archive:`). */
export type ListReading = 'waiting' | 'by-id';

function readsList(list: MailingList, reader: string, reading: ListReading): boolean {
  return reading === 'waiting' ? isMember(list, reader) : opensPosts(list, reader);
}

function notReaderOf(list: MailingList, reader: string, reading: ListReading): string {
  const file = `org/lists/${list.name}.yaml`;
  return reading === 'waiting' ? `${reader} is no longer a member of the list ${list.name} (${file}: members)` : `${reader} is no longer a member of the list ${list.name} nor named by its archive (${file}: members, archive)`;
}

/** A list's members as a reader's mail is checked against them: `org/lists/<name>.yaml` as it is now. */
export type ListsNow = (name: string) => MailingList | undefined;

/** Each list as its file is now, looked at on each ask (one `stat`: lists/mailing-list.ts, loadMailingList). */
function listsAsFound(org: Org): ListsNow {
  return (name) => loadMailingList(org.root, org, name)?.list;
}

/**
 * Each list as its file is now, looked at once for all the asks of one plan: a turn where every agent
 * posts to its list of ten asks for each post nine times (once for each member reading it), and the
 * files cannot change under a plan that reads them in one go.
 */
export function listsOfOnePlan(org: Org): ListsNow {
  const found = new Map<string, MailingList | undefined>();
  const look = listsAsFound(org);
  return (name) => {
    if (!found.has(name)) found.set(name, look(name));
    return found.get(name);
  };
}

/** readerProblem for one reader, as opening a message by id asks it (mailbox/readable-mail.ts, mayRead and openMail): a list's archive reads too; `lists` as readerProblem takes them. */
export function readerCheckOf(org: Org, reader: string, lists?: ListsNow): (sender: string, message: Pick<Message, 'to' | 'alsoTo' | 'cc'>) => string | undefined {
  return (sender, message) => readerProblem(org, sender, reader, recipientsOf(message), lists, 'by-id');
}

/**
 * The names of a message from `sender` that recipientProblem refuses, each with its reason: empty when
 * the message may go. A message reaches all its names or none (its one file is one delivery, and a
 * copy the chart refuses must not be readable by id from it), so with several names each reason says
 * the message went to no one. One rule for a model's send, a file found in an outbox and the human's inbox.
 */
export function refusedNames(org: Org, sender: string, names: readonly string[]): RefusedName[] {
  // A loop rather than a flatMap of a list for each name: asked of every message of a turn, nearly all refused nothing.
  const refused: RefusedName[] = [];
  for (const name of names) {
    const reason = recipientProblem(org, sender, name);
    if (reason === undefined) continue;
    const unknown = !org.agents.has(name) && !isListName(org.root, name);
    refused.push({ name, reason: names.length > 1 ? `${reason}; the message went to no one (it reaches all its names or none)` : reason, unknown });
  }
  return refused;
}

/** A name refusedNames refuses: why, and whether it names nothing at all (no agent, no list), a mistake of the writer's rather than the chart's. */
export interface RefusedName {
  name: string;
  reason: string;
  unknown: boolean;
}

/** What finding a message's readers needs of an org: its root (for its lists) and its agents' names. */
export interface OrgNames {
  root: string;
  agents: Pick<Org['agents'], 'has'>;
}

/** A reader of a message and the form it was reached by (src/format/mail-outcomes.ts). */
export interface Delivery {
  reader: string;
  form: DeliveryForm;
}

/**
 * Everyone who reads a message from `sender` (already let through by recipientProblem), each with the
 * form that reached it: a message to one agent is `direct`; with several names, each of `to:` is `to`
 * and each of `cc:` a `cc`; each member of a list named, in either, `list`. Once each, in the order
 * written (a reader named twice is reached by its first form), never the sender itself, and only agents
 * of the org (a member who left reads nothing). The human is among them when named. The one rule of
 * who reads a message and how: the engine's delivery, the analysis and the dashboard all ask it.
 */
export function deliveriesOf(org: OrgNames, sender: string, message: Pick<Message, 'to' | 'alsoTo' | 'cc'>): Delivery[] {
  const alone = recipientsOf(message).length === 1;
  if (alone && org.agents.has(message.to)) return [{ reader: message.to, form: 'direct' }];
  const deliveries: Delivery[] = [];
  const seen = new Set<string>();
  const reach = (reader: string, form: DeliveryForm): void => {
    if (seen.has(reader)) return;
    seen.add(reader);
    deliveries.push({ reader, form });
  };
  const named = (name: string, form: DeliveryForm): void => {
    if (org.agents.has(name)) return reach(name, form);
    const list = loadMailingList(org.root, org, name)?.list;
    for (const member of list?.members ?? []) if (member !== sender && org.agents.has(member)) reach(member, 'list');
  };
  const addressed = [message.to, ...(message.alsoTo ?? [])];
  for (const name of addressed) named(name, alone ? 'direct' : 'to');
  for (const name of message.cc ?? []) if (!addressed.includes(name)) named(name, 'cc');
  return deliveries;
}

/**
 * Everyone who reads a message from `sender` to `names` (to: and cc: together), once each, in the order
 * written: deliveriesOf's readers, without their forms. The engine keeps no waiting mail for a person.
 */
export function readersOf(org: OrgNames, sender: string, names: readonly string[]): readonly string[] {
  // A message to one agent, nearly every message: no set, no copy.
  if (names.length === 1 && org.agents.has(names[0] as string)) return names;
  const [to = '', ...others] = names;
  return deliveriesOf(org, sender, { to, ...(others.length > 0 ? { alsoTo: others } : {}) }).map((delivery) => delivery.reader);
}

/** Each list's members as a set, made once a list (a list is a new object whenever its file changed). */
const memberSets = new WeakMap<object, ReadonlySet<string>>();

/**
 * Who of those that report to `reader` (its team, whom it hands work to) read a message to `names`
 * through a list among them: its members in the team's order, never the sender. A model shown a post
 * needs this to hand the post's task to no one who has it already (the offline model's rule,
 * docs/offline-model.md). Bounded by the team, so a prompt grows by its team at most, and a reader
 * with no team is told nothing. Empty when no name is a list.
 */
export function teamOnLists(org: Org, reader: string, sender: string, names: readonly string[]): string[] {
  const team = directReports(org, reader);
  if (team.length === 0) return [];
  const sets: Array<ReadonlySet<string>> = [];
  for (const name of names) {
    if (org.agents.has(name)) continue;
    const list = loadMailingList(org.root, org, name)?.list;
    if (!list) continue;
    let members = memberSets.get(list);
    if (!members) {
      members = new Set(list.members);
      memberSets.set(list, members);
    }
    sets.push(members);
  }
  if (sets.length === 0) return [];
  return team.filter((name) => name !== sender && sets.some((members) => members.has(name)));
}

function reasonOf(verdict: ReturnType<typeof checkEdge>): string | undefined {
  return verdict.allowed ? undefined : verdict.reason;
}

/**
 * The mailing lists `sender` may post to, in the order its `send_to` names them: the names of its
 * `send_to` that are no agent's and that recipientProblem lets through. An agent whose `send_to` is
 * `"*"` is shown none (it may still post to a list it is told of): listing the folder for every
 * prompt of an org where everyone writes to everyone is not worth it.
 */
export function postableLists(org: Org, sender: string): string[] {
  const sendTo = org.agents.get(sender)?.sendTo;
  if (sendTo === undefined || sendTo === '*') return [];
  const lists: string[] = [];
  for (const name of sendTo) if (!org.agents.has(name) && recipientProblem(org, sender, name) === undefined) lists.push(name);
  return lists;
}

/** Whom `sender` may write to: the agents both ends of the chart let it reach, then the lists it may post to (a person's chat and dashboard offer both). */
export function writableFrom(org: Org, sender: string): string[] {
  return [...reachableFrom(org, sender), ...postableLists(org, sender)];
}

/** recipientProblem as a verdict, for those that show one (the chat's `/to`). */
export function recipientVerdict(org: Org, sender: string, name: string): Verdict {
  const reason = recipientProblem(org, sender, name);
  return reason === undefined ? { allowed: true } : { allowed: false, reason };
}
