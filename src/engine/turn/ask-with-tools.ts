import type { Agent, Org } from '../../org/org.js';
import type { ProviderRequest, ProviderResponse } from '../../providers/provider.js';
import { estimateInputTokens } from '../../providers/request-tokens.js';
import type { ToolOffer } from '../../tools/outside-tools.js';
import { costOf, estimateCallCost } from '../money/charge.js';
import type { PromptLimit } from './build-prompt.js';
import { promptRoom } from '../../providers/context-fit.js';
import type { StatedSizes } from '../../providers/provider-error.js';
import { statePaths } from '../record/state-paths.js';
import { deliveredMail } from '../record/taken-files.js';
import { askFitting } from './context-retry.js';
import type { PreparedCall } from './prepare-call.js';
import type { RefusedStep } from './unread-answer.js';
import { firstAnswerOutcome, runStepLoop, type LoopRecord, type LoopTools, type StepSummary } from './step-loop.js';

/** The tools a turn's loops run: built-ins and MCP tools (see src/tools/tool-runner.ts). */
export interface TurnTools extends LoopTools {
  /** The MCP and command tools to offer an agent this turn (starting its servers if needed), and the granted ones withheld. */
  offer(agent: Agent): Promise<ToolOffer>;
}

/** One agent's call in a turn, as `askWithTools` needs it. */
export interface AgentCallInput {
  root: string;
  org: Org;
  agent: Agent;
  turn: number;
  tools: TurnTools | undefined;
  prepared: PreparedCall;
  /** The same call showing less mail, for a prompt the server says does not fit. */
  smaller(limit: PromptLimit): PreparedCall;
  ask(request: ProviderRequest, creditsLeft: number): Promise<ProviderResponse>;
  /** The agent's loop records journaled by an interrupted attempt at this turn. */
  journaled: readonly LoopRecord[];
  journal(record: LoopRecord): void;
  balance: number;
  now(): string;
  signal?: AbortSignal;
  /** What stops a tool call in progress (LoopInput.toolSignal). */
  toolSignal?: AbortSignal;
  /** Told of each answer with the request it answered (see LoopInput.answered). */
  answered?(request: ProviderRequest, response: ProviderResponse): void;
  /** Real tokens per estimated token for a registry entry, as this turn sizes prompts (record/token-ratios.ts). */
  tokenScale?(modelKey: string): number;
  /** The context a registry entry's server said it holds, when smaller than its `context_window`, as this turn sizes prompts. */
  serverWindow?(modelKey: string): number | undefined;
  /** That context as what it holds back says it: its size, where it is kept and how to forget it (record/token-ratios.ts, windowSaid). */
  windowSaid?(modelKey: string): string | undefined;
  /** Told of a refusal that stated the server's sizes, with the request refused: what the token ratios learn from. */
  refused?(request: ProviderRequest, stated: StatedSizes): void;
}

/**
 * Characters a request leaves of its model's context window, as lemming estimates them (4 a
 * token) with what the entry's server counts: the window (or the smaller one its server said it
 * holds), less room for the answer (as the provider keeps it: context-fit.ts, promptRoom), less the
 * request. Infinite for an entry not in the registry.
 */
function roomLeft(org: Org, request: ProviderRequest, scale: number, serverWindow: number | undefined): number {
  const entry = org.models[request.modelKey];
  if (!entry) return Number.POSITIVE_INFINITY;
  const tokens = promptRoom(entry, serverWindow) - Math.ceil(estimateInputTokens(request) * scale);
  return Math.floor((tokens / scale) * 4);
}

/** Of what lemming's estimate counts, the share a retry keeps to spare below the room a refusal's sizes leave. */
const REFUSAL_SPARE = 0.1;

/**
 * Characters to take off a prompt its server refused stating its sizes: what it counted past the
 * room its context leaves beside the answer, at the refused prompt's own characters a token, with 10%
 * to spare. Undefined for an entry not in the registry. Pure.
 */
function overByRefusal(org: Org, request: ProviderRequest, stated: StatedSizes): number | undefined {
  const entry = org.models[request.modelKey];
  if (!entry) return undefined;
  const over = stated.promptTokens - promptRoom(entry, stated.window);
  const characters = request.system.length + request.messages.reduce((sum, message) => sum + message.content.length, 0);
  return Math.ceil(Math.max(0, over) * (characters / stated.promptTokens) * (1 + REFUSAL_SPARE));
}

/**
 * The mail a prompt the server refused may show, sized by the sizes the refusal stated: the mail's
 * estimated tokens less what the server counted past the room its context leaves (converted to
 * lemming's estimate by the refused prompt's own ratio), with 10% to spare. Undefined for an entry
 * not in the registry. Pure.
 */
function limitFromRefusal(org: Org, request: ProviderRequest, stated: StatedSizes, shown: number): PromptLimit | undefined {
  const entry = org.models[request.modelKey];
  if (!entry) return undefined;
  const over = stated.promptTokens - promptRoom(entry, stated.window);
  const perEstimated = stated.promptTokens / Math.max(1, estimateInputTokens(request));
  const mail = estimateInputTokens({ system: '', messages: request.messages, tools: [] });
  return { messages: Math.max(1, shown), tokens: Math.max(1, Math.floor(mail - (over / perEstimated) * (1 + REFUSAL_SPARE))) };
}

