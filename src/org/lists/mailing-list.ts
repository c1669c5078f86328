import { statSync } from 'node:fs';
import { loadEditedFile, MAX_ORG_YAML_BYTES, parseEdited, readEditedFile } from '../../editable/edited-file.js';
import { parseYamlSource } from '../../editable/yaml-source.js';
import type { Problem } from '../../errors.js';
import { keptByStamp } from '../../editable/kept-by-stamp.js';
import { readFieldsOf, unreadYamlFiles, yamlNamesIn } from '../../editable/named-yaml-files.js';
import { isValidAgentName } from '../names.js';
import type { FileChanges } from '../check-candidate.js';
import type { Org } from '../org.js';
import { quoteName } from '../../mailbox/message-text.js';

/** Where mailing lists live, relative to the org root: one YAML file a list, named for it. */
export const LISTS_FOLDER = 'org/lists';

/** Who a list lets do something: its members, everyone, or the names given. */
export type ListAudience = 'members' | '*' | ReadonlySet<string>;

/**
 * A mailing list (`org/lists/<name>.yaml`): a name of the chart like an agent's, that an agent with
 * an edge to it (`send_to`) and leave to post (`may_post`) writes to; each member reads the post, by
 * the list's rule rather than its own `read_from`. A post is one file in the poster's outbox.
 */
export interface MailingList {
  name: string;
  /** The file, relative to the org root. */
  file: string;
  /** Who reads each post, in the order written. */
  members: readonly string[];
  /** Who may post (default: its members). */
  mayPost: ListAudience;
  /** Who may open a post by id later, members or not (default: its members). */
  archive: ListAudience;
  description?: string;
}

/** How many members one list may have: a post waits once for each, so a bound keeps a post's delivery bounded. */
export const MAX_LIST_MEMBERS = 100_000;

const FIELDS = ['description', 'members', 'may_post', 'archive'];

export const LIST_EXAMPLE = ['description: Everyone in the release team', 'members: [planner, coder_01, hr]', 'may_post: members    # or "*", or a list of names', 'archive: members     # who may read old posts by id'].join('\n');

/** The file of the list `name`. */
export function listFile(name: string): string {
  return `${LISTS_FOLDER}/${name}.yaml`;
}

/** Whether `org/lists/<name>.yaml` exists: a name of the chart that is a list, not a missing agent. One `stat`. */
export function isListName(root: string, name: string): boolean {
  return isValidAgentName(name) && statSync(`${root}/${listFile(name)}`, { throwIfNoEntry: false })?.isFile() === true;
}

/** The names of the org's lists, in name order (for `validate` and the docs): the files under org/lists/ whose names pass the name rule. */
export function listNames(root: string): string[] {
  return yamlNamesIn(`${root}/${LISTS_FOLDER}`);
}

/** What loading one list gives: the list when the file is valid, and every problem (the file, the field, a valid example). */
export interface LoadedList {
  list?: MailingList;
  problems: Problem[];
}

/** Per file, in this process, with whether an agent has its name: a turn's posts to one list read it once. */
const loaded = keptByStamp<LoadedList>();

/**
 * The list `name` of the org at `root`, read through the one loader of editable files; undefined
 * when there is no such file. A file unchanged since it was last read (its size and time) is not
 * read again. A list named like an agent of the org is refused: names are shared, and the agent's wins.
 */
export function loadMailingList(root: string, org: { agents: Pick<Org['agents'], 'has'> }, name: string): LoadedList | undefined {
  if (!isValidAgentName(name)) return undefined;
  const file = listFile(name);
  const path = `${root}/${file}`;
  const isAgent = org.agents.has(name);
  return loaded(path, isAgent, () => {
    const read = loadEditedFile(path, file, MAX_ORG_YAML_BYTES, (text) => parseMailingList(text, name), root);
    return 'missing' in read ? undefined : namedApart(read, name, isAgent);
  });
}

