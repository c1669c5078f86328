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
import { labelledLine, systemText } from './system-text.js';

/** What the offline model understands of its prompt. */
export interface PromptView {
  /** The system prompt as read: the names its send-to line lists are in `sendTo`, not here (see system-text.ts). */
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
  memory: Map<string, string>;
  /** The memories of its stream the engine retrieved for this call, best first (none when it keeps no stream). */
  recalled: RecalledMarkup[];
  inbox: InboxItemMarkup[];
  turn: number;
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
  return view;
}