/** The answer to apply, the prompt it came from (which decides what mail is read), and the loop's steps. */
export interface AgentCallOutcome {
  response: ProviderResponse;
  receivedAt?: string;
  prepared: PreparedCall;
  steps: StepSummary[];
  cutShort?: string;
  /** A later step's answer refused unread, as too large (step-loop.ts). */
  refusedStep?: RefusedStep;
}

function withOffer(prepared: PreparedCall, offer: ToolOffer): PreparedCall {
  if (offer.definitions.length === 0 && offer.problems.length === 0 && offer.withheld.length === 0) return prepared;
  const kept = offer.withheld.length === 0 ? prepared.prompt.request.tools : prepared.prompt.request.tools.filter((tool) => !offer.withheld.includes(tool.name));
  const request = { ...prepared.prompt.request, tools: [...kept, ...offer.definitions] };
  const last = request.messages[request.messages.length - 1];
  if (last && offer.problems.length > 0) {
    // The model is told why tools it was granted are missing, rather than finding out by failing.
    const note = offer.problems.map((problem) => `(lemming: ${problem})`).join('\n');
    request.messages = [...request.messages.slice(0, -1), { ...last, content: `${last.content}\n\n${note}` }];
  }
  return { ...prepared, prompt: { ...prepared.prompt, request } };
}

/**
 * Ask an agent's model for its turn: its MCP tools added to the prompt, the first
 * answer fitted to the context window, then the loop of steps while it calls tools
 * that return results.
 */
export async function askWithTools(input: AgentCallInput): Promise<AgentCallOutcome> {
  const { org, agent, tools } = input;
  const askFirst = (request: ProviderRequest) => input.ask(request, input.balance);
  const sized = (request: ProviderRequest, stated: StatedSizes, shown: number): PromptLimit | undefined => {
    input.refused?.(request, stated);
    return limitFromRefusal(org, request, stated, shown);
  };
  if (!tools) {
    const fitted = await askFitting(askFirst, input.prepared, input.smaller, sized);
    input.answered?.(fitted.prepared.prompt.request, fitted.response);
    return { response: fitted.response, prepared: fitted.prepared, steps: [] };
  }
  const offer = await tools.offer(agent);
  let prepared = withOffer(input.prepared, offer);
  let first: ProviderResponse | undefined;
  // A first answer journaled before a crash is used as it is; it is not asked for again.
  if (!input.journaled.some((record) => record.type === 'step' && record.step === 1)) {
    const fitted = await askFitting(askFirst, prepared, (limit) => withOffer(input.smaller(limit), offer), sized);
    prepared = fitted.prepared;
    first = fitted.response;
  }
  // The usual answer, calling no tool that returns results, ends the turn here: the loop's input (its closures) is not made.
  const single = firstAnswerOutcome({ request: prepared.prompt.request, ...(first ? { first } : {}), tools, journaled: input.journaled, now: input.now, ...(input.answered ? { answered: input.answered } : {}) });
  const outcome = single ?? await runStepLoop({
    org,
    agent,
    turn: input.turn,
    request: prepared.prompt.request,
    ask: input.ask,
    ...(first ? { first } : {}),
    tools,
    journaled: input.journaled,
    journal: input.journal,
    balance: input.balance,
    price: (response) => costOf(response, org.models).credits,
    estimate: (request) => {
      const entry = org.models[request.modelKey];
      return entry ? estimateCallCost(request, entry) : 0;
    },
    maxSteps: org.settings.max_steps,
    now: input.now,
    ...(input.signal ? { signal: input.signal } : {}),
    ...(input.toolSignal ? { toolSignal: input.toolSignal } : {}),
    ...(input.answered ? { answered: input.answered } : {}),
    room: (request) => roomLeft(org, request, input.tokenScale?.(request.modelKey) ?? 1, input.serverWindow?.(request.modelKey)),
    roomSaid: (request) => input.windowSaid?.(request.modelKey),
    overBy: (request, stated) => {
      input.refused?.(request, stated);
      return overByRefusal(org, request, stated);
    },
    // The mail of the prompt that was asked (a smaller one, when the first did not fit) is what the agent was shown.
    delivered: deliveredMail(statePaths(input.root).taken, prepared.prompt.shown),
  });
  // What the model was told about missing MCP tools goes in the log and on the screen too, as an error of the run.
  if (offer.problems.length > 0) outcome.response = { ...outcome.response, unavailable: offer.problems };
  // Field by field: a literal that starts with a spread and adds a field is built in V8's runtime (some 1.5 µs an agent a turn).
  const called: AgentCallOutcome = { response: outcome.response, receivedAt: outcome.receivedAt, steps: outcome.steps, prepared };
  if (outcome.cutShort !== undefined) called.cutShort = outcome.cutShort;
  if (outcome.refusedStep !== undefined) called.refusedStep = outcome.refusedStep;
  return called;
}
