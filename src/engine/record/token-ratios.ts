import type { Problem } from '../../errors.js';
import { nameRecord } from '../../org/names.js';
import type { ModelEntry } from '../../org/schema.js';
import { heldToWindow, promptBytes, promptSizing, promptTokenBound } from '../../providers/context-fit.js';
import { areSizes, type StatedSizes } from '../../providers/provider-error.js';
import type { PromptSizing, ProviderRequest, ProviderResponse } from '../../providers/provider.js';
import { estimateInputTokens, MOST_INPUT_SCALE } from '../../providers/request-tokens.js';
import { systemWithTextReply } from '../../providers/text-tools/text-reply-format.js';
import { writeFileAtomic } from '../../storage/atomic-write.js';
import { statePaths } from './state-paths.js';
import { endpointOf, isCount, LEARNED_BOUNDS, RATIOS_FILE, readRatiosFile, type EndpointCounts, type RatiosFile } from './token-ratios-file.js';

/** The org's model registry, by model key. */
export type Registry = Readonly<Record<string, ModelEntry>>;

/** What one call taught beyond its ratio: that its server cut the prompt silently, and what was not believed or was unlearned. */
export interface Learned {
  cutSilently?: { window: number; reported: number; first: boolean };
  /** A sentence each, for the agent's log: a count not believed, a window unlearned. */
  notes: string[];
}

/** The providers sent lemming's prompt as it is: their counts are of it. An agent program's (`command`, `http`) count its own calls. */
const LEARNS_FROM: ReadonlySet<ModelEntry['provider']> = new Set(['openai', 'anthropic', 'openai-compatible']);

/**
 * The prompt as it went to the server: with the tools described in the system prompt instead of sent
 * as definitions when the answer was read as text (providers/wire-adapter.ts), so a model without tool
 * calling teaches the ratio of what it was sent. Pure.
 */
function sentPrompt(request: Pick<ProviderRequest, 'system' | 'messages' | 'tools'>, toolsAsText: boolean): Pick<ProviderRequest, 'system' | 'messages' | 'tools'> {
  return toolsAsText && request.tools.length > 0 ? { system: systemWithTextReply(request.system, request.tools), messages: request.messages, tools: [] } : request;
}

/**
 * The tokens a byte `tokens` make of a prompt of `bytes` bytes and at most `bound` tokens, when they are
 * a count a server could have made of it: no more than the bound (a token a byte, with a chat
 * template's markers: context-fit.ts, promptTokenBound), and no fewer than the least a tokenizer packs
 * into a byte. Undefined otherwise: such a count is not learned from. The one gate of what a server's
 * count teaches. Pure.
 */
function believedRatio(tokens: number, { bytes, bound }: Pick<Lesson, 'bytes' | 'bound'>): number | undefined {
  const { least, most } = LEARNED_BOUNDS.tokensPerByte;
  if (!(bytes > 0 && tokens <= bound && tokens >= least * bytes)) return undefined;
  return Math.min(most, tokens / bytes);
}

/**
 * What one answer or one refusal taught, as numbers. Journaled with the call's answer (record/journal.ts,
 * `taught`), so a turn finished after a crash learns from the answers it does not ask for again, and
 * from the refusals before them, what the first attempt learned.
 */
export type Lesson = AnswerLesson | RefusalLesson;

/**
 * What one answered call can teach: its model, the prompt tokens its server counted, and the prompt as
 * sent (its bytes, the most tokens any tokenizer makes of it, lemming's estimate and its characters).
 */
export interface AnswerLesson {
  modelKey: string;
  reported: number;
  bytes: number;
  bound: number;
  estimated: number;
  characters: number;
}

/**
 * What a refusal that stated sizes teaches (learnRefusal): its model, the sizes it stated, and the
 * refused prompt as sent (its bytes and the most tokens any tokenizer makes of it). Journaled with the
 * answer its call went on to get, among that call's lessons, in the order they came.
 */
export interface RefusalLesson {
  modelKey: string;
  stated: StatedSizes;
  bytes: number;
  bound: number;
}

/**
 * What each server has taught lemming of its prompts, by endpoint (`org/state/token-ratios.json`,
 * token-ratios-file.ts): a hosted API's real tokens per character, which estimates costs, and for a
 * local server without a tokenizer the tokens a byte its last calls showed and the smaller context
 * it stated, which size its prompts. Each count passes one gate as it is learned (`believedRatio`),
 * the file passes the same bounds as it is read back, a window is unlearned by an answer that held
 * more, and whatever a learned value makes lemming hold back names it, its file and how to forget it.
 */
export class TokenRatios {
  private changed: boolean;

