import { padSeq, padTurn } from '../mailbox/message.js';
import type { Agent, Org } from '../org/org.js';
import { DEFAULT_TOOLS } from '../org/schema.js';
import type { OutsideToolName, ResultToolName } from './builtin-definitions.js';
import { listAgentsTool, readMessageTool, type MessageToolContext } from './messages/message-tools.js';
import { promisedToHires } from './proposals/hire-budget.js';
import { checkHireScope, checkNewAgent } from './proposals/new-agent.js';
import { findAgentTemplate, hireDetails, type GivenHire } from './proposals/hire-template.js';
import type { Proposal } from './proposals/proposal.js';
import { createProposal } from './proposals/proposal-store.js';
import { toolError, toolOk, type ToolResult } from './tool-result.js';
import type { CommandSummary } from './commands/command-summary.js';
import { commandHostIdentity } from '../sandbox/sandbox-identity.js';
import { listFilesTool, readFileTool, searchFilesTool, writeFileTool, type WrittenFile } from './workspace/file-tools.js';
import { showCredits, showGiven } from '../format/format.js';

/** Who calls a built-in tool, and where in the turn: proposals take their id from it. */
export interface BuiltinToolContext {
  root: string;
  org: Org;
  agent: Agent;
  turn: number;
  /** The call's place among this agent's calls in the turn (1, 2, …): fixes a proposal's id. */
  sequence: number;
  /** The plan of the turn (the journal's plan `id`, engine/turn/plan-calls.ts): an MCP call's job on a worker is named by it. */
  plan?: string;
  /** When the answer that made the call arrived: a proposal's `created`. */
  at: string;
  /** The agent's credits now: a hire may not promise more. */
  balance: number;
  /** Whether a message file was delivered as mail (see MessageToolContext): what read_message may open. */
  delivered: MessageToolContext['delivered'];
  /** The run's stop: a command still running when it fires is killed, and made again by the next run. */
  signal?: AbortSignal;
}

/** A built-in tool's result, and what it changed that the engine logs. */
export interface BuiltinOutcome {
  result: ToolResult;
  written?: WrittenFile;
  proposal?: string;
  /** A command it ran: its exit and output sizes, for the step line and the log. */
  command?: CommandSummary;
  /** The run was stopping and cut it short: no result to keep; the next run makes the call again. */
  interrupted?: boolean;
}

function field(args: unknown, name: string): unknown {
  return args !== null && typeof args === 'object' && !Array.isArray(args) ? (args as Record<string, unknown>)[name] : undefined;
}

/** `{ [key]: value }`, or nothing when the value was left out. */
function optional<Key extends string, Value>(key: Key, value: Value | undefined): Partial<Record<Key, Value>> {
  return value === undefined ? {} : ({ [key]: value } as Record<Key, Value>);
}

function stringList(value: unknown, fallback: string[]): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : fallback;
}

/** The id of a proposal made by a call: like a message id, fixed by the turn, the proposer and the call. */
export function proposalId(turn: number, agent: string, sequence: number): string {
  return `${padTurn(turn)}-${agent}-${padSeq(sequence)}`;
}

function propose(context: BuiltinToolContext, proposal: Omit<Proposal, 'id' | 'status' | 'proposed_by' | 'turn' | 'created'>): BuiltinOutcome {
  const id = proposalId(context.turn, context.agent.name, context.sequence);
  createProposal(context.root, { id, status: 'pending', proposed_by: context.agent.name, turn: context.turn, created: context.at, ...proposal });
  return {
    result: toolOk(`proposal ${id} is waiting for the human's approval (org/proposals/${id}.md); you will be told when it is decided`),
    proposal: id,
  };
}

