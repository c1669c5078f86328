import { errorMessage } from '../../errors.js';
import { isoText } from '../../iso-text.js';
import type { Org } from '../../org/org.js';
import type { AnsweredUsage, PromptSizing, ProviderRequest, ProviderResponse, RetryNotice, WaitingNotice } from '../../providers/provider.js';
import { nameRecord } from '../../org/names.js';
import { isFatalProviderError, isKeyRefused, refusedCallCause, unusableAnswers } from '../../providers/provider-error.js';
import { estimateInputTokens } from '../../providers/request-tokens.js';
import { chargedAnswers } from '../../providers/usage.js';
import { throwIfStorageFailure } from '../../storage/storage-error.js';
import type { EngineEvent } from '../events.js';
import { crashPoint } from '../record/crash-points.js';
import type { PendingItem } from '../record/engine-state.js';
import type { PlannedCall } from '../record/journal.js';
import type { Lesson, TokenRatios } from '../record/token-ratios.js';
import { askWithTools } from './ask-with-tools.js';
import { prepareCall, type MemoryLayer, type PreparedCall } from './prepare-call.js';
import { isNoticeId } from './notices.js';
import { promptDigest } from './prompt-digest.js';
import { embeddingAnswers, withEmbeddingCharged } from './embed-query.js';
import type { ReflectionAnswer } from './reflect.js';
import type { RatingAnswer } from './rate-importance.js';
import type { TurnContext } from './run-turn.js';
import type { LoopRecord, StepSummary } from './step-loop.js';
import type { MeetingHeard } from '../../meetings/meeting-transcript.js';
import type { RefusedStep } from './unread-answer.js';

/** How one agent's call of a turn ended: an answer to apply, a failure, or a stop. */
export type CallResult =
  | {
      agent: string;
      response: ProviderResponse;
      receivedAt: string;
      shown: string[];
      steps: StepSummary[];
      cutShort?: string;
      /** A later step's answer refused unread, as too large (step-loop.ts): the steps before it stand, and the agent is held. */
      refusedStep?: RefusedStep;
      reflection?: ReflectionAnswer;
      rating?: RatingAnswer;
      recalled?: string[];
      /** Its call of the turn was its part in a meeting (hold-meetings.ts): what it heard and said there, for its memories. */
      meeting?: MeetingHeard;
      /** What its answers, and refusals that stated sizes, taught the token ratios (record/token-ratios.ts), in order; absent: nothing. */
      taught?: Lesson[];
      /** lemming's estimate of the request its answer was to, in tokens (record/journal.ts, `asked`); absent: not known (a meeting's part). */
      asked?: number;
    }
  | {
      agent: string;
      modelKey: string;
      error: string;
      unusable: AnsweredUsage[];
      keyRefused?: true;
      /** Why lemming refused the call's answer, when it did: one too large to read (provider-error.ts, refusedCallCause). */
      refused?: 'answer-too-large';
      /** The model answered, with nothing: no text, no tool call (answeredNothing). Charged, and the human is told. */
      empty?: true;
      /** The mail the failed call was shown (it waits): kept in the log when the call was charged, so its request counts the cost. */
      shown?: string[];
      /** What its answers, and refusals that stated sizes, taught the token ratios before it failed, in order; absent: nothing. */
      taught?: Lesson[];
    }
  | { agent: string; aborted: true };

/** What one agent's call needs from its turn. */
export interface AgentCall {
  root: string;
  org: Org;
  turn: number;
  call: PlannedCall;
  /** The waiting mail the plan showed it. */
  mail: readonly PendingItem[];
  /** Its prompt as the plan built it; undefined for a call planned before a crash. */
  prepared: PreparedCall | undefined;
  ratios: TokenRatios;
  context: Pick<TurnContext, 'providerFor' | 'tools' | 'traces' | 'clock' | 'signal' | 'toolSignal'>;
  creditsLeft: number;
  /** Its loop's records journaled by an interrupted attempt at this turn. */
  journaled: readonly LoopRecord[];
  journal(record: LoopRecord): void;
  /** Events from inside the call as they happen (a retry, a long wait, a prompt that changed). */
  tell(event: EngineEvent): void;
  /** The memory layer, when some agent of the org keeps a memory stream (prompts show it; an agent may reflect after its answer). */
  memory?: MemoryLayer;
  /** Whether its memory's calls after the answer are made (a reflection, the model's ratings): a meeting makes them after its attendee's last speech alone. */
  afterAnswer?: boolean;
  /** What a meeting makes of the prompt (turn/hold-meetings.ts): kept when a prompt is built smaller to fit the context. */
  dress?: (prepared: PreparedCall) => PreparedCall;
}