  private constructor(
    private readonly path: string,
    private readonly file: RatiosFile,
    /** The counts as loaded: what sizes this turn's prompts, however many answers arrive meanwhile. */
    private readonly frozen: Readonly<Record<string, EndpointCounts>>,
    private readonly models: Registry,
    /** What the file held that is not believed, each left out: said once as a warning, and the file written without it. */
    readonly problems: readonly Problem[],
  ) {
    this.changed = problems.length > 0;
  }

  /**
   * The ratios for `turn` of an org with these models. `journaled`: the turn is one a crash left
   * unfinished, which sizes as its first attempt did, and these are what the answers it journaled taught
   * (record/journal.ts, lessonsJournaled): applied, not asked for again, they are learned from their records.
   * A context stated more than LEARNED_BOUNDS.windowTurns turns before is forgotten.
   */
  static load(root: string, models: Registry, turn: number, journaled?: readonly Lesson[]): TokenRatios {
    const recovering = journaled !== undefined;
    // Kept with the org's record: a clone sizes its prompts as the original did.
    const path = statePaths(root).tokenRatios;
    const { file, problems } = readRatiosFile(path);
    const sizing = recovering && file.turn === turn && file.sizedWith ? file.sizedWith : file.endpoints;
    const frozen = nameRecord(structuredClone(sizing));
    let forgot = false;
    for (const counts of [...Object.values(file.endpoints), ...Object.values(frozen)]) {
      if (counts.windowTurn !== undefined && turn - counts.windowTurn > LEARNED_BOUNDS.windowTurns) {
        delete counts.window;
        delete counts.windowTurn;
        forgot = true;
      }
    }
    const ratios = new TokenRatios(path, file, frozen, models, problems);
    ratios.changed ||= forgot;
    for (const lesson of journaled ?? []) ratios.learnFrom(lesson, turn);
    return ratios;
  }

  private frozenOf(modelKey: string): EndpointCounts | undefined {
    const entry = this.models[modelKey];
    return entry ? this.frozen[endpointOf(entry)] : undefined;
  }

  /**
   * Real tokens per estimated token for an entry: 1 until its server has reported usage, never below 1.
   * An entry whose prompts are held to its window (a local server's, context-fit.ts heldToWindow) is
   * sized with the estimate its provider holds them to, from the prior on: 4 characters a token at
   * its tokens a byte.
   */
  scale(modelKey: string, entry?: Pick<ModelEntry, 'provider' | 'base_url'>): number {
    const counts = this.frozenOf(modelKey);
    const averaged = !counts || counts.estimated <= 0 ? 1 : counts.tokens / counts.estimated;
    const held = entry && heldToWindow(entry) ? 4 * this.sizing(modelKey).tokensPerByte : 0;
    return Math.min(MOST_INPUT_SCALE, Math.max(1, averaged, held));
  }

  /**
   * How this turn estimates an entry's prompts where its server offers no tokenizer (providers/context-fit.ts), naming
   * what was learned; and the scale its calls are reserved at (`scale`), which the usage gate charges an answer refused unread at.
   */
  sizing(modelKey: string): PromptSizing {
    const counts = this.frozenOf(modelKey);
    const sizing = { ...promptSizing(counts), inputScale: this.scale(modelKey) };
    return counts?.seen?.length ? { ...sizing, source: `${sizing.source}; ${this.keptAt(modelKey, 'seen')}` } : sizing;
  }

  /** The context an entry's server said it holds, when smaller than its `context_window`; as this turn sizes prompts. */
  window(modelKey: string): number | undefined {
    const entry = this.models[modelKey];
    const window = this.frozenOf(modelKey)?.window;
    return entry && window !== undefined && window < entry.context_window ? window : undefined;
  }

  /** What the learned window of an entry is, where it is kept and how to forget it: said by whatever it holds back. Undefined when none sizes this turn. */
  windowSaid(modelKey: string): string | undefined {
    const window = this.window(modelKey);
    if (window === undefined) return undefined;
    const turn = this.frozenOf(modelKey)?.windowTurn;
    return `the ${window}-token context ${modelKey}'s server stated${turn === undefined ? '' : ` in turn ${turn}`} (org/org.yaml models.${modelKey}.context_window says ${this.models[modelKey]?.context_window}), ${this.keptAt(modelKey, 'window')}`;
  }

  private keptAt(modelKey: string, field: keyof EndpointCounts): string {
    const entry = this.models[modelKey];
    const endpoint = entry ? endpointOf(entry) : modelKey;
    return `learned and kept in ${RATIOS_FILE} endpoints[${JSON.stringify(endpoint)}].${field}: remove that record, or the file, to forget it`;
  }

