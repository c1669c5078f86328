/** A JSON Schema object describing a tool's arguments. */
export type JsonSchema = Record<string, unknown>;

/** A tool the engine offers to a model. */
export interface ToolDefinition {
  name: string;
  description: string;
  /** JSON Schema of the arguments (type: object). */
  parameters: JsonSchema;
}

/** One turn of the conversation sent to a model, after the system prompt. */
export interface ChatTurn {
  role: 'user' | 'assistant';
  content: string;
}

/** Everything a provider needs for one call. Vendor types never appear here. */
export interface ProviderRequest {
  /** Registry key of the model (org.yaml `models.<key>`). */
  modelKey: string;
  /** The vendor's model name (org.yaml `models.<key>.model`). */
  model: string;
  system: string;
  /**
   * `system` as the texts it was joined from, in order (their concatenation is `system`), when the
   * engine built it: a reader that takes the prompt apart (the offline model) reads each where it is.
   * A text many prompts share (an org's list of everyone, 1.1 MB at 100,000 agents) is then read
   * once, not copied whole into every prompt that is read. Not sent to the vendor, not part of a
   * recording's key, not carried to a worker.
   */
  systemParts?: readonly string[];
  messages: ChatTurn[];
  tools: ToolDefinition[];
  maxOutputTokens?: number;
  /**
   * How many characters at the start of `system` stay the same from one of this agent's calls to
   * the next (its resume, the rules, its place in the chart; its notes come after). A provider with
   * a prompt cache marks the end of this part, so what precedes it is read from the cache rather
   * than paid in full (see providers/prompt-cache.ts). Not part of a recording's key: a replay
   * answers the same whatever the marks.
   */
  stableSystem?: number;
  /**
   * The llama.cpp slot this agent keeps to on the entry's server (`id_slot`), set where every agent
   * on the entry has a slot of its own (engine/provider-chains.ts, slotsOfEntry); absent: the server
   * chooses. Not part of a recording's key.
   */
  cacheSlot?: number;
  /** Who the call is for, so errors and recordings can say so. Not sent to the vendor. */
  agent: string;
  turn: number;
  /**
   * The plan of the turn that asks (the journal's plan `id`): a queue's job id holds it (queue/call-job.ts), so a call
   * sent again while that plan stands (a crashed engine finishing its turn) reads the answer a worker gave, and a turn
   * planned afresh (after `lemming reset`, or an org put back to an earlier turn) asks a worker again. Not sent to the
   * vendor, not part of a recording's key.
   */
  plan?: string;
  /**
   * Credits the agent has left when the call is made. A fallback model whose
   * estimated cost is more than this is not called. Not sent to the vendor, and
   * not part of a recording's key.
   */
  creditsLeft?: number;
  signal?: AbortSignal;
  /**
   * Told before each wait between attempts, so a screen can show a retry as it happens
   * rather than a silent "thinking". Not sent to the vendor, not part of a recording's key.
   */
  onRetry?(retry: RetryNotice): void;
  /**
   * Told while the call has waited long for its model (see waiting-notices.ts), so a server
   * that stopped answering is seen before the timeout. Not sent to the vendor, not part of a recording's key.
   */
  onWaiting?(waiting: WaitingNotice): void;
  /**
   * How this turn sizes prompts for each of the agent's models (keyed by model key, so a fallback
   * finds its own), as the engine learned them from what their servers reported
   * (engine/record/token-ratios.ts): where a local server offers no tokenizer, the prompt is held to
   * the window by this estimate (providers/context-fit.ts). Not sent to the vendor, not part of a
   * recording's key.
   */
  promptSizing?: Readonly<Record<string, PromptSizing>>;
}

/** How lemming estimates one registry entry's prompt tokens where its server offers no tokenizer. */
export interface PromptSizing {
  /** Tokens a byte of prompt counts as: what its server's last calls showed (providers/context-fit.ts, PROMPT_ESTIMATE), else the prior, with a margin. */
  tokensPerByte: number;
  /** Where `tokensPerByte` comes from, as a prompt held back says it. */
  source: string;
  /** Real tokens per token of lemming's estimate its server has shown (token-ratios.ts, scale): what a call to it is reserved at, and so what an answer refused unread is charged (usage-gate.ts). */
  inputScale?: number;
}

