import { MAX_LINE_TOKENS } from '../org/ledger-line.js';
import type { ModelEntry } from '../org/schema.js';
import { MODEL_DEFAULTS } from './model-defaults.js';
import { ProviderError, refusedCallCause } from './provider-error.js';
import type { Provider, ProviderRequest, ProviderResponse, ToolCall, Usage } from './provider.js';
import { estimateInputTokens, estimateOutputTokens, LEAST_TOKEN_SCALE, reservedTokens } from './request-tokens.js';

/**
 * Whether a value a provider reported is a token count: a number of 0 or more. A fraction, and a
 * count past what a call can use (1e300, or 1e999, which JSON reads as Infinity), are counts still,
 * which `admitUsage` makes whole and caps; text, null, a negative number and NaN are no count, as a
 * count left out is. Every adapter reads a vendor's, an agent program's and an HTTP agent's counts by it.
 */
export function isReportedCount(value: unknown): value is number {
  return typeof value === 'number' && value >= 0;
}


/** Sentences kept from a usage that was already through a gate (a worker's): a few, each short. */
const KEPT_SENTENCES = { count: 10, length: 400 } as const;

/** What one answer of a model can have used, and where org/org.yaml says so. */
export interface UsageLimits {
  modelKey: string;
  /** Prompt tokens: the context window. */
  input: number;
  /** Answer tokens: the output cap, or the context window when the entry sets none. */
  output: number;
  /** The fields of the entry the two come from, named when a count is capped. */
  inputField: 'context_window';
  outputField: 'max_output_tokens' | 'context_window';
  /** Answers one call can sum: the first attempt and each retry (`max_retries`). */
  attempts: number;
  /** Texts one embedding request sends, each up to the context window (embedding-gate.ts); absent: one prompt. */
  texts?: number;
  /** The file the counts were read from when it is not the model's answer as it came (a cassette on replay): each sentence names it. */
  source?: string;
}

/** A registry entry's limits of one answer (see UsageLimits). Pure. */
export function usageLimits(modelKey: string, entry: Pick<ModelEntry, 'context_window' | 'max_output_tokens' | 'max_retries'>): UsageLimits {
  return {
    modelKey,
    input: entry.context_window,
    output: entry.max_output_tokens ?? entry.context_window,
    inputField: 'context_window',
    outputField: entry.max_output_tokens === undefined ? 'context_window' : 'max_output_tokens',
    attempts: (entry.max_retries ?? MODEL_DEFAULTS.maxRetries) + 1,
  };
}

/** Usage as it arrives from outside the process (a worker's result, a cassette): any field missing or of any type. */
export type UntrustedUsage = { readonly [K in keyof Usage]?: unknown };

/**
 * lemming's own counts of a call: lemming's estimate for an answer (marked `estimated`), none (0) for
 * an answer that could not be used, as outside-charge.ts and `reportedOnly` count it. What a count
 * that is not one stands for, and, unless the gate is given `least`, what sets the least a reported
 * count is taken at (LEAST_TOKEN_SCALE of it).
 */
export type MissingCounts = () => Pick<Usage, 'inputTokens' | 'outputTokens' | 'estimated'>;

/** lemming's own counts a reported count is held to LEAST_TOKEN_SCALE of: its estimate of the request, and of the answer when it could read it. */
export type LeastCounts = () => Pick<Usage, 'inputTokens' | 'outputTokens'>;

/** A missing count of an unusable answer: none. */
export const NO_COUNTS: MissingCounts = () => ({ inputTokens: 0, outputTokens: 0, estimated: false });

/**
 * The one gate every usage passes on its way in from a provider: the counts a vendor, an agent program,
 * an HTTP agent, a worker or a cassette gave for one call become whole numbers of 0 or more, rounded up
 * (a call is never cheaper by a fraction), at most what the call could have used: `limits` for each of
 * the answers it sums (`calls`, itself from 1 to the attempts the entry allows), and at least
 * LEAST_TOKEN_SCALE of lemming's own count of the request and of the answer (`least`, else `own`), so a
 * server that reports 0 tokens for a long prompt and answer is charged for them (the usage is then marked
 * `estimated`). A usage that sums several answers is held to one answer's least: the others may be
 * unusable ones that came back with no count, and each was held to its own as it passed a gate. A price
 * per call is charged by `calls` (money/charge.ts), so no call is free. What was changed is said, a sentence a change, in `clamped`: the trace shows it and the engine tells the human. Pure.
 */