function hire(context: BuiltinToolContext, args: unknown): BuiltinOutcome {
  const text = (name: string): string | undefined => (typeof field(args, name) === 'string' && field(args, name) !== '' ? (field(args, name) as string) : undefined);
  const list = (name: string): string[] | undefined => (Array.isArray(field(args, name)) ? stringList(field(args, name), []) : undefined);
  const credits = field(args, 'credits');
  const templateName = text('template');
  const given: GivenHire = {
    name: text('name') ?? '',
    reports_to: text('reports_to') ?? '',
    ...optional('title', text('title')),
    ...optional('instructions', text('instructions')),
    ...optional('model', text('model')),
    ...optional('credits', credits === undefined ? undefined : typeof credits === 'number' ? credits : Number.NaN),
    ...optional('send_to', list('send_to')),
    ...optional('read_from', list('read_from')),
    ...optional('tools', list('tools')),
  };
  const template = templateName === undefined ? undefined : findAgentTemplate(context.root, templateName, context.org, given);
  if (template && 'problem' in template) return { result: toolError(`hire_agent: ${template.problem}`) };
  const details = hireDetails(given, template, { model: context.agent.models[0] ?? '', tools: [...DEFAULT_TOOLS], instructions: '' });
  const problems = [...checkNewAgent(context.org, details), ...checkHireScope(context.org, context.agent.name, details)];
  // What waiting hires were promised is not there to promise again (see proposals/hire-budget.ts).
  const promised = promisedToHires(context.root, context.agent.name);
  const free = Math.round((context.balance - promised) * 1e9) / 1e9;
  if (details.credits > free) {
    const left = promised > 0 ? `${showCredits(free)} you have left to promise (you have ${showCredits(context.balance)}, and ${showCredits(promised)} are promised to hires that wait for the human)` : `${showCredits(context.balance)} you have`;
    problems.push(`credits ${showGiven(details.credits)} is more than the ${left}; the budget comes out of yours`);
  }
  if (problems.length > 0) return { result: toolError(`hire_agent: ${problems.join('; ')}`) };
  return propose(context, { kind: 'hire', hire: details });
}

function retire(context: BuiltinToolContext, args: unknown): BuiltinOutcome {
  const name = field(args, 'name');
  const reason = field(args, 'reason');
  if (typeof name !== 'string' || !context.org.agents.has(name)) return { result: toolError(`retire_agent: ${JSON.stringify(name)} is not an agent of this org`) };
  if (context.org.agents.get(name)?.isHuman || name === context.agent.name) return { result: toolError(`retire_agent: ${name} cannot be retired`) };
  return propose(context, { kind: 'retire', retire: { name, reason: typeof reason === 'string' ? reason : '' } });
}

/** A tool call held for the human's approval (org.yaml `needs_approval`): the model is told it waits. */
export function proposeToolCall(context: BuiltinToolContext, name: string, args: unknown): BuiltinOutcome {
  return propose(context, { kind: 'tool', tool: { name, arguments: args ?? {} } });
}

/** Run one built-in tool that returns a result. Never throws for the model's mistakes: they are error results. */
export function runBuiltinTool(name: Exclude<ResultToolName, OutsideToolName>, args: unknown, context: BuiltinToolContext): BuiltinOutcome {
  // When lemming is root, what the file tools make is given to the identity commands run as, so a command can change it.
  const sandbox = context.org.settings.sandbox;
  const owner = sandbox.isolation === 'bwrap' ? commandHostIdentity(sandbox.run_as) : undefined;
  const files = { root: context.root, agent: context.agent, ...(owner ? { owner } : {}) };
  switch (name) {
    case 'read_file':
      return { result: readFileTool(files, field(args, 'path'), { start: field(args, 'start_line'), end: field(args, 'end_line') }) };
    case 'write_file':
      return writeFileTool(files, field(args, 'path'), field(args, 'content'));
    case 'list_files':
      return { result: listFilesTool(files, field(args, 'path'), field(args, 'recursive')) };
    case 'search_files':
      return { result: searchFilesTool(files, field(args, 'query'), field(args, 'path')) };
    case 'read_message':
      return { result: readMessageTool(context, field(args, 'id')) };
    case 'list_agents':
      return { result: listAgentsTool(context.org, context.agent) };
    case 'hire_agent':
      return hire(context, args);
    case 'retire_agent':
      return retire(context, args);
  }
}
