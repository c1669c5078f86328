import type { Agent, Org } from '../../org/org.js';
import type { AnsweredUsage, ProviderRequest, ProviderResponse, ToolCall } from '../../providers/provider.js';
import { chargedAnswers, chargedTogether, sumUsage } from '../../providers/usage.js';
import { estimateInputTokens } from '../../providers/request-tokens.js';
import type { ToolCallContext, ToolRun } from '../../tools/tool-runner.js';
import type { CommandSummary } from '../../tools/commands/command-summary.js';
import { errorMessage } from '../../errors.js';
import { isFatalProviderError, refusedCallCause, statedSizes, unusableAnswers, type StatedSizes } from '../../providers/provider-error.js';
import { throwIfStorageFailure } from '../../storage/storage-error.js';
import { crashPoint } from '../record/crash-points.js';
import { assistantTurn, shortArguments, stepTurns } from './step-conversation.js';
import { showCredits } from '../../format/format.js';
import { unreadNote, type RefusedStep } from './unread-answer.js';
import { maxStepsNote } from './max-steps-note.js';

/** One tool call of a step as the screen, the plain output and the log show it. */
export interface StepToolSummary {
  name: string;
  /** The arguments in short. */
  args: string;
  /** Characters of the result, when it succeeded. */
  size?: number;
  error?: string;
  /** A file it wrote, relative to the org root. */
  written?: string;
  /** A proposal it made for the human. */
  proposal?: string;
  /** A command it ran: exit and output sizes (the output itself is the result, in the trace). */
  command?: CommandSummary;
}

/** One step of an agent's turn: a model answer and the tools it ran. */
export interface StepSummary {
  step: number;
  inputTokens: number;
  outputTokens: number;
  tools: StepToolSummary[];
}

/** What the loop journals, so a run killed mid-loop resumes where it was. */
export type LoopRecord =
  | {
      type: 'step';
      turn: number;
      agent: string;
      step: number;
      response: ProviderResponse;
      receivedAt: string;
      /** lemming's estimate of the request this step's answer was to, in tokens: its input is held to the usage gate's floor of it when a turn finished after a crash reads it back (record/journaled-usage.ts). Absent in journals of older versions. */
      asked?: number;
    }
  | { type: 'tool'; turn: number; agent: string; step: number; index: number; run: ToolRun }
  /** A call whose repeat is not harmless is about to run: found without its `tool` record, it was cut short by a crash. */
  | { type: 'tool-started'; turn: number; agent: string; step: number; index: number };

/** The tools side of the loop: which calls return results, and running one. */
export interface LoopTools {
  returnsResult(name: string): boolean;
  run(call: ToolCall, context: ToolCallContext): Promise<ToolRun>;
  /** Is a repeat of this call harmless? Calls that are not are journaled as started before they run. Harmless when not said. */
  idempotent?(name: string): boolean;
}

/** What the model is told of a call run again because the engine stopped while it ran. */
export const RUN_AGAIN_NOTE =
  '[lemming: this call had started when lemming was stopped, and was run again from the start; whatever it did before the stop (files changed, messages sent elsewhere) may have happened twice]';

/** A command the stopping run killed: the turn stops, and the next run makes the call again. */
class InterruptedTool extends Error {}

/** Everything one agent's loop needs. */
export interface LoopInput {
  org: Org;
  agent: Agent;
  turn: number;
  request: ProviderRequest;
  /** Ask the model, with the credits the agent has left for the call. */
  ask(request: ProviderRequest, creditsLeft: number): Promise<ProviderResponse>;
  /** The first step's answer when the caller asked already (to fit the prompt to the context). */
  first?: ProviderResponse;
  tools: LoopTools;
  /** This agent's loop records from the journal of an interrupted attempt at this turn. */
  journaled: readonly LoopRecord[];
  journal(record: LoopRecord): void;
  /** Credits before the first step. */
  balance: number;
  /** What an answer costs, in credits. */
  price(response: ProviderResponse): number;
  /** What a request is expected to cost at most: a step that may not be affordable is not taken. */
  estimate(request: ProviderRequest): number;
  maxSteps: number;
  now(): string;
  /** The run's stop: a step that fails because of it stops the turn (it resumes later), rather than ending the loop. */
  signal?: AbortSignal;
  /** What stops a tool call in progress: the stop, once a call under way has had its grace to end (tool-grace.ts); `signal` when absent. */
  toolSignal?: AbortSignal;
  /** Told of each step's answer with the very request it answered: what token ratios are learned from (one call at a time). */
  answered?(request: ProviderRequest, response: ProviderResponse): void;
  /** Which message files the agent's read_message may open (record/taken-files.ts, `deliveredMail`). */
  delivered: ToolCallContext['delivered'];
  /** Characters the model's context window has left after `request`: tool results are cut to fit it (fit-results.ts). */
  room?(request: ProviderRequest): number;
  /** What sized that room beyond org.yaml, where it was learned (a context the server stated): said when the results do not fit even cut. */
  roomSaid?(request: ProviderRequest): string | undefined;
  /**
   * Characters to take off a step's prompt that its server refused stating its sizes (llama.cpp's
   * `request (N tokens) exceeds the available context size (M tokens)`): the step's results are cut
   * by that much and it is asked once more. Undefined: not sized (the loop ends there, as for any failure).
   */
  overBy?(refused: ProviderRequest, stated: StatedSizes): number | undefined;
}