export function admitUsage(reported: UntrustedUsage | undefined, limits: UsageLimits, own: MissingCounts, least: LeastCounts = own): Usage {
  const said: string[] = keptSentences(reported?.clamped);
  let estimate: ReturnType<MissingCounts> | undefined;
  let fewest: ReturnType<LeastCounts> | undefined;
  let estimated = false;
  const ours = (): ReturnType<MissingCounts> => (estimate ??= own());
  const leastOf = (): ReturnType<LeastCounts> => (fewest ??= least === own ? ours() : least());
  const calls = admittedCalls(reported?.calls, limits, said);
  const count = (kind: 'input' | 'output', value: unknown): number => {
    const ourCount = () => (kind === 'input' ? ours().inputTokens : ours().outputTokens);
    if (!isReportedCount(value)) {
      estimated ||= ours().estimated;
      return ourCount();
    }
    const texts = kind === 'input' ? (limits.texts ?? 1) : 1;
    const most = Math.min((kind === 'input' ? limits.input : limits.output) * texts * calls, MAX_LINE_TOKENS);
    const field = kind === 'input' ? limits.inputField : limits.outputField;
    const whole = Math.ceil(value);
    const reportedAs = `${whoReported(limits)} reported ${value} ${kind} tokens`;
    if (whole > most) {
      const asked = texts > 1 ? `a request of ${texts} texts` : calls === 1 ? 'a call' : `${calls} calls`;
      said.push(`${reportedAs}; counted as ${most}, the most ${asked} to it can use (org/org.yaml models.${limits.modelKey}.${field})`);
      return most;
    }
    const base = kind === 'input' ? leastOf().inputTokens : leastOf().outputTokens;
    const fewest = fewestCounted(base, most);
    if (whole < fewest) {
      said.push(countedAtFewest(reportedAs, kind, fewest, base));
      estimated = true;
      return fewest;
    }
    if (whole !== value) said.push(`${reportedAs}; counted as ${whole} (token counts are whole)`);
    return whole;
  };
  const inputTokens = count('input', reported?.inputTokens);
  const outputTokens = count('output', reported?.outputTokens);
  // The cached parts of the input are held to it, as a server that claims more than it was sent always was (usage.ts).
  const read = isReportedCount(reported?.cachedInputTokens) ? Math.min(Math.ceil(reported.cachedInputTokens), inputTokens) : 0;
  const written = isReportedCount(reported?.cacheWriteTokens) ? Math.min(Math.ceil(reported.cacheWriteTokens), inputTokens - read) : 0;
  return {
    inputTokens,
    outputTokens,
    ...(read > 0 ? { cachedInputTokens: read } : {}),
    ...(written > 0 ? { cacheWriteTokens: written } : {}),
    estimated: reported?.estimated === true || estimated,
    ...(calls > 1 ? { calls } : {}),
    ...(said.length > 0 ? { clamped: said } : {}),
  };
}

/** Who a sentence of the gate says gave a count: the model, and the file it was read from when it is one (a cassette recorded by an earlier lemming may hold counts it would not). */
function whoReported(limits: UsageLimits): string {
  return limits.source === undefined ? limits.modelKey : `${limits.source} recorded: ${limits.modelKey}`;
}

/** The fewest tokens a server is believed to count for what lemming estimates at `estimate` tokens: LEAST_TOKEN_SCALE of it, rounded up, at most `most`. Pure. */
export function fewestCounted(estimate: number, most: number): number {
  return Math.min(Math.ceil(estimate * LEAST_TOKEN_SCALE), most);
}

