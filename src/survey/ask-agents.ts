import { EXIT, LemmingError } from '../errors.js';
import { researchChargeFor } from '../engine/money/charge.js';
import { appendOutsideTurn, type ResearchLine } from '../engine/money/ledger.js';
import { readMemory } from '../engine/record/agent-memory.js';
import { stateTurn } from '../engine/record/state-store.js';
import { statePaths } from '../engine/record/state-paths.js';
import { buildPrompt, type InboxEntry } from '../engine/turn/build-prompt.js';
import { memoryLayerFor, type MemoryLayer } from '../engine/turn/prepare-call.js';
import { listMessageFiles, readMessageFile } from '../mailbox/message-file.js';
import { messageId, parseMessageFileName } from '../mailbox/message.js';
import { renderSurveyMarkup, type SurveyQuestion } from '../mailbox/survey-markup.js';
import { quoteName } from '../mailbox/message-text.js';
import type { Org } from '../org/org.js';
import type { PersonaValue } from '../org/schema.js';
import { liveProvider } from '../providers/create-provider.js';
import type { Provider, ProviderRequest, ProviderResponse } from '../providers/provider.js';
import type { ModelEntry } from '../org/schema.js';
import { keyLookup } from '../secrets/key-lookup.js';
import { seededOrder } from '../statistics/sampling.js';
import { parseAnswer, type ParsedAnswer } from './parse-answer.js';

/** Whom a question goes to: one agent, every agent, or the agents whose title names a role. */
export type Respondents = { agent: string } | { all: true } | { role: string };

/** One agent's answer: what it said, what was read of it, and what asking cost the research account. */
export interface SurveyAnswer extends ParsedAnswer {
  agent: string;
  model: string;
  /** The answer as the model wrote it. */
  raw: string;
  credits: number;
  /** Why there is no answer: the call failed. */
  error?: string;
  /** A choice question's choices in the order this agent was shown them (choiceOrder). */
  shown?: string[];
  /** The agent's persona (resume `persona:`), when it has one: what a survey's answers are cross-tabulated by. */
  persona?: Record<string, PersonaValue>;
  /**
   * The ids of the messages to the agent written in the turn it was asked after, that it had when
   * asked: mail of that turn not among them came after the question (self-consistency.ts).
   */
  received?: string[];
}

/** How many of an agent's latest messages (received and sent) a question shows it. */
export const RECENT_MAIL = 10;

/** The agents a question goes to, in name order; the human is never asked. Throws for none, naming valid ones. */
export function respondents(org: Org, who: Respondents): string[] {
  const agents = [...org.agents.values()].filter((agent) => !agent.isHuman).sort((left, right) => (left.name < right.name ? -1 : 1));
  if ('all' in who) return agents.map((agent) => agent.name);
  if ('agent' in who) {
    const agent = org.agents.get(who.agent);
    if (!agent || agent.isHuman) {
      throw new LemmingError('unknown-agent', `${quoteName(who.agent)} is not an agent the engine calls; ask one of ${agents.map((agent) => agent.name).join(', ')}, or --all`, { exitCode: EXIT.usage });
    }
    return [agent.name];
  }
  const role = who.role.toLowerCase();
  const found = agents.filter((agent) => agent.title.toLowerCase().includes(role) || agent.name.toLowerCase().includes(role));
  if (found.length === 0) {
    throw new LemmingError('no-such-role', `no agent's title or name holds ${JSON.stringify(who.role)}; the titles are: ${agents.map((agent) => `${agent.name} (${agent.title})`).join(', ')}`, { exitCode: EXIT.usage });
  }
  return found.map((agent) => agent.name);
}

interface MailFile {
  from: string;
  to: string;
  name: string;
  turn: number;
  seq: number;
}

/** Every message file an agent received or sent, by its name, oldest first. */
function mailOf(org: Org, agent: string): MailFile[] {
  return mailByAgent(org).get(agent) ?? [];
}

/**
 * Every message file of the org by the agents it concerns (its sender and its recipient), each agent's
 * oldest first: each outbox listed once, however many agents are asked (one listing per agent asked
 * was every outbox again, a million listings for a question to 1,000 people).
 */
function mailByAgent(org: Org): Map<string, MailFile[]> {
  const by = new Map<string, MailFile[]>();
  const add = (agent: string, file: MailFile): void => {
    const list = by.get(agent);
    if (list) list.push(file);
    else by.set(agent, [file]);
  };
  for (const sender of org.agents.keys()) {
    for (const name of listMessageFiles(org.root, sender)) {
      const parsed = parseMessageFileName(name);
      if (!parsed) continue;
      const file: MailFile = { from: sender, to: parsed.to, name, turn: parsed.turn, seq: parsed.seq };
      add(sender, file);
      if (parsed.to !== sender) add(parsed.to, file);
    }
  }
  for (const list of by.values()) list.sort((left, right) => left.turn - right.turn || left.seq - right.seq || (left.from < right.from ? -1 : 1));
  return by;
}

/** An agent's latest mail, received and sent, as already-read entries of its prompt, oldest first. */
function recentMail(org: Org, agent: string, found: readonly MailFile[] = mailOf(org, agent)): InboxEntry[] {
  const entries: InboxEntry[] = [];
  for (const item of found.slice(-RECENT_MAIL)) {
    const read = readMessageFile(org.root, item.from, item.name, item.turn, org.settings.max_body_chars);
    if (!('message' in read)) continue;
    const message = read.message;
    entries.push({ id: message.id, from: message.from, turn: message.turn, priority: message.priority, body: message.to === agent ? message.body : `(you wrote this to ${message.to})\n${message.body}`, ...(message.subject ? { subject: message.subject } : {}) });
  }
  return entries;
}

