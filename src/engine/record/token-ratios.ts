import { nameRecord } from '../../org/names.js';
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../storage/atomic-write.js';
import { estimateInputTokens } from '../../providers/request-tokens.js';
import type { ProviderRequest, ProviderResponse } from '../../providers/provider.js';
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
}

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

/** A server may count many more tokens than the estimate, but a scale past this is more likely a bad report. */
const MAX_SCALE = 8;

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

  /** Real tokens per estimated token for an entry: 1 until its server has reported usage, never below 1. */
  scale(modelKey: string): number {
    const counts = this.frozen[modelKey];
    if (!counts || counts.estimated <= 0) return 1;
    return Math.min(MAX_SCALE, Math.max(1, counts.tokens / counts.estimated));
  }

  /**
   * Count an answered call whose server reported its usage: the call's own prompt against the
   * tokens its server counted for it (each step of a loop is a call of its own). The offline model counts with
   * the documented estimate by definition: there is nothing to learn from it.
   */
  learn(request: Pick<ProviderRequest, 'modelKey' | 'system' | 'messages' | 'tools'>, response: ProviderResponse, turn: number, entry: Pick<ModelEntry, 'provider'> | undefined): void {
    if (!entry || entry.provider === 'offline') return;
    // One answer to one request: not one whose usage also counts other answers (an unusable one, another model's),
    // nor one whose counts the usage gate did not take as reported (a server claiming the whole window would shrink every prompt).
    if (turn <= this.file.turn || response.usage.estimated || response.usage.clamped !== undefined || response.charged !== undefined || response.modelKey !== request.modelKey || response.usage.inputTokens <= 0) return;
    const characters = request.system.length + request.messages.reduce((sum, message) => sum + message.content.length, 0) + JSON.stringify(request.tools).length;
    const counts = this.file.models[request.modelKey] ?? { characters: 0, tokens: 0, estimated: 0 };
    this.file.models[request.modelKey] = {
      characters: counts.characters + characters,
      tokens: counts.tokens + response.usage.inputTokens,
      estimated: counts.estimated + estimateInputTokens(request),
    };
    this.changed = true;
  }

  /** Write what `turn` taught, once. */
  save(turn: number): void {
    if (!this.changed) return;
    this.changed = false;
    writeFileAtomic(this.path, `${JSON.stringify({ ...this.file, turn, sizedWith: this.frozen } satisfies RatiosFile)}\n`);
  }
}
