import {
  parseMemoryMarkup,
  parseMessageMarkup,
  parseRecalledMarkup,
  parseTurnLine,
  PROMPT_LABELS,
  type InboxItemMarkup,
  type RecalledMarkup,
} from '../../mailbox/prompt-markup.js';
import type { ProviderRequest } from '../provider.js';

/** What the offline model understands of its prompt. */
export interface PromptView {
  /**
   * The system prompt as read: where the engine gave its parts, the names its send-to line lists are
   * in `sendTo` and not here; where it is read whole (no parts, see systemText), they are here too.
   */
  system: string;
  self: string;
  title: string;
  /** Its instructions, as its resume words them (between the prompt's first line and its first section). */
  instructions: string;
  /** The tools the request offers. */
  tools: Set<string>;
  manager?: string;
  /** Its team as the prompt lists them; `canHire` for those marked as proposing hires (PROMPT_LABELS.canHire). */
  team: Array<{ name: string; title: string; canHire?: boolean }>;
  /** Whom it may send to, each with its place in the prompt's list (the order its chart entry gives). Shared: not to be changed. */
  sendTo: ReadonlyMap<string, number>;
  /** The mailing lists it may post to (PROMPT_LABELS.lists), when the prompt names any. */
  lists?: ReadonlySet<string>;
  memory: Map<string, string>;
  /** The memories of its stream the engine retrieved for this call, best first (none when it keeps no stream). */
  recalled: RecalledMarkup[];
  inbox: InboxItemMarkup[];
  turn: number;
}

/** The system prompt as the offline model reads it: its text with the names of its send-to line left out, and those names. */
interface SystemText {
  /** The prompt, its send-to line cut after its label: what every other part of the view is read from. */
  text: string;
  /** The rest of the send-to line (the names, comma-separated), trimmed; '' when there is none. */
  sendTo: string;
}

/** The rest of the first line that begins with `label`, found without splitting the prompt into lines. */
function labelledLine(text: string, label: string): string | undefined {
  const found = text.startsWith(label) ? 0 : text.indexOf(`\n${label}`);
  if (found < 0) return undefined;
  const start = (found === 0 && text.startsWith(label) ? 0 : found + 1) + label.length;
  const end = text.indexOf('\n', start);
  return text.slice(start, end < 0 ? undefined : end).trim();
}

/** Where a part's send-to line lists its names: from the end of its label to the end of the line (or of the part). */
interface SendToLine {
  part: string;
  atLineStart: boolean;
  start: number;
  end: number;
  names: string;
}

/** A part this long is looked at once and kept: the org's one list of everyone, shared by every prompt of those who may write to all. */
const KEPT_PART_CHARS = 256;
const KEPT_PARTS = 8;
const keptParts: SendToLine[] = [];

/** The send-to line in one part that starts a line when `atLineStart`, or undefined. */
function sendToLineIn(part: string, atLineStart: boolean): SendToLine | undefined {
  const long = part.length >= KEPT_PART_CHARS;
  // The same text object as a kept one compares at once; another of the same length is compared as text.
  if (long) for (const kept of keptParts) if (kept.atLineStart === atLineStart && kept.part.length === part.length && kept.part === part) return kept;
  const label = PROMPT_LABELS.sendTo;
  const found = atLineStart && part.startsWith(label) ? 0 : part.indexOf(`\n${label}`);
  if (found < 0) return undefined;
  const start = (found === 0 && atLineStart && part.startsWith(label) ? 0 : found + 1) + label.length;
  const newline = part.indexOf('\n', start);
  const end = newline < 0 ? part.length : newline;
  const line = { part, atLineStart, start, end, names: part.slice(start, end).trim() };
  if (long) {
    if (keptParts.length >= KEPT_PARTS) keptParts.shift();
    keptParts.push(line);
  }
  return line;
}

/**
 * Whether what is read across lines ends before a cut after `before`: the instructions (up to the
 * first `## ` section, which the engine's prompt opens before the list) and a `<memory>` element.
 */
function readAround(before: string): boolean {
  const firstLine = before.indexOf('\n');
  return firstLine >= 0 && before.includes('\n## ', firstLine) && !before.includes('<memory');
}

/**
 * The system prompt read from the texts it was joined from (ProviderRequest.systemParts), where the
 * engine gave them: the send-to line's names are taken from their part, and the rest of the prompt
 * is joined without them. At 100,000 agents who may all write to everyone, each prompt holds the same
 * list of 100,000 names (1.1 MB): read from the joined prompt, every call copied it whole (a turn of
 * 1,000 calls some 1.5 s and 1.1 GB); read from its part, it is looked at once. The view is the one
 * the joined prompt gives: names hold no line break, `<` or space, so no other part of the view can
 * be found inside them; where the instructions or a `<memory>` element run on past the list's line
 * (readAround), or the line runs on into the next part, the joined prompt is read instead. Pure,
 * but for the few long parts it keeps.
 */