/** A list's file as read, refused when an agent has its name (names are shared, and the agent's wins). */
function namedApart(read: LoadedList | { problems: Problem[] }, name: string, isAgent: boolean): LoadedList {
  const result: LoadedList = 'list' in read ? { ...(read as LoadedList) } : { problems: read.problems };
  if (isAgent) {
    result.problems = [...result.problems, { file: listFile(name), message: `is a list named ${name}, but ${name} is an agent of this org; lists and agents share one set of names (rename the file)`, severity: 'error' }];
    delete result.list;
  }
  return result;
}

/** Check the text of `org/lists/<name>.yaml`. Pure. */
export function parseMailingList(text: string, name: string): LoadedList {
  const file = listFile(name);
  const read = readFieldsOf(text, file, 'list', LIST_EXAMPLE, FIELDS, 'a map with `members:`');
  if ('problems' in read) return read;
  const { record, found, problem } = read;
  const members = names(record.members, 'members', problem);
  if (members !== undefined && members.length > MAX_LIST_MEMBERS) problem('members', `has ${members.length} names; a list has at most ${MAX_LIST_MEMBERS}`);
  const mayPost = audience(record.may_post, 'may_post', problem);
  const archive = audience(record.archive, 'archive', problem);
  if (record.description !== undefined && typeof record.description !== 'string') problem('description', 'must be one line of text');
  if (found.length > 0 || members === undefined || mayPost === undefined || archive === undefined) return { problems: found };
  const list: MailingList = { name, file, members, mayPost, archive };
  if (typeof record.description === 'string') list.description = record.description.trim();
  return { list, problems: [] };
}

function names(value: unknown, field: string, problem: (field: string, message: string) => void): string[] | undefined {
  if (!Array.isArray(value) || value.length === 0) {
    problem(field, `must be a list of agent names${value === undefined ? ' (it is missing)' : ''}, for example \`${field}: [planner, hr]\``);
    return undefined;
  }
  // Every name that is none, each at its place in the list (with its line): mended in one edit.
  let valid = true;
  value.forEach((item: unknown, index) => {
    if (isValidAgentName(item)) return;
    problem(`${field}.${index}`, `names ${quoteName(item)}, which is not an agent name (like "planner" or "coder_01")`);
    valid = false;
  });
  return valid ? [...new Set(value as string[])] : undefined;
}

function audience(value: unknown, field: string, problem: (field: string, message: string) => void): ListAudience | undefined {
  if (value === undefined || value === 'members') return 'members';
  if (value === '*') return '*';
  const list = names(value, field, (at, message) => problem(at, `${message}, or \`members\`, or "*"`));
  return list === undefined ? undefined : new Set(list);
}

/** Each list's members as a set, made once per loaded list. */
const memberSets = new WeakMap<MailingList, ReadonlySet<string>>();

/** Whether `name` is a member of `list`. */
export function isMember(list: MailingList, name: string): boolean {
  let set = memberSets.get(list);
  if (!set) memberSets.set(list, (set = new Set(list.members)));
  return set.has(name);
}

/** Whether `name` is one of those `audience` lets in, given the list's members. */
export function inAudience(list: MailingList, audience: ListAudience, name: string): boolean {
  if (audience === '*') return true;
  if (audience === 'members') return isMember(list, name);
  return audience.has(name);
}

/** The lists `name` is a member of, in name order: whose posts it reads. No lists folder, no list. */
export function listsWithMember(root: string, org: Pick<Org, 'agents'>, name: string): string[] {
  return listNames(root).filter((list) => {
    const found = loadMailingList(root, org, list)?.list;
    return found !== undefined && isMember(found, name);
  });
}

/** Whether `reader` may open a post to the list by id: a member (it was delivered to them), or one its `archive:` lets in. */
export function mayReadList(root: string, org: Pick<Org, 'agents'>, list: string, reader: string): boolean {
  const found = loadMailingList(root, org, list)?.list;
  return found !== undefined && opensPosts(found, reader);
}

