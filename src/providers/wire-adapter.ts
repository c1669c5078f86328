import { withoutSecrets } from '../secrets/secrets.js';
import { assertPromptFits, type ContextFit } from './context-fit.js';
import { ProviderError } from './provider-error.js';
import type { Provider, ProviderRequest, ProviderResponse, ToolCall } from './provider.js';
import { parseTextReply } from './text-tools/parse-text-reply.js';
import { systemWithTextReply } from './text-tools/text-reply-format.js';
import { isToolsUnsupported } from './text-tools/tools-unsupported.js';
import { usageFrom, type ReportedUsage } from './usage.js';

/** What one vendor call returned, already out of the vendor's types. */
export interface WireAnswer {
  text: string;
  toolCalls: ToolCall[];
  usage?: ReportedUsage;
  notes?: string[];
  /** The answer stopped at the output cap (a call it stopped inside is marked `cut`). */
  truncated?: boolean;
}

/**
 * One call in a vendor's wire format. A request with no tools is sent without
 * any; failures are thrown as ProviderError.
 */
export type WireCall = (request: ProviderRequest) => Promise<WireAnswer>;

/** How one registry entry's adapter behaves. */
export interface WireAdapterOptions {
  modelKey: string;
  /** org.yaml `tool_calling`: true = always native, false = always the text format, unset = native until the server says no. */
  toolCalling?: boolean;
  /** Hold each prompt to the entry's window before it is sent (a local server's: context-fit.ts). */
  fit?: ContextFit;
  /**
   * Why this entry is sent the plain-text format, when `toolCalling` is false for a reason other than
   * its `tool_calling` setting (an outside agent's `prompt: text`): what the note on each answer says.
   */
  textFormatBecause?: string;
}

/**
 * What every vendor adapter shares: native tool calling, or the documented
 * plain-text action format for models that cannot call tools (chosen in the
 * registry, or switched to when the server says the model has no tools), and
 * usage as reported or, where it is not, estimated and marked so.
 */
export class WireAdapter implements Provider {
  private textMode: boolean;
  private switchedBecause?: string;

  constructor(
    private readonly call: WireCall,
    private readonly options: WireAdapterOptions,
  ) {
    this.textMode = options.toolCalling === false;
  }

  /**
   * The vendor is sent the request with the org's secrets cut out (a tool's result that quoted a
   * token, a file a person pasted one into), and its answer comes back cut: a server that repeats
   * a key it was sent, in text or a tool call's arguments, cannot get it into a message, a log or
   * a cassette.
   */
  async generate(request: ProviderRequest): Promise<ProviderResponse> {
    return withoutSecrets(await this.answer(withoutSecrets(request)));
  }

  private async answer(request: ProviderRequest): Promise<ProviderResponse> {
    if (this.textMode || request.tools.length === 0) return this.generateAsText(request);
    try {
      const answer = await this.send(request);
      return cutShort(answer, this.respond(request, answer.text, answer.toolCalls, answer.usage, answer.notes ?? []));
    } catch (error) {
      if (this.options.toolCalling === true || !isToolsUnsupported(error)) throw error;
      this.textMode = true;
      this.switchedBecause = (error as ProviderError).message;
      return this.generateAsText(request);
    }
  }

  private async generateAsText(request: ProviderRequest): Promise<ProviderResponse> {
    if (request.tools.length === 0) {
      const answer = await this.send(request);
      return cutShort(answer, this.respond(request, answer.text, [], answer.usage, answer.notes ?? []));
    }
    // A new system prompt: the texts the old one was joined from no longer make it.
    const { systemParts: _parts, ...rest } = request;
    const textRequest: ProviderRequest = {
      ...rest,
      system: systemWithTextReply(request.system, request.tools),
      tools: [],
    };
    const answer = await this.send(textRequest);
    // An outside agent given the text prompt may answer its calls natively all the same (a JSON reply's `tool_calls`,
    // docs/outside-agents.md): those are its actions, and its text is for the log.
    if (answer.toolCalls.length > 0) {
      const note = `read ${answer.toolCalls.length} action(s) from the tool_calls of its JSON reply (its prompt was the plain-text format: ${this.textFormatReason()})`;
      return { ...cutShort(answer, this.respond(textRequest, answer.text, answer.toolCalls, answer.usage, [...(answer.notes ?? []), note])), toolsAsText: true };
    }
    const reply = parseTextReply(answer.text, request.tools);
    // A block the cap stopped before it closed is a call cut short, however much of it reads well.
    const lastCall = reply.calls.at(-1);
    if (answer.truncated && reply.lastBlockOpen && lastCall) lastCall.cut = true;
    const why = this.textFormatReason();
    // A block the cap cut short is not read (the engine's cap note says it was not carried out): it is not counted as read either.
    const cut = reply.calls.filter((call) => call.cut).length;
    const unread = cut > 0 ? `; ${cut} more was cut short by the output cap and not read` : '';
    const note = `used lemming's plain-text action format instead of tool calls (${why}); read ${reply.calls.length - cut} action(s) from the reply${unread}`;
    return { ...cutShort(answer, this.respond(textRequest, reply.text, reply.calls, answer.usage, [...(answer.notes ?? []), note], answer.text)), toolsAsText: true };
  }

  /** Why the plain-text format was used: the entry's setting that says so, or the server that said the model has no tools. */
  private textFormatReason(): string {
    if (this.switchedBecause !== undefined) return `the server said the model cannot call tools (${this.switchedBecause}); set models.${this.options.modelKey}.tool_calling: false to skip asking`;
    return this.options.textFormatBecause ?? `models.${this.options.modelKey}.tool_calling is false`;
  }

  /** The request as it goes to the vendor (tools as text included), once its prompt is known to fit. */
  private async send(request: ProviderRequest): Promise<WireAnswer> {
    if (this.options.fit) await assertPromptFits(request, this.options.fit);
    return this.call(request);
  }

  /** `written` is everything the model wrote, for the estimate when no usage was reported. */
  private respond(
    request: ProviderRequest,
    text: string,
    toolCalls: ToolCall[],
    reported: ReportedUsage | undefined,
    notes: string[],
    written?: string,
  ): ProviderResponse {
    const usage = written === undefined ? usageFrom(reported, request, text, toolCalls) : usageFrom(reported, request, written, []);
    const response: ProviderResponse = { text, toolCalls, usage, modelKey: this.options.modelKey };
    if (notes.length > 0) response.notes = notes;
    return response;
  }
}

/** The response, marked when the vendor says the answer stopped at the output cap. */
function cutShort(answer: WireAnswer, response: ProviderResponse): ProviderResponse {
  return answer.truncated ? { ...response, truncated: true } : response;
}