/** A call to `modelKey` has been in flight `waitedMs` or a little more (counted from the start of its current attempt). */
export interface WaitingNotice {
  modelKey: string;
  waitedMs: number;
}

/** One retry about to happen: after `cause`, attempt `attempt` of `attempts` follows a wait of `waitMs`. */
export interface RetryNotice {
  modelKey: string;
  /** The attempt about to be made, counting from 1 (so the first retry is attempt 2). */
  attempt: number;
  attempts: number;
  waitMs: number;
  cause: string;
}

/** A tool call as the model made it. Arguments are parsed JSON when they parsed. */
export interface ToolCall {
  id: string;
  name: string;
  arguments: unknown;
  /** Set when the model's arguments were not valid JSON; `arguments` is then the raw text. */
  argumentsError?: string;
  /**
   * The output cap stopped the answer inside this call: its arguments are incomplete
   * (whether or not they parse). It is not carried out, and the engine's note says so
   * instead of reporting it as an invalid call.
   */
  cut?: boolean;
}

/**
 * Tokens a call used, as the provider reported them or as lemming estimated. `inputTokens` means
 * the same for every provider: every token of the prompt, cached or not (OpenAI's prompt_tokens
 * counts cached tokens already; Anthropic's input_tokens leaves cache reads and writes out, so its
 * adapter adds them back). Context sizing and estimates read it so; only pricing reads the split.
 */
export interface Usage {
  /** Every prompt token, the cached ones included. */
  inputTokens: number;
  outputTokens: number;
  /** Of `inputTokens`, those the vendor read from its prompt cache; absent when none. */
  cachedInputTokens?: number;
  /** Of `inputTokens`, those the vendor wrote to its prompt cache (Anthropic's cache creation); absent when none. */
  cacheWriteTokens?: number;
  /** True when the provider reported no usage and lemming's estimate stands in, or a count below the usage gate's floor was counted at it. */
  estimated: boolean;
  /**
   * How many answers this usage sums (the steps of a turn, an unusable answer and the one after it);
   * absent: one. What a registry entry's `price_per_call` is charged by.
   */
  calls?: number;
  /**
   * What the usage gate (usage-gate.ts) did not take as reported, a sentence each ("agent reported
   * 1e+300 input tokens; counted as 32000, ..."); absent when every count was taken as it came.
   */
  clamped?: string[];
}

/** An answer that came back, as the tokens it used and the model that used them: what a charge is made of. */
export interface AnsweredUsage {
  modelKey: string;
  usage: Usage;
}

/** What a model answered. Plain JSON, so it can be journaled and recorded. */
export interface ProviderResponse {
  text: string;
  toolCalls: ToolCall[];
  /** Every token this response is charged for (see `charged`). */
  usage: Usage;
  /**
   * When `usage` is not all this answer's own at `modelKey`: every answer it sums, each priced at its
   * own model's prices. An answer a provider could not use (a malformed one before a fallback
   * answered) and a loop's steps answered by different models are charged this way. Absent: all of
   * `usage` is `modelKey`'s.
   */
  charged?: AnsweredUsage[];
  /** Registry key of the model that actually answered (a fallback may have). */
  modelKey: string;
  /** Things the adapter wants in the agent's log (for example: fell back to the text format). */
  notes?: string[];
  /**
   * Set by the engine, not a provider: why a granted MCP server's tools could not be offered to
   * this call (it did not start, it died). Each is in the agent's log and counts as an error of the run.
   */
  unavailable?: string[];
  /** The vendor stopped the answer at the output cap; a call it stopped inside is marked `cut`. The engine's note says which. */
  truncated?: boolean;
  /**
   * The tools were not offered as function calls but described in the system prompt as action
   * blocks (text-reply-format.ts), which the answer was read for: what the model or program got was
   * the system prompt with those instructions, and no tools. The trace shows it so.
   */
  toolsAsText?: true;
  /** ISO time the answer arrived, when a recording fixes it; the engine stamps it otherwise. */
  receivedAt?: string;
  /**
   * Set by the engine, not a provider: the server reported a prompt at its window's size, so it cut
   * the prompt silently (as Ollama does); the sentence the human is told, present the first time the
   * entry is seen doing so (engine/record/token-ratios.ts).
   */
  cutSilently?: string;
}

/** A model behind one small interface: lemming's only way to reach any vendor. */
export interface Provider {
  generate(request: ProviderRequest): Promise<ProviderResponse>;
}
