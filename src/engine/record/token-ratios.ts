import { nameRecord } from '../../org/names.js';
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../storage/atomic-write.js';
import { estimateInputTokens } from '../../providers/request-tokens.js';
import type { PromptSizing, ProviderRequest, ProviderResponse } from '../../providers/provider.js';
import { heldToWindow, promptBytes, promptSizing } from '../../providers/context-fit.js';
import type { StatedSizes } from '../../providers/provider-error.js';
import { systemWithTextReply } from '../../providers/text-tools/text-reply-format.js';
import { statePaths } from './state-paths.js';
import type { ModelEntry } from '../../org/schema.js';

/** What the servers of one registry entry counted, summed over the calls that reported usage. */
export interface ModelTokenCounts {
  /** Characters lemming sent: system prompt, messages and tool definitions. */
  characters: number;
  /** Input tokens the server reported for them. */
  tokens: number;
  /** What lemming's estimate (4 characters a token) made of the same prompts. */
  estimated: number;
  /**
   * The highest tokens a byte one call showed: its reported prompt tokens against the bytes sent, a
   * refusal's stated tokens against the bytes refused, or, for a prompt cut silently, its server's
   * window against the bytes sent (it counted at least that). What the estimate of a server without
   * a tokenizer is sized with (providers/context-fit.ts, PROMPT_ESTIMATE).
   */
  highest?: number;
  /** How many answered calls taught `highest` since its server last cut a prompt: the estimate's margin narrows after the first few. */
  reports?: number;
  /** The context size the server said it holds when it refused a prompt, when smaller than the entry's `context_window`. */
  window?: number;
  /** The turn in which the server was first seen to cut a prompt silently: the human is told once. */
  cutSilently?: number;
}

/** What one answered call taught of its entry's prompts: nothing new, or that its server cut the prompt silently. */
export type Learned = undefined | { cutSilently: { window: number; reported: number; first: boolean } };

interface RatiosFile {
  version: 1;
  /** The last turn whose calls were counted: a turn finished after a crash is not counted twice. */
  turn: number;
  models: Record<string, ModelTokenCounts>;
  /**
   * The counts `turn`'s prompts were sized with, before it taught anything: a turn finished after
   * a crash that came after this file was written sizes its prompts (and cuts its tool results) as
   * the interrupted attempt did.
   */
  sizedWith?: Record<string, ModelTokenCounts>;
}

/**
 * Bytes of the prompt as it went to the server: with the tools described in the system prompt
 * instead of sent as definitions when the answer was read as text (providers/wire-adapter.ts), so a
 * model without tool calling teaches the ratio of what it was sent. Pure.
 */
function sentBytes(request: Pick<ProviderRequest, 'system' | 'messages' | 'tools'>, toolsAsText: boolean): number {
  return promptBytes(toolsAsText && request.tools.length > 0 ? { system: systemWithTextReply(request.system, request.tools), messages: request.messages, tools: [] } : request);
}

/** A server may count many more tokens than the estimate, but a scale past this is more likely a bad report. */
const MAX_SCALE = 8;
/** No tokenizer makes more tokens than bytes, but a chat template's markers add some to a short prompt: past this, a report is not believed. */
const MOST_TOKENS_PER_BYTE = 2;
/** A stated context smaller than this is not a window a prompt could be sized to: not believed. */
const LEAST_WINDOW = 256;

/**
 * Each registry entry's real tokens per character, learned from the usage its server
 * reports (`org/state/token-ratios.json`). Prompts are sized and calls priced with it, so a
 * server that counts 1,019 tokens where lemming's estimate says 389 gets prompts that fit.
 * It only ever makes the estimate larger: a server that counts fewer tokens than the
 * estimate leaves prompts as the documented estimate sizes them.
 */
export class TokenRatios {
  private changed = false;

  private constructor(
    private readonly path: string,
    private readonly file: RatiosFile,
    /** The counts as loaded: what sizes this turn's prompts, however many answers arrive meanwhile. */
    private readonly frozen: Readonly<Record<string, ModelTokenCounts>>,
  ) {}

  /** The ratios for a turn; `recovering` is the turn a crash left unfinished, which sizes as it did before. */
  static load(root: string, recovering?: number): TokenRatios {
    // Kept with the org's record: a clone sizes its prompts as the original did.
    const path = statePaths(root).tokenRatios;
    let file: RatiosFile = { version: 1, turn: 0, models: nameRecord() };
    try {
      const data = JSON.parse(readFileSync(path, 'utf8')) as RatiosFile;
      // Keyed by model keys: copied into records without a prototype (see org/names.ts), so a key like `constructor` counts from zero.
      if (data.version === 1 && typeof data.models === 'object' && data.models !== null) {
        file = { ...data, models: nameRecord(data.models), ...(data.sizedWith ? { sizedWith: nameRecord(data.sizedWith) } : {}) };
      }
    } catch {
      // None learned yet.
    }
    const sizing = recovering !== undefined && file.turn === recovering && file.sizedWith ? file.sizedWith : file.models;
    return new TokenRatios(path, file, nameRecord(structuredClone(sizing)));
  }

  /** The server's tokens per character for an entry, once it has reported any. */
  tokensPerCharacter(modelKey: string): number | undefined {
    const counts = this.frozen[modelKey];
    return counts && counts.characters > 0 ? counts.tokens / counts.characters : undefined;
  }