/**
 * The order an agent is shown a question's choices in: a shuffle seeded by the question and the
 * agent, so the first-listed choice is not the same for everyone (an order effect then falls on
 * every choice alike across the agents asked), and the same agent is shown the same order each time
 * it is asked (a repeat or a retest changes nothing but the moment). Pure.
 */
export function choiceOrder(choices: readonly string[], agent: string, question: string): string[] {
  return seededOrder(choices, `choices:${question}:${agent}`);
}

/** The closing lines of a survey prompt: the question, and how to answer it. */
function closing(question: SurveyQuestion): string {
  const how = question.choices
    ? `Answer on the first line with exactly one of: ${question.choices.join(', ')}. Then say why in a sentence or two.`
    : question.number
      ? 'Answer on the first line with a number. Then say why in a sentence or two.'
      : 'Answer in a few sentences.';
  return `${renderSurveyMarkup(question)}\n${how}`;
}

/**
 * The request that puts the question to an agent: its resume, place in the chart and notes, its
 * latest mail (already read) and, with `memoryLayer`, the memories its stream holds for the question,
 * by the prompt builder its turns use; then the question. It offers no
 * tool, so the answer is text that changes nothing. Pure but for reading the agent's files.
 */
export function surveyRequest(org: Org, agent: string, question: SurveyQuestion, turn: number, mail?: readonly MailFile[], memoryLayer?: MemoryLayer): ProviderRequest {
  const member = org.agents.get(agent);
  if (!member) throw new LemmingError('unknown-agent', `${quoteName(agent)} is not in the org`);
  const modelKey = member.models[0] ?? '';
  const header = `A researcher studying this organisation asks you a question (after turn ${turn}). This is not mail: nobody in the organisation sees your answer, nothing is sent, your notes do not change, and no tool can be called. Your latest mail, already read, is below.`;
  // What its stream holds for the question, as the next turn's prompt would recall it for that question (by its words: no embedding is asked for). Not recorded as recalled.
  const recalled = member.memory && memoryLayer ? memoryLayer.recallFor(org.root, agent, member.memory, turn + 1, [question.text]) : undefined;
  const built = buildPrompt({ org, agent: member, modelKey, turn, inbox: recentMail(org, agent, mail), memory: readMemory(org.root, agent), reason: 'mail', header, closing: closing(question), ...(recalled ? { recalled } : {}) });
  return { ...built.request, tools: [] };
}

/**
 * Put a question to agents and collect their answers, with no side effect on the org: nothing is
 * delivered, no note or log of theirs changes. Each call is priced by the one charging rule and
 * written as a research line of the ledger (`purpose`: `ask`, `survey`), which no agent's balance
 * pays. Calls are made one after another, in name order, so the ledger's lines keep one order.
 */
export async function askAgents(
  org: Org,
  who: Respondents,
  question: SurveyQuestion,
  purpose: string,
  now: () => Date = () => new Date(),
  /** The model each call goes to (default: the registry entry's live provider); tests and programs pass their own. */
  providerFor?: (modelKey: string, entry: ModelEntry) => Provider,
): Promise<SurveyAnswer[]> {
  const names = respondents(org, who);
  const turn = stateTurn(statePaths(org.root).state);
  const lookup = keyLookup(org.root);
  const answers: SurveyAnswer[] = [];
  const lines: ResearchLine[] = [];
  const everyone = mailByAgent(org);
  // Loaded only for an org in which some agent keeps a memory stream (engine/turn/prepare-call.ts).
  const memoryLayer = await memoryLayerFor(org);
  for (const agent of names) {
    const mail = everyone.get(agent) ?? [];
    const persona = org.agents.get(agent)?.persona;
    const who = {
      ...(persona ? { persona: { ...persona } } : {}),
      ...(question.choices ? { shown: choiceOrder(question.choices, agent, question.text) } : {}),
      received: mail.filter((file) => file.to === agent && file.turn === turn).map((file) => messageId(file.turn, file.from, file.seq)),
    };
    const request = surveyRequest(org, agent, who.shown ? { ...question, choices: who.shown } : question, turn, mail, memoryLayer);
    const entry = org.models[request.modelKey];
    if (!entry) {
      answers.push({ agent, model: request.modelKey, raw: '', credits: 0, error: `its model ${request.modelKey} is not in the registry`, ...who });
      continue;
    }
    let response: ProviderResponse;
    try {
      const provider = providerFor ? providerFor(request.modelKey, entry) : liveProvider(request.modelKey, entry, lookup, { root: org.root });
      response = await provider.generate(request);
    } catch (error) {
      answers.push({ agent, model: request.modelKey, raw: '', credits: 0, error: error instanceof Error ? error.message : String(error), ...who });
      continue;
    }
    const line = researchChargeFor(turn, agent, response, org.models, now().toISOString(), purpose);
    lines.push(line);
    const raw = response.text.trim();
    answers.push({ agent, model: request.modelKey, raw, ...parseAnswer(question, raw), credits: line.credits, ...who });
  }
  if (lines.length > 0) appendOutsideTurn(org.root, false, () => lines);
  return answers;
}