/** What is said of a count below the fewest (`reportedAs`: "<model> reported <n> <kind> tokens"). Pure. */
export function countedAtFewest(reportedAs: string, kind: 'input' | 'output', fewest: number, estimate: number): string {
  return `${reportedAs}; counted as ${fewest}, the fewest a server is believed to count for the ${kind === 'input' ? 'request' : 'answer'}: 1 token for every ${1 / LEAST_TOKEN_SCALE} of lemming's estimate of it (${estimate} tokens)`;
}

/** The answers a usage sums: one unless it says more, never more than the attempts its entry allows. */
function admittedCalls(value: unknown, limits: UsageLimits, said: string[]): number {
  if (value === undefined) return 1;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= limits.attempts) return value;
  const calls = typeof value === 'number' && value > limits.attempts ? limits.attempts : 1;
  const why = calls === 1 ? 'a call is one answer or more' : `at most ${limits.attempts} with org/org.yaml models.${limits.modelKey}.max_retries`;
  said.push(`${whoReported(limits)}'s answer said it summed ${JSON.stringify(value) ?? String(value)} calls; counted as ${calls} (${why})`);
  return calls;
}

/** The sentences of a gate this usage already passed (a worker's), as text of bounded size. */
function keptSentences(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((sentence): sentence is string => typeof sentence === 'string')
    .slice(0, KEPT_SENTENCES.count)
    .map((sentence) => sentence.slice(0, KEPT_SENTENCES.length));
}

/**
 * One model's provider whose answers, and the unusable answers its failures carry, pass the usage
 * gate (admitUsage, above) with that model's limits. It is put round each place usage comes into lemming:
 * a vendor's adapter, an agent program's and an HTTP agent's (live-chain.ts, inside the rate limits
 * and retries, so they count what the gate admitted), a worker's result read from the queue, and a
 * cassette's answer on replay. Every answer it gives is its model's: a result that names another
 * model, or splits itself between models, is counted as this one's.
 */
export class UsageGate implements Provider {
  private readonly limits: UsageLimits;

  constructor(
    private readonly inner: Provider,
    modelKey: string,
    private readonly entry: Pick<ModelEntry, 'context_window' | 'max_output_tokens' | 'max_retries'>,
    /** The file its answers are read from (a cassette), named in what the gate says. */
    source?: string,
  ) {
    this.limits = { ...usageLimits(modelKey, entry), ...(source === undefined ? {} : { source }) };
  }

  async generate(request: ProviderRequest): Promise<ProviderResponse> {
    let response: ProviderResponse;
    try {
      response = await this.inner.generate(request);
    } catch (error) {
      throw admitFailure(withUnreadAnswer(error, request, this.entry), this.limits, request);
    }
    return admitResponse(response, request, this.limits);
  }
}

/**
 * An answer with its usage admitted: counts missing from it are lemming's estimate of the request and of
 * what it says. Its tool calls' arguments are admitted too (admitToolCall): every later reader (the
 * journal, the trace, the tools) walks them. Pure.
 */
export function admitResponse(response: ProviderResponse, request: ProviderRequest, limits: UsageLimits): ProviderResponse {
  const { charged: _split, ...answer } = response;
  const toolCalls: ToolCall[] | undefined = Array.isArray(response.toolCalls) ? response.toolCalls.map(admitToolCall) : undefined;
  const estimate = () => ({ inputTokens: estimateInputTokens(request), outputTokens: estimateOutputTokens(typeof response.text === 'string' ? response.text : '', toolCalls ?? []), estimated: true });
  return { ...answer, ...(toolCalls ? { toolCalls } : {}), modelKey: limits.modelKey, usage: admitUsage(response.usage as UntrustedUsage | undefined, limits, estimate) };
}

/** How deep lists and maps may sit inside each other in a tool call's arguments: a tool's schema needs a few levels (an org file may have as many: editable/yaml-source.ts). */
export const MAX_ARGUMENT_NESTING = 64;