/**
 * A prompt as asked: its fields, then those of the call (the credits left, the callbacks), in that order. Assigned
 * rather than spread into a literal that adds fields after it, which V8 makes a dictionary of some 2 KB (a call a
 * turn for each busy agent).
 */
function asked<Extra extends Partial<ProviderRequest>>(prompt: Omit<ProviderRequest, 'signal'>, extra: Extra): ProviderRequest & Extra {
  return Object.assign({}, prompt, extra);
}

/**
 * A call planned before a crash, prepared again: from its plan (the mail it showed, the limits it
 * was sized with, the mail it left waiting) and the files, so it asks what it asked before. Its
 * digest says whether it does; when not (a note or a message edited meanwhile), the run says so.
 */
function preparedAgain(input: AgentCall): PreparedCall {
  const { call } = input;
  const planned = call.limit ?? { messages: Number.POSITIVE_INFINITY, tokens: Number.POSITIVE_INFINITY };
  const again = prepareCall(input.root, input.org, call.agent, call.reason, input.mail, input.turn, { ratios: input.ratios, planned, alsoWaiting: call.deferred, ...(input.memory ? { memory: input.memory } : {}) });
  if (call.prompt !== undefined && promptDigest(again.prompt) !== call.prompt) {
    input.tell({ type: 'warning', turn: input.turn, message: `${call.agent}'s prompt for this interrupted turn is not the one planned (its notes or a message file changed meanwhile): it is asked as it is now` });
  }
  // A kept vector damaged since the plan read it: its memory ranks by its words now, which the plan's warnings could not say.
  if (again.damagedVectors) input.tell(again.damagedVectors);
  return again;
}

/**
 * Ask one agent's models for its turn: the prompt (fitted to the context), the loop of steps while
 * it calls tools, each answer traced and taught to the token ratios. A failure is the call's result;
 * only a stop, a full disk or a replay that meets an unrecorded request goes further.
 */