/** Whether `reader` may open the posts of `list` by id: a member, or one its `archive:` lets in. */
export function opensPosts(list: MailingList, reader: string): boolean {
  return isMember(list, reader) || inAudience(list, list.archive, reader);
}

/** What a name that is no agent means in each field of a list: as a stranger (it may join), and as a list (lists do not nest). */
const NOT_AN_AGENT: Record<'members' | 'may_post' | 'archive', { stranger: string; list: string }> = {
  members: { stranger: 'that name reads nothing until it joins', list: 'lists do not nest, so it reads nothing; name its members instead, like `members: [planner, coder_01, hr]`' },
  may_post: { stranger: 'that name may post only once it joins', list: 'a list never posts, so it lets no one post; name who may instead, like `may_post: [manager, planner]`' },
  archive: { stranger: 'that name opens no post until it joins', list: 'lists do not nest, so it lets no one in; name who may instead, like `archive: [planner, coder_01]`' },
};

/** The names of each field of `list` that are no agent of the org, with their place in the field. */
function namesNotAgents(list: MailingList, org: Pick<Org, 'agents'>): { field: keyof typeof NOT_AN_AGENT; index: number; name: string }[] {
  const given = (audience: ListAudience) => (typeof audience === 'string' ? [] : [...audience]);
  const fields = { members: [...list.members], may_post: given(list.mayPost), archive: given(list.archive) };
  return (Object.keys(fields) as (keyof typeof fields)[]).flatMap((field) => fields[field].flatMap((name, index) => (org.agents.has(name) ? [] : [{ field, index, name }])));
}

/**
 * Every problem of the org's lists, for `lemming validate`: each file's own, and a name in `members`,
 * `may_post` or `archive` that is no agent of the org (a warning with its line: that name reads, posts
 * or opens nothing until it joins; a list, nothing ever). `changed` gives the text a change would leave
 * a list file with (null: removed): a proposal is checked on the lists it would make.
 */
export function mailingListProblems(root: string, org: Pick<Org, 'agents'>, changed?: FileChanges): Problem[] {
  const problems: Problem[] = unreadYamlFiles(root, LISTS_FOLDER, 'a mailing list', 'team');
  for (const name of listNames(root)) {
    const file = listFile(name);
    const text = changed?.get(file);
    if (text === null) continue;
    const loaded = text === undefined ? loadMailingList(root, org, name) : namedApart(parseEdited(file, () => parseMailingList(text, name)), name, org.agents.has(name));
    if (!loaded) continue;
    problems.push(...loaded.problems);
    const strangers = loaded.list ? namesNotAgents(loaded.list, org) : [];
    if (strangers.length === 0) continue;
    // Lines only for a file that has a warning: the list kept in memory holds names, not its source.
    const source = textOf(root, file, text);
    const lineOf = source === undefined ? undefined : parseYamlSource(source, file).source?.lineOf;
    for (const { field, index, name: member } of strangers) {
      const line = lineOf?.([field, index]);
      // A list and an agent never share a name, so a list named here will never read or post: say so, not "until it joins".
      const message = isListName(root, member)
        ? `names ${quoteName(member)}, which is the mailing list ${listFile(member)}, not an agent: ${NOT_AN_AGENT[field].list}`
        : `names ${quoteName(member)}, which is not an agent of this org; ${NOT_AN_AGENT[field].stranger}`;
      problems.push({ file, ...(line === undefined ? {} : { line }), field: `${field}.${index}`, message, severity: 'warning' });
    }
  }
  return problems;
}

/** The text of a list's file: the one a change would leave, else the file's own, through the one read of edited files. */
function textOf(root: string, file: string, changed: string | undefined): string | undefined {
  if (changed !== undefined) return changed;
  const read = readEditedFile(`${root}/${file}`, file, MAX_ORG_YAML_BYTES, root);
  return 'text' in read ? read.text : undefined;
}