/**
 * A tool call as lemming keeps it: arguments that nest lists and maps deeper than MAX_ARGUMENT_NESTING
 * are not kept, and the call is a malformed one (`argumentsError`) the model is told of.
 * JSON.parse reads any depth, but writing the journal (JSON.stringify), validating and copying recurse
 * once a level: a server's arguments a million lists deep stopped the run with "Maximum call stack
 * size exceeded" before its answer was journaled or charged. Pure.
 */
export function admitToolCall(call: ToolCall): ToolCall {
  if (!nestsDeeperThan(call?.arguments, MAX_ARGUMENT_NESTING)) return call;
  return { ...call, arguments: {}, argumentsError: `they nest lists and maps more than ${MAX_ARGUMENT_NESTING} levels deep; lemming reads no deeper` };
}

/** Whether lists and maps in `value` sit more than `limit` levels inside each other, found without recursion. Pure. */
function nestsDeeperThan(value: unknown, limit: number): boolean {
  const waiting: Array<{ value: unknown; level: number }> = [{ value, level: 1 }];
  for (let next = waiting.pop(); next !== undefined; next = waiting.pop()) {
    if (typeof next.value !== 'object' || next.value === null) continue;
    if (next.level > limit) return true;
    for (const inner of Object.values(next.value)) if (typeof inner === 'object' && inner !== null) waiting.push({ value: inner, level: next.level + 1 });
  }
  return false;
}

/**
 * A failure whose answer lemming refused unread (too large: sdk-call.ts, queue-provider.ts) with that
 * answer as an unusable one, counted at what the call was reserved at (request-tokens.ts,
 * reservedTokens: the prompt as lemming counts it, times its server's learned ratio, the output cap), marked estimated: its server did
 * the work and its vendor bills it; charged nothing, a broken or hostile server could be called turn
 * after turn with spending that never added up. One that carries its answers already (a worker's, through its own gate)
 * and any other error, as it is. Pure.
 */
function withUnreadAnswer(error: unknown, request: ProviderRequest, entry: Pick<ModelEntry, 'max_output_tokens'>): unknown {
  if (refusedCallCause(error) === undefined || (error as ProviderError).unusable !== undefined) return error;
  // The ratio its server taught, as the request carries it for its model: the call is charged the tokens it was reserved at.
  const usage = reservedTokens(request, entry, request.promptSizing?.[request.modelKey]?.inputScale);
  return (error as ProviderError).withUnusable([{ modelKey: request.modelKey, usage: { ...usage, estimated: true } }]);
}

/**
 * A failure with the unusable answers it carries admitted, each counting none where it reported none; any
 * other error as it is. An answer that came back with a count read `request`: its input is held to
 * LEAST_TOKEN_SCALE of lemming's estimate of it, as a usable answer's is (a server answering `choices: []`
 * with 0 tokens for a long prompt was charged nothing, an agent program's failed run only its price per
 * call). Its output is not: lemming could not read it to count it. Being marked `estimated` changes
 * nothing: lemming's own counts of an unusable answer are none (noCount: a run that printed no usage) or its
 * reservation, above the floor; a count below it marked so (a cassette's, a worker's result from Redis,
 * edited to 1 input token) was charged as it said. Pure.
 */
export function admitFailure(error: unknown, limits: UsageLimits, request: ProviderRequest): unknown {
  if (!(error instanceof ProviderError) || error.unusable === undefined) return error;
  const answers = Array.isArray(error.unusable) ? error.unusable : [];
  const read: LeastCounts = () => ({ inputTokens: estimateInputTokens(request), outputTokens: 0 });
  return error.withUnusable(
    answers.map((answer) => {
      const usage = (answer as { usage?: UntrustedUsage } | null)?.usage;
      return { modelKey: limits.modelKey, usage: admitUsage(usage, limits, NO_COUNTS, noCount(usage) ? NO_COUNTS : read) };
    }),
  );
}

/** Whether an unusable answer's usage is lemming's none: 0 and 0, marked `estimated` (outside-charge.ts, ranCharge: a run that reported no count). Pure. */
function noCount(usage: UntrustedUsage | undefined): boolean {
  return usage?.estimated === true && usage.inputTokens === 0 && usage.outputTokens === 0;
}