/** The loop's result: every step's answer folded into one for `applyResponse`, and each step for the log. */
export interface LoopOutcome {
  response: ProviderResponse;
  receivedAt: string;
  steps: StepSummary[];
  /** Why the loop ended before the model was done, when it did. */
  cutShort?: string;
  /** The step that ended it sent an answer lemming refused unread, as too large: the agent is held as for a first step's. */
  refusedStep?: RefusedStep;
}

function summarise(call: ToolCall, run: ToolRun): StepToolSummary {
  const summary: StepToolSummary = { name: call.name, args: shortArguments(call) };
  if (run.result.isError) summary.error = run.result.content.slice(0, 200);
  // A command's result holds how long it ran, different at each run: its line keeps the exit and sizes instead.
  else if (!run.command) summary.size = run.result.content.length;
  if (run.written) summary.written = run.written.path;
  if (run.proposal) summary.proposal = run.proposal;
  if (run.command) summary.command = run.command;
  return summary;
}

/**
 * Fold the steps' answers into one: every call in order, the last text and model, and every
 * answer that came back charged together (each at its own model's prices), with `unusable`: the
 * answers a failed last step could not use.
 */
function fold(responses: ProviderResponse[], unusable: readonly AnsweredUsage[] = []): ProviderResponse {
  const last = responses[responses.length - 1] as ProviderResponse;
  // One answer, the usual turn: its own lists, not copies of them (fold's result is read, never changed).
  const notes = responses.length === 1 ? (last.notes ?? []) : responses.flatMap((response) => response.notes ?? []);
  const folded = {
    text: last.text,
    toolCalls: responses.length === 1 ? last.toolCalls : responses.flatMap((response) => response.toolCalls),
    modelKey: last.modelKey,
    ...(notes.length > 0 ? { notes } : {}),
    // A step cut at the output cap: the turn's note says so (interpret-response.ts, outputCapNote), naming the calls marked cut.
    ...(responses.some((response) => response.truncated) ? { truncated: true } : {}),
  };
  // The usual loop: every step answered by one model, nothing unusable; its usage is the steps' summed.
  if (unusable.length === 0 && responses.every((response) => response.charged === undefined && response.modelKey === last.modelKey)) {
    // Assigned after the other fields rather than spread with them: V8 makes a spread followed by a field a dictionary (some 600 bytes an answer).
    return Object.assign(folded, { usage: responses.length === 1 ? last.usage : sumUsage(responses.map((response) => response.usage)) });
  }
  return chargedTogether(folded, [...responses.flatMap((response) => chargedAnswers(response)), ...unusable]);
}

/**
 * The usual turn: the first answer, given and calling no tool that returns results, ends the loop at its first step,
 * as runStepLoop would with nothing journaled; its outcome, or undefined when the loop is to run. Taken without the
 * loop's state (its frame, maps, and the closures a caller makes for later steps): some 2 KB a call, 20 MB a turn at
 * 10,000 busy agents for the collector.
 */
export function firstAnswerOutcome(input: Pick<LoopInput, 'first' | 'journaled' | 'tools' | 'request' | 'answered' | 'now'>): LoopOutcome | undefined {
  const first = input.first;
  if (first === undefined || input.journaled.length > 0 || first.toolCalls.some((call) => input.tools.returnsResult(call.name))) return undefined;
  const receivedAt = first.receivedAt ?? input.now();
  input.answered?.(input.request, first);
  return loopOutcome([first], [], [], receivedAt, [{ step: 1, inputTokens: first.usage.inputTokens, outputTokens: first.usage.outputTokens, tools: [] }]);
}