export async function callAgent(input: AgentCall): Promise<CallResult> {
  const { root, org, turn, call, ratios, context } = input;
  // The mail the plan left waiting is not in `mail`: every prompt of this call counts it as waiting.
  const sizing = { ratios, alsoWaiting: call.deferred, ...(input.memory ? { memory: input.memory } : {}) };
  const prepared = input.prepared ?? preparedAgain(input);
  // The prompt last built for this call (a smaller one when the server said it did not fit): its trace keeps the list of everyone apart.
  let built = prepared.prompt;
  // The prompts its server cut silently (record/token-ratios.ts, learn): said in its log, and to the human the first time.
  const cuts: SilentCut[] = [];
  // What its servers said that was not learned from, or that unlearned what was: said in its log.
  const learnedNotes: string[] = [];
  // What each of its answers and refusals taught the ratios, in order: journaled with the call's result, so a turn finished after a crash learns it again.
  const taught: Lesson[] = [];
  try {
    crashPoint('before-call');
    const agent = org.agents.get(call.agent);
    const provider = context.providerFor(agent?.models ?? [prepared.modelKey]);
    const onRetry = ({ modelKey, ...retry }: RetryNotice): void => input.tell({ type: 'agent-retrying', turn, agent: call.agent, model: modelKey, ...retry });
    const onWaiting = ({ modelKey, waitedMs }: WaitingNotice): void => input.tell({ type: 'agent-waiting', turn, agent: call.agent, model: modelKey, seconds: waitedMs / 1000 });
    // How this turn estimates each of the agent's models' prompts where a server offers no tokenizer (frozen for the turn: a recovered turn asks as it did).
    const promptSizing = sizingOf(ratios, agent?.models ?? [prepared.modelKey]);
    const ask = (prompt: PreparedCall['prompt']['request'], left: number) =>
      provider.generate(asked(prompt, { creditsLeft: left, promptSizing, onRetry, onWaiting, ...(context.signal ? { signal: context.signal } : {}) })).then((answer) => {
        // Each step of a loop extends the turn's trace (record/call-trace.ts, stepsSoFar): the file keeps every step's answer.
        if (org.settings.traces.keep > 0) {
          context.traces?.record(org.settings.traces.keep, { ...prompt, creditsLeft: left }, answer, answer.receivedAt ?? isoText(context.clock()), built.systemPieces);
        }
        crashPoint('after-answer');
        return answer;
      });
    if (!agent) throw new Error(`${call.agent} is not in the org`);
    // An answer that arrives after a stop was asked for is kept: it is journaled like any other, so
    // the next run applies it instead of paying for the same call again.
    const fitted = await askWithTools({
      root,
      org,
      agent,
      turn,
      tools: context.tools,
      prepared,
      smaller: (limit) => {
        const plain = prepareCall(root, org, call.agent, call.reason, input.mail, turn, { ...sizing, limit });
        const smaller = input.dress ? input.dress(plain) : plain;
        built = smaller.prompt;
        return smaller;
      },
      ask,
      journaled: input.journaled,
      journal: input.journal,
      balance: input.creditsLeft,
      now: () => isoText(context.clock()),
      ...(context.signal ? { signal: context.signal } : {}),
      ...(context.toolSignal ? { toolSignal: context.toolSignal } : {}),
      // Each call teaches its own ratio: its own prompt against the tokens its server counted for it.
      answered: (request, answer) => {
        const lesson = ratios.lessonOf(request, answer);
        if (!lesson) return;
        taught.push(lesson);
        const learned = ratios.learnFrom(lesson, turn);
        if (learned?.cutSilently) cuts.push({ modelKey: answer.modelKey, ...learned.cutSilently });
        learnedNotes.push(...(learned?.notes ?? []));
      },
      // A refusal that stated sizes teaches too, journaled among its answers' lessons in the order they came.
      refused: (request, stated) => {
        const lesson = ratios.refusalLessonOf(request, stated);
        if (!lesson) return;
        taught.push(lesson);
        learnedNotes.push(...(ratios.learnFrom(lesson, turn)?.notes ?? []));
      },
      tokenScale: (modelKey) => ratios.scale(modelKey, org.models[modelKey]),
      serverWindow: (modelKey) => ratios.window(modelKey),
      windowSaid: (modelKey) => ratios.windowSaid(modelKey),
    });
    // Its retrieval's embeddings, asked while the turn was planned, are paid with its answer (embed-query.ts).
    const said = learnedNotes.length > 0 ? { ...fitted.response, notes: [...(fitted.response.notes ?? []), ...learnedNotes] } : fitted.response;
    let response = withEmbeddingCharged(withCuts(said, cuts), call.embedded);
    const nothing = answeredNothing(response, fitted.steps, org, fitted.prepared.prompt.shown);
    if (nothing !== undefined) {
      // An empty answer is a failure, charged where it was paid: its mail waits, the human hears of it (failed-call.ts).
      return { agent: call.agent, modelKey: response.modelKey, error: nothing, unusable: chargedAnswers(response), empty: true, shown: [...fitted.prepared.prompt.shown], ...(taught.length > 0 ? { taught } : {}) };
    }
    const receivedAt = fitted.receivedAt || response.receivedAt || isoText(context.clock());
    let reflection: ReflectionAnswer | undefined;
    let rating: RatingAnswer | undefined;
    if (input.memory && agent.memory && input.afterAnswer !== false) {
      // Its memories since it last reflected, when it is time: one more call, paid with the turn's (reflect.ts,
      // loaded with the memory layer's first turn: an org that keeps no memory loads neither).
      const { creditsOf, reflectAfterAnswer, withReflectionCharged } = await import('./reflect.js');
      const reflected = await reflectAfterAnswer({
        root,
        org,
        agent,
        turn,
        memory: input.memory,
        reflectOn: fitted.prepared.reflectOn,
        system: fitted.prepared.prompt.request.system,
        ask: (request, left) =>
          provider.generate(asked(request, { creditsLeft: left, onRetry, onWaiting, ...(context.signal ? { signal: context.signal } : {}) })).then((answer) => {
            crashPoint('after-answer');
            return answer;
          }),
        creditsLeft: input.creditsLeft - creditsOf(response, org),
        ...(context.signal ? { signal: context.signal } : {}),
      });
      if (reflected && 'answer' in reflected) {
        response = withReflectionCharged(response, reflected.response);
        reflection = reflected.answer;
      } else if (reflected) {
        // A reflection by questions whose second call could not be made: its first was answered, and is paid.
        if (reflected.spent) response = withReflectionCharged(response, reflected.spent);
        response = { ...response, notes: [...(response.notes ?? []), reflected.note] };
      }
      // Importance asked of the model (org.yaml memory.importance: model), paid with the turn's like the reflection.
      if (agent.memory.importance === 'model') {
        const { rateAfterAnswer } = await import('./rate-importance.js');
        const ask = (request: ProviderRequest, left: number) => provider.generate(asked(request, { creditsLeft: left, onRetry, onWaiting, ...(context.signal ? { signal: context.signal } : {}) })).then((answer) => (crashPoint('after-answer'), answer));
        const rated = await rateAfterAnswer({ root, org, agent, turn, memory: input.memory, ask, creditsLeft: input.creditsLeft - creditsOf(response, org), ...(context.signal ? { signal: context.signal } : {}) });
        if (rated && 'answer' in rated) {
          response = withReflectionCharged(response, rated.response);
          rating = rated.answer;
        } else if (rated) {
          response = { ...response, notes: [...(response.notes ?? []), rated.note] };
        }
      }
    }
    // The memories its answered prompt recalled: their access is recorded when the turn is applied (memory/memory-access.ts).
    const recalled = fitted.prepared.prompt.recalled;
    // Field by field, in the order the spreads gave: no object made for each optional part only to be spread (an answer a busy agent a turn).
    const answered: Extract<CallResult, { response: ProviderResponse }> = { agent: call.agent, response, receivedAt, shown: [...fitted.prepared.prompt.shown, ...fitted.prepared.lost], steps: fitted.steps };
    if (taught.length > 0) answered.taught = taught;
    // Journaled with the answer: a turn finished after a crash holds its journaled input to it (record/journaled-usage.ts).
    answered.asked = estimateInputTokens(fitted.prepared.prompt.request);
    if (fitted.cutShort !== undefined) answered.cutShort = fitted.cutShort;
    if (fitted.refusedStep !== undefined) answered.refusedStep = fitted.refusedStep;
    if (reflection) answered.reflection = reflection;
    if (rating) answered.rating = rating;
    if (recalled) answered.recalled = [...recalled];
    return answered;
  } catch (error) {
    if (context.signal?.aborted) return { agent: call.agent, aborted: true };
    // A full or read-only disk (a tool's write, the journal) stops the run: it is not this agent's error.
    throwIfStorageFailure(error);
    // A replay that meets an unrecorded request cannot go on: stop the run, loudly.
    if (isFatalProviderError(error)) throw error;
    // Its retrieval's embeddings were asked while the turn was planned, and paid for: charged with the failure (embed-query.ts).
    const unusable = [...embeddingAnswers(call.embedded), ...unusableAnswers(error)];
    return {
      agent: call.agent,
      modelKey: call.modelKey,
      error: errorMessage(error),
      unusable,
      ...(isKeyRefused(error) ? { keyRefused: true as const } : {}),
      ...(refusedCallCause(error) === undefined ? {} : { refused: refusedCallCause(error) }),
      ...(unusable.length > 0 ? { shown: [...built.shown] } : {}),
      ...(taught.length > 0 ? { taught } : {}),
    };
  }
}