  /**
   * Real tokens per estimated token for an entry: 1 until its server has reported usage, never below 1.
   * An entry whose prompts are held to its window (a local server's, context-fit.ts heldToWindow) is
   * sized with the estimate its provider holds them to, from the prior on: 4 characters a token at
   * its tokens a byte.
   */
  scale(modelKey: string, entry?: Pick<ModelEntry, 'provider' | 'base_url'>): number {
    const counts = this.frozen[modelKey];
    const averaged = !counts || counts.estimated <= 0 ? 1 : counts.tokens / counts.estimated;
    const held = entry && heldToWindow(entry) ? 4 * this.sizing(modelKey).tokensPerByte : 0;
    return Math.min(MAX_SCALE, Math.max(1, averaged, held));
  }

  /** How this turn estimates an entry's prompts where its server offers no tokenizer (providers/context-fit.ts). */
  sizing(modelKey: string): PromptSizing {
    return promptSizing(this.frozen[modelKey]);
  }

  /** The context size an entry's server said it holds, when smaller than its `context_window`; as this turn sizes prompts. */
  window(modelKey: string): number | undefined {
    return this.frozen[modelKey]?.window;
  }

  /**
   * Learn from a refusal that stated sizes (providers/provider-error.ts, statedSizes): the tokens the
   * server counted of the refused prompt against its bytes, and the context it holds when smaller
   * than the entry's. Kept for the turns after this one; this turn's retry is sized by the sizes
   * themselves (engine/turn/context-retry.ts).
   */
  learnRefusal(request: Pick<ProviderRequest, 'modelKey' | 'system' | 'messages' | 'tools'>, stated: StatedSizes, turn: number, entry: Pick<ModelEntry, 'provider' | 'context_window' | 'tool_calling'> | undefined): void {
    if (!entry || entry.provider === 'offline' || turn <= this.file.turn) return;
    const counts = this.countsOf(request.modelKey);
    this.raise(counts, stated.promptTokens / sentBytes(request, entry.tool_calling === false));
    if (stated.window < entry.context_window && stated.window >= LEAST_WINDOW) counts.window = Math.min(counts.window ?? stated.window, stated.window);
    this.changed = true;
  }

  private countsOf(modelKey: string): ModelTokenCounts {
    let counts = this.file.models[modelKey];
    if (!counts) {
      counts = { characters: 0, tokens: 0, estimated: 0 };
      this.file.models[modelKey] = counts;
    }
    return counts;
  }

  private raise(counts: ModelTokenCounts, tokensPerByte: number): void {
    if (!Number.isFinite(tokensPerByte) || tokensPerByte <= 0) return;
    counts.highest = Math.max(counts.highest ?? 0, Math.min(MOST_TOKENS_PER_BYTE, tokensPerByte));
  }

  /**
   * Count an answered call whose server reported its usage: the call's own prompt against the
   * tokens its server counted for it (each step of a loop is a call of its own). The offline model counts with
   * the documented estimate by definition: there is nothing to learn from it. A count at the whole of
   * the window (the entry's, or the smaller one its server stated) is a prompt the server cut
   * silently, as Ollama does: it teaches that the server counted at least its window of what was
   * sent, and is said (the first time for the entry, to the human too).
   */
  learn(request: Pick<ProviderRequest, 'modelKey' | 'system' | 'messages' | 'tools'>, response: ProviderResponse, turn: number, entry: Pick<ModelEntry, 'provider' | 'context_window'> | undefined): Learned {
    if (!entry || entry.provider === 'offline') return undefined;
    // One answer to one request: not one whose usage also counts other answers (an unusable one, another model's),
    // nor one whose counts the usage gate did not take as reported (a server claiming the whole window would shrink every prompt).
    if (turn <= this.file.turn || response.usage.estimated || response.usage.clamped !== undefined || response.charged !== undefined || response.modelKey !== request.modelKey || response.usage.inputTokens <= 0) return undefined;
    const counts = this.countsOf(request.modelKey);
    const bytes = sentBytes(request, response.toolsAsText === true);
    this.changed = true;
    const window = Math.min(entry.context_window, counts.window ?? Number.POSITIVE_INFINITY);
    if (response.usage.inputTokens >= window) {
      // The server counted at least its window of this prompt; and the estimate is unsure again: the first margin.
      this.raise(counts, window / bytes);
      counts.reports = 0;
      const first = counts.cutSilently === undefined;
      counts.cutSilently ??= turn;
      return { cutSilently: { window, reported: response.usage.inputTokens, first } };
    }
    const characters = request.system.length + request.messages.reduce((sum, message) => sum + message.content.length, 0) + JSON.stringify(request.tools).length;
    counts.characters += characters;
    counts.tokens += response.usage.inputTokens;
    counts.estimated += estimateInputTokens(request);
    this.raise(counts, response.usage.inputTokens / bytes);
    counts.reports = (counts.reports ?? 0) + 1;
    return undefined;
  }

  /** Write what `turn` taught, once. */
  save(turn: number): void {
    if (!this.changed) return;
    this.changed = false;
    writeFileAtomic(this.path, `${JSON.stringify({ ...this.file, turn, sizedWith: this.frozen } satisfies RatiosFile)}\n`);
  }
}