/**
 * An agent's turn as a bounded loop: ask the model; run the calls that return
 * results; give the results back; until it calls none, `maxSteps`, or it cannot pay
 * for another step. Each answer is journaled before its tools run, and each result
 * before the next, so a run killed anywhere resumes at that point: a journaled answer
 * is not asked for again and a journaled result is not run again. (The usual turn, one answer
 * calling no such tool, is taken by firstAnswerOutcome without it.)
 */
export async function runStepLoop(input: LoopInput): Promise<LoopOutcome> {
  const { turn, agent } = input;
  const answers = new Map<number, Extract<LoopRecord, { type: 'step' }>>();
  const results = new Map<string, ToolRun>();
  const started = new Set<string>();
  for (const record of input.journaled) {
    if (record.type === 'step') answers.set(record.step, record);
    else if (record.type === 'tool-started') started.add(`${record.step}:${record.index}`);
    else results.set(`${record.step}:${record.index}`, record.run);
  }
  const responses: ProviderResponse[] = [];
  const steps: StepSummary[] = [];
  let request = input.request;
  let spent = 0;
  let sequence = 0;
  let receivedAt = '';
  let cutShort: string | undefined;
  const unusable: AnsweredUsage[] = [];
  let refusedStep: RefusedStep | undefined;
  const fitNotes: string[] = [];
  // The last step's results as they went into `request`: what a refusal that states sizes cuts again.
  let added: { base: ProviderRequest; response: ProviderResponse; ran: Array<{ call: ToolCall; result: ToolRun['result'] }>; characters: number; step: number } | undefined;
  let refitted = 0;
  for (let step = 1; step <= input.maxSteps; step += 1) {
    let answer = answers.get(step);
    if (!answer) {
      if (step > 1) {
        const left = input.balance - spent;
        const needed = input.estimate(request);
        if (needed > left) {
          cutShort = `stopped after step ${step - 1}: another step may cost ${showCredits(needed)} credits and ${showCredits(left)} are left`;
          break;
        }
        crashPoint('before-call');
      }
      let response: ProviderResponse;
      try {
        response = step === 1 && input.first ? input.first : await input.ask(request, input.balance - spent);
      } catch (error) {
        throwIfStorageFailure(error);
        // The first step's failure is the call's. A later one ends the loop: the answers that came
        // back stand, with what their tools did, and are charged; the model did not see the last results.
        if (step === 1 || input.signal?.aborted || isFatalProviderError(error)) throw error;
        // A server that refused the results stating its sizes: cut them by what it counted past its room, and ask once more.
        const stated = refitted < step && added?.step === step - 1 ? statedSizes(error) : undefined;
        const over = stated && added ? input.overBy?.(request, stated) : undefined;
        if (added && over !== undefined) {
          refitted = step;
          const { fitResults } = await import('./fit-results.js');
          const fitted = fitResults(added.ran, assistantTurn(added.response), added.characters - over);
          if (!('tooLarge' in fitted)) {
            fitNotes.push(`step ${step}: the server said the prompt did not fit its context (${errorMessage(error)}); asked again with ${fitted.cut} tool result(s) cut by what it counted past its room`);
            request = { ...added.base, messages: [...added.base.messages, ...stepTurns(added.response, fitted.ran, input.maxSteps - step)] };
            step -= 1;
            continue;
          }
        }
        cutShort = `step ${step} failed (${errorMessage(error)}); the ${step - 1} step(s) before it stand and are charged, and the last tool results were not seen`;
        const wasted = unusableAnswers(error);
        if (wasted.length > 0) {
          // The failed step's answer came back unusable: charged, so it has its step line too.
          const usage = sumUsage(wasted.map((answer) => answer.usage));
          steps.push({ step, inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, tools: [] });
          unusable.push(...wasted);
          // Refused unread as too large: charged at its reservation, which its note says, and the agent held (run-turn.ts).
          const last = wasted.at(-1);
          if (last && refusedCallCause(error) !== undefined) refusedStep = { modelKey: last.modelKey, error: errorMessage(error), note: unreadNote(last.modelKey, last.usage) };
        }
        break;
      }
      answer = { type: 'step', turn, agent: agent.name, step, response, receivedAt: response.receivedAt ?? input.now() };
      // An answer that ends the loop is journaled once, as the turn's response, by the caller (which works out its `asked`).
      if (response.toolCalls.some((call) => input.tools.returnsResult(call.name))) {
        answer.asked = estimateInputTokens(request);
        input.journal(answer);
        crashPoint('after-step');
      }
    }
    const response = answer.response;
    input.answered?.(request, response);
    receivedAt = answer.receivedAt;
    responses.push(response);
    spent += input.price(response);
    const summary: StepSummary = { step, inputTokens: response.usage.inputTokens, outputTokens: response.usage.outputTokens, tools: [] };
    steps.push(summary);
    const ran: Array<{ call: ToolCall; result: ToolRun['result'] }> = [];
    for (const [index, call] of response.toolCalls.entries()) {
      if (!input.tools.returnsResult(call.name)) continue;
      sequence += 1;
      let run = results.get(`${step}:${index}`);
      if (!run) {
        if (step >= input.maxSteps) {
          run = { result: { isError: true, content: `not run: the last step (engine.max_steps ${input.maxSteps}) was reached` } };
        } else if (call.cut) {
          // Its arguments are what the cap left of them: running it could write half a file.
          run = { result: { isError: true, content: 'not run: your answer reached the output cap inside this call, so its arguments are incomplete; make it again, shorter' } };
        } else {
          const place = `${step}:${index}`;
          const harmless = input.tools.idempotent?.(call.name) ?? true;
          if (!harmless) input.journal({ type: 'tool-started', turn, agent: agent.name, step, index });
          run = await input.tools.run(call, {
            org: input.org,
            agent,
            turn,
            sequence,
            at: receivedAt,
            balance: input.balance - spent,
            delivered: input.delivered,
            ...((input.toolSignal ?? input.signal) ? { signal: input.toolSignal ?? input.signal } : {}),
          });
          if (run.interrupted) throw new InterruptedTool(`${call.name} was stopped with the run`);
          // Started before a crash and run again: the model knows its effects may be doubled (at least once).
          if (!harmless && started.has(place)) run = { ...run, result: { ...run.result, content: `${RUN_AGAIN_NOTE}\n${run.result.content}` } };
        }
        input.journal({ type: 'tool', turn, agent: agent.name, step, index, run });
        crashPoint('after-tool');
      }
      summary.tools.push(summarise(call, run));
      ran.push({ call, result: run.result });
    }
    if (ran.length === 0) break;
    if (step >= input.maxSteps) {
      cutShort = maxStepsNote(input.maxSteps);
      break;
    }
    // What the model is shown of the results fits what its context window has left: cut, and said so, when it would not.
    let shown = ran;
    if (input.room) {
      // Loaded with the first results, as the tools themselves are: a turn in which nobody calls a tool loads neither.
      const { cutOlderMail, fitResults } = await import('./fit-results.js');
      const said = assistantTurn(response);
      let room = input.room(request);
      let fitted = fitResults(ran, said, room);
      // Results that do not fit even cut: the older mail (read in step 1) is cut next, the agent's own part never.
      const older = 'tooLarge' in fitted ? cutOlderMail(request.messages, ran, said, room) : undefined;
      if (older) {
        request = { ...request, messages: older.messages };
        room = older.room;
        fitted = fitResults(ran, said, room);
        fitNotes.push(`step ${step}: the mail shown in step 1 was cut to make room for the tool results in the context window of ${request.modelKey}`);
      }
      if ('tooLarge' in fitted) {
        const learned = input.roomSaid?.(request);
        cutShort = `stopped after step ${step}: the results of its tools do not fit what the context window of ${request.modelKey} has left, even cut${learned === undefined ? '' : ` (the window is ${learned})`}`;
        break;
      }
      shown = fitted.ran;
      if (fitted.cut > 0) fitNotes.push(`step ${step}: ${fitted.cut} tool result(s) were cut to fit the context window of ${request.modelKey}`);
    }
    const turns = stepTurns(response, shown, input.maxSteps - step - 1);
    added = { base: request, response, ran, characters: turns.reduce((sum, turn) => sum + turn.content.length, 0), step };
    request = { ...request, messages: [...request.messages, ...turns] };
  }
  const outcome = loopOutcome(responses, unusable, fitNotes, receivedAt, steps, cutShort);
  if (refusedStep) outcome.refusedStep = refusedStep;
  return outcome;
}

/** The loop's outcome from its steps' answers: folded into one, with the notes of results cut to fit. */
function loopOutcome(responses: ProviderResponse[], unusable: readonly AnsweredUsage[], fitNotes: readonly string[], receivedAt: string, steps: StepSummary[], cutShort?: string): LoopOutcome {
  const folded = fold(responses, unusable);
  const notes = [...(folded.notes ?? []), ...fitNotes];
  return { response: notes.length > 0 ? { ...folded, notes } : folded, receivedAt, steps, ...(cutShort ? { cutShort } : {}) };
}