/** A prompt a server cut silently: it reported `reported` prompt tokens, the whole of its `window`. */
interface SilentCut {
  modelKey: string;
  window: number;
  reported: number;
  /** The first time this entry's server was seen doing so: the human is told. */
  first: boolean;
}

/**
 * Each of an agent's models' prompt sizing as the turn's ratios hold it, by model key. The ratios are
 * frozen for their turn, so the record is made once for each list of models and shared by the calls
 * that ask with it (read only): at 10,000 busy agents, one record a turn instead of one a call, each a
 * prototype-less object that lived from the call to its answer's application.
 */
function sizingOf(ratios: Pick<TokenRatios, 'sizing'>, modelKeys: readonly string[]): Readonly<Record<string, PromptSizing>> {
  let made = sizings.get(ratios);
  if (made === undefined) sizings.set(ratios, (made = new Map()));
  // One model (the usual list) by its key; several by the list's JSON, which no one key spells.
  const key = modelKeys.length === 1 ? (modelKeys[0] as string) : JSON.stringify(modelKeys);
  const kept = made.get(key);
  if (kept !== undefined) return kept;
  const sizing = nameRecord<PromptSizing>();
  for (const modelKey of modelKeys) sizing[modelKey] = ratios.sizing(modelKey);
  made.set(key, sizing);
  return sizing;
}