function systemText(request: Pick<ProviderRequest, 'system' | 'systemParts'>): SystemText {
  const whole = (): SystemText => ({ text: request.system, sendTo: labelledLine(request.system, PROMPT_LABELS.sendTo) ?? '' });
  const parts = request.systemParts;
  if (!parts || parts.reduce((length, part) => length + part.length, 0) !== request.system.length) return whole();
  let text = '';
  let sendTo: string | undefined;
  let atLineStart = true;
  for (let index = 0; index < parts.length; index += 1) {
    const part = parts[index] as string;
    const line = sendTo === undefined ? sendToLineIn(part, atLineStart) : undefined;
    if (line) {
      const before = text + part.slice(0, line.start);
      const next = parts.slice(index + 1).find((later) => later.length > 0);
      if (!readAround(before) || (line.end === part.length && next !== undefined && !next.startsWith('\n'))) return whole();
      sendTo = line.names;
      text = before + part.slice(line.end);
    } else {
      text += part;
    }
    if (part.length > 0) atLineStart = part.endsWith('\n');
  }
  return { text, sendTo: sendTo ?? '' };
}

/** A list this long is parsed once and kept: shorter ones cost less to parse than to look up. */
const KEPT_LIST_CHARS = 256;
/** How many long lists are kept: an org has one list of everyone, and a few long chart entries. */
const KEPT_LISTS = 8;
const keptLists: Array<{ line: string; names: ReadonlyMap<string, number> }> = [];

/**
 * The names on a send-to line, each with its place. In an org where everyone may write to
 * everyone, each of N prompts holds the same line of N names: parsed for every call, a turn of
 * the offline model grew with N² (2,500 agents: 6.7 s a turn). A long line is parsed once.
 */
function sendToNames(line: string): ReadonlyMap<string, number> {
  const long = line.length >= KEPT_LIST_CHARS;
  if (long) {
    const kept = keptLists.find((entry) => entry.line.length === line.length && entry.line === line);
    if (kept) return kept.names;
  }
  const names = new Map<string, number>();
  for (const part of line.split(',')) {
    const name = part.trim();
    if (name !== '' && name !== '(nobody)' && !names.has(name)) names.set(name, names.size);
  }
  if (long) {
    if (keptLists.length >= KEPT_LISTS) keptLists.shift();
    keptLists.push({ line, names });
  }
  return names;
}

/** The resume's instructions: after the prompt's first line ("You are …"), before its first `## ` section. */
function instructionsOf(system: string): string {
  const start = system.indexOf('\n');
  if (start < 0) return '';
  const end = system.indexOf('\n## ', start);
  return system.slice(start, end < 0 ? undefined : end).trim();
}

/** Read the offline model's view of the org and its mail from a request, as a real model would read its prompt. */
export function readPrompt(request: ProviderRequest): PromptView {
  // Its own parts, and the list of names it may write to from where it is (see systemText).
  const { text: system, sendTo } = systemText(request);
  const user = request.messages.filter((turn) => turn.role === 'user').map((turn) => turn.content).join('\n');
  const manager = labelledLine(system, PROMPT_LABELS.manager);
  const team: PromptView['team'] = [];
  const teamStart = system.indexOf(`\n${PROMPT_LABELS.team}\n`);
  if (teamStart >= 0) {
    for (const line of system.slice(teamStart + PROMPT_LABELS.team.length + 2).split('\n')) {
      const match = /^- ([a-z][a-z0-9_-]*): (.*)$/.exec(line);
      if (!match) break;
      const title = match[2] ?? '';
      const canHire = title.endsWith(` ${PROMPT_LABELS.canHire}`);
      team.push({ name: match[1] ?? '', title: canHire ? title.slice(0, -PROMPT_LABELS.canHire.length - 1) : title, ...(canHire ? { canHire } : {}) });
    }
  }
  const self = labelledLine(system, PROMPT_LABELS.self) ?? request.agent;
  const view: PromptView = {
    system,
    self,
    title: /^You are [^,]+, (.+), in the organisation /m.exec(system)?.[1] ?? self,
    instructions: instructionsOf(system),
    tools: new Set(request.tools.map((tool) => tool.name)),
    team,
    sendTo: sendToNames(sendTo),
    memory: parseMemoryMarkup(system),
    recalled: parseRecalledMarkup(user),
    inbox: parseMessageMarkup(user),
    turn: parseTurnLine(user),
  };
  if (manager && manager !== '(nobody)') view.manager = manager;
  const lists = labelledLine(system, PROMPT_LABELS.lists);
  if (lists) view.lists = new Set(lists.split(',').map((name) => name.trim()).filter((name) => name !== ''));
  return view;
}