  /** The entry a call to `modelKey` teaches about, with its endpoint's counts; undefined for one nothing is learned from. */
  private learning(modelKey: string, turn: number): { entry: ModelEntry; counts: EndpointCounts } | undefined {
    const entry = this.models[modelKey];
    // A recovered turn teaches nothing twice.
    if (!entry || !LEARNS_FROM.has(entry.provider) || turn <= this.file.turn) return undefined;
    const endpoint = endpointOf(entry);
    let counts = this.file.endpoints[endpoint];
    if (!counts) {
      counts = { characters: 0, tokens: 0, estimated: 0 };
      this.file.endpoints[endpoint] = counts;
    }
    return { entry, counts };
  }

  /** One call's tokens a byte: kept with the last few, the oldest forgotten. */
  private observe(counts: EndpointCounts, ratio: number): void {
    counts.seen = [...(counts.seen ?? []), ratio].slice(-LEARNED_BOUNDS.keptCalls);
    this.changed = true;
  }

  private forgetWindow(counts: EndpointCounts): void {
    delete counts.window;
    delete counts.windowTurn;
    this.changed = true;
  }

  /**
   * Learn from a refusal that stated sizes (providers/provider-error.ts, statedSizes): the tokens the
   * server counted of the refused prompt against its bytes, and the context it holds when smaller
   * than the entry's (from LEARNED_BOUNDS.leastWindow up); a context at least the entry's unlearns a
   * smaller one. Kept for the turns after this one; this turn's retry is sized by the sizes themselves
   * (engine/turn/context-retry.ts). Returns what was not believed or was unlearned, a sentence each.
   */
  learnRefusal(request: Pick<ProviderRequest, 'modelKey' | 'system' | 'messages' | 'tools'>, stated: StatedSizes, turn: number): string[] {
    const lesson = this.refusalLessonOf(request, stated);
    return lesson ? this.learnFrom(lesson, turn)?.notes ?? [] : [];
  }

  /** What a refusal that stated sizes teaches of the request it refused, or undefined for an entry whose provider's counts are not of lemming's prompt. */
  refusalLessonOf(request: Pick<ProviderRequest, 'modelKey' | 'system' | 'messages' | 'tools'>, stated: StatedSizes): RefusalLesson | undefined {
    const entry = this.models[request.modelKey];
    if (!entry || !LEARNS_FROM.has(entry.provider)) return undefined;
    const prompt = sentPrompt(request, entry.tool_calling === false);
    return { modelKey: request.modelKey, stated: { promptTokens: stated.promptTokens, window: stated.window }, bytes: promptBytes(prompt), bound: promptTokenBound(prompt) };
  }

  /** learnRefusal from its lesson: the refusal as it came, or as its call's journal record keeps it. */
  private learnRefusalFrom(lesson: RefusalLesson, turn: number): string[] {
    const { modelKey: key, stated } = lesson;
    // Read back from a journal, sizes no refusal could state teach nothing, as from a refusal's text.
    const learning = typeof stated === 'object' && stated !== null && areSizes(stated) ? this.learning(key, turn) : undefined;
    if (!learning) return [];
    const { entry, counts } = learning;
    const notes: string[] = [];
    const ratio = believedRatio(stated.promptTokens, lesson);
    if (ratio === undefined) notes.push(`${key}'s server stated ${stated.promptTokens} tokens for a prompt of ${lesson.bytes} bytes, which no tokenizer counts of it: not learned`);
    else this.observe(counts, ratio);
    if (stated.window >= entry.context_window) {
      if (counts.window !== undefined) notes.push(`${key}'s server stated a context of ${stated.window} tokens, not the ${counts.window} it stated before: that smaller context is forgotten (${RATIOS_FILE})`);
      this.forgetWindow(counts);
    } else if (stated.window < LEARNED_BOUNDS.leastWindow) {
      notes.push(`${key}'s server stated a context of ${stated.window} tokens, less than the ${LEARNED_BOUNDS.leastWindow} lemming believes a server holds: not kept (if the server's context is so small, set org/org.yaml models.${key}.context_window to it)`);
    } else {
      counts.window = stated.window;
      counts.windowTurn = turn;
      this.changed = true;
    }
    return notes;
  }

  /**
   * Count an answered call whose server reported its usage: the call's own prompt against the tokens
   * its server counted for it (each step of a loop is a call of its own). A count no tokenizer could
   * make of what was sent (more than a token a byte with a template's markers: a server claiming the
   * whole window for a short prompt) is not learned from, and said. A prompt larger than
   * the context the server once stated unlearns that context. A count at the whole of the window (the
   * entry's, or the smaller one its server stated) is a prompt the server cut silently, as Ollama
   * does: it teaches that the server counted at least its window of what was sent, and is said (the
   * first time for the endpoint, to the human too).
   */
  learn(request: Pick<ProviderRequest, 'modelKey' | 'system' | 'messages' | 'tools'>, response: ProviderResponse, turn: number): Learned | undefined {
    const lesson = this.lessonOf(request, response);
    return lesson ? this.learnFrom(lesson, turn) : undefined;
  }