/** The sizing records made from each turn's ratios, by the list of models. */
const sizings = new WeakMap<Pick<TokenRatios, 'sizing'>, Map<string, Readonly<Record<string, PromptSizing>>>>();

/**
 * The answer with what its server's silent cuts mean said: a note for each (the agent's log, the
 * screen), and the sentence the human is told the first time the entry's server was seen cutting.
 * Set on the answer before it is journaled, so a recovered turn says the same. Pure.
 */
function withCuts(response: ProviderResponse, cuts: readonly SilentCut[]): ProviderResponse {
  if (cuts.length === 0) return response;
  const said = cuts.map(
    (cut) =>
      `${cut.modelKey}'s server reported ${cut.reported} prompt tokens, the whole of its ${cut.window}-token window: it cut the prompt silently (as Ollama keeps the end of a prompt longer than its num_ctx), so the model did not see all of it; lemming sizes ${cut.modelKey}'s prompts smaller from the next turn (org/state/token-ratios.json)`,
  );
  const first = cuts.findIndex((cut) => cut.first);
  const tell = first < 0 ? {} : { cutSilently: `${said[first]}. If the server's context is smaller than org/org.yaml models.${cuts[first]?.modelKey}.context_window says, set context_window to the server's (Ollama: its num_ctx).` };
  return { ...response, notes: [...(response.notes ?? []), ...said], ...tell };
}

/** The providers whose answer is a model's words: an empty one is no answer (an outside agent's program may work and print nothing; the offline model says nothing when nothing is asked). */
const MODEL_PROVIDERS: ReadonlySet<string> = new Set(['openai', 'anthropic', 'openai-compatible']);

/**
 * Why an answer is no answer: a vendor's model, shown a message (not only the engine's notices),
 * came back with no text and no tool call, and used no tool in the turn's steps (a loop that acted
 * and then said nothing ended as it should). Such an answer must not mark the agent's mail read and
 * idle the org as if it had been dealt with. Undefined for any other answer. Pure.
 */
export function answeredNothing(response: ProviderResponse, steps: readonly StepSummary[], org: Pick<Org, 'models'>, shown: readonly string[]): string | undefined {
  if (response.text.trim() !== '' || response.toolCalls.length > 0 || steps.some((step) => step.tools.length > 0)) return undefined;
  if (!MODEL_PROVIDERS.has(org.models[response.modelKey]?.provider ?? 'offline') || !shown.some((id) => !isNoticeId(id))) return undefined;
  const cap = org.models[response.modelKey]?.max_output_tokens;
  const cut = response.truncated ? `, stopped at the output cap (org/org.yaml models.${response.modelKey}.max_output_tokens: ${cap ?? 'not set'})` : '';
  return `${response.modelKey} answered nothing: no text and no tool call${cut}; the mail it was shown waits for its next call`;
}
