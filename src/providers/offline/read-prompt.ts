import {
  parseMemoryMarkup,
  parseMessageMarkup,
  parseTurnLine,
  PROMPT_LABELS,
  type InboxItemMarkup,
} from '../../mailbox/prompt-markup.js';
import type { ProviderRequest } from '../provider.js';

/** What the offline model understands of its prompt. */
export interface PromptView {
  self: string;
  title: string;
  /** The tools the request offers. */
  tools: Set<string>;
  manager?: string;
  team: Array<{ name: string; title: string }>;
  /** Whom it may send to, in the order the prompt lists them (the order its chart entry gives). */
  sendTo: Set<string>;
  memory: Map<string, string>;
  inbox: InboxItemMarkup[];
  turn: number;
}

function labelledLine(text: string, label: string): string | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(label));
  return line?.slice(label.length).trim();
}

/** Read the offline model's view of the org and its mail from a request, as a real model would read its prompt. */
export function readPrompt(request: ProviderRequest): PromptView {
  const system = request.system;
  const user = request.messages.filter((turn) => turn.role === 'user').map((turn) => turn.content).join('\n');
  const manager = labelledLine(system, PROMPT_LABELS.manager);
  const sendTo = labelledLine(system, PROMPT_LABELS.sendTo) ?? '';
  const team: PromptView['team'] = [];
  const teamStart = system.indexOf(`\n${PROMPT_LABELS.team}\n`);
  if (teamStart >= 0) {
    for (const line of system.slice(teamStart + PROMPT_LABELS.team.length + 2).split('\n')) {
      const match = /^- ([a-z][a-z0-9_-]*): (.*)$/.exec(line);
      if (!match) break;
      team.push({ name: match[1] ?? '', title: match[2] ?? '' });
    }
  }
  const self = labelledLine(system, PROMPT_LABELS.self) ?? request.agent;
  const view: PromptView = {
    self,
    title: /^You are [^,]+, (.+), in the organisation /m.exec(system)?.[1] ?? self,
    tools: new Set(request.tools.map((tool) => tool.name)),
    team,
    sendTo: new Set(sendTo.split(',').map((name) => name.trim()).filter((name) => name !== '' && name !== '(nobody)')),
    memory: parseMemoryMarkup(system),
    inbox: parseMessageMarkup(user),
    turn: parseTurnLine(user),
  };
  if (manager && manager !== '(nobody)') view.manager = manager;
  return view;
}