  /**
   * What an answer teaches of its request, or undefined for one that teaches nothing: an entry whose
   * provider's counts are not of lemming's prompt; not one answer to one request (its usage also counts
   * an unusable answer, another model's); counts the usage gate did not take as reported.
   */
  lessonOf(request: Pick<ProviderRequest, 'modelKey' | 'system' | 'messages' | 'tools'>, response: ProviderResponse): AnswerLesson | undefined {
    const entry = this.models[request.modelKey];
    if (!entry || !LEARNS_FROM.has(entry.provider)) return undefined;
    if (response.usage.estimated || response.usage.clamped !== undefined || response.charged !== undefined || response.modelKey !== request.modelKey || response.usage.inputTokens <= 0) return undefined;
    const prompt = sentPrompt(request, response.toolsAsText === true);
    return {
      modelKey: request.modelKey,
      reported: response.usage.inputTokens,
      bytes: promptBytes(prompt),
      bound: promptTokenBound(prompt),
      estimated: estimateInputTokens(request),
      characters: request.system.length + request.messages.reduce((sum, message) => sum + message.content.length, 0) + JSON.stringify(request.tools).length,
    };
  }

  /** Learn what one answered call (learn) or one refusal (learnRefusal) teaches, from its lesson: as it came, or as its journal record keeps it. */
  learnFrom(lesson: Lesson, turn: number): Learned | undefined {
    // Read back from a journal, a lesson whose sizes are no counts teaches nothing: summed, it wrote a file its own reader refuses.
    if (!isCount(lesson?.bytes) || !isCount(lesson.bound)) return undefined;
    if ('stated' in lesson) {
      const notes = this.learnRefusalFrom(lesson, turn);
      return notes.length > 0 ? { notes } : undefined;
    }
    const learning = this.learning(lesson.modelKey, turn);
    if (!learning) return undefined;
    const { entry, counts } = learning;
    const { modelKey: key, reported, bytes, estimated } = lesson;
    if (!isCount(reported) || !isCount(estimated) || !isCount(lesson.characters)) return undefined;
    const ratio = believedRatio(reported, lesson);
    if (ratio === undefined) {
      return { notes: [`${key}'s server reported ${reported} prompt tokens for a prompt of ${bytes} bytes (at most ${lesson.bound} by any tokenizer, at least ${Math.ceil(LEARNED_BOUNDS.tokensPerByte.least * bytes)}): not a count lemming learns from, so its prompts are sized as before`] };
    }
    const notes: string[] = [];
    if (counts.window !== undefined && reported > counts.window) {
      notes.push(`${key}'s server took a prompt of ${reported} tokens, more than the ${counts.window}-token context it stated${counts.windowTurn === undefined ? '' : ` in turn ${counts.windowTurn}`}: that context is forgotten (${RATIOS_FILE}), and prompts are sized by org/org.yaml models.${key}.context_window from the next turn`);
      this.forgetWindow(counts);
    }
    const window = Math.min(entry.context_window, counts.window ?? Number.POSITIVE_INFINITY);
    if (reported >= window) {
      // The server counted at least its window of this prompt; and the estimate is unsure again: the first margin.
      const atLeast = believedRatio(window, lesson);
      if (atLeast !== undefined) this.observe(counts, atLeast);
      counts.reports = 0;
      const first = counts.cutSilently === undefined;
      counts.cutSilently ??= turn;
      this.changed = true;
      return { cutSilently: { window, reported, first }, notes };
    }
    // The ratio every estimated charge of the entry scales by (scale) is summed only from counts within its bound, the bound the file is read back with (token-ratios-file.ts).
    if (reported > estimated * MOST_INPUT_SCALE) {
      notes.push(`${key}'s server reported ${reported} prompt tokens where lemming estimated ${estimated}: more than ${MOST_INPUT_SCALE} a token, so not counted in the ratio its calls are reserved and charged at`);
    } else {
      counts.characters += lesson.characters;
      counts.tokens += reported;
      counts.estimated += estimated;
    }
    counts.reports = (counts.reports ?? 0) + 1;
    this.observe(counts, ratio);
    return notes.length > 0 ? { notes } : undefined;
  }

  /** Write what `turn` taught, once; a file that held what was not believed is written without it. */
  save(turn: number): void {
    if (!this.changed) return;
    this.changed = false;
    writeFileAtomic(this.path, `${JSON.stringify({ ...this.file, turn, sizedWith: this.frozen } satisfies RatiosFile)}\n`);
  }
}
