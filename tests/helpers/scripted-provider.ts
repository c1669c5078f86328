import type { Provider, ProviderRequest, ProviderResponse, ToolCall } from '../../src/providers/provider.js';

type Answer = Partial<Omit<ProviderResponse, 'modelKey'>> | Error;

/**
 * A test model: answers from a function of the request (or throws an Error it returns),
 * and records every request it was given.
 */
export class ScriptedProvider implements Provider {
  readonly requests: ProviderRequest[] = [];
  constructor(private readonly answer: (request: ProviderRequest) => Answer | Promise<Answer>) {}

  async generate(request: ProviderRequest): Promise<ProviderResponse> {
    this.requests.push(request);
    const answer = await this.answer(request);
    if (answer instanceof Error) throw answer;
    return {
      text: answer.text ?? '',
      toolCalls: answer.toolCalls ?? [],
      usage: answer.usage ?? { inputTokens: 100, outputTokens: 10, estimated: false },
      modelKey: request.modelKey,
      ...(answer.receivedAt ? { receivedAt: answer.receivedAt } : {}),
      ...(answer.notes ? { notes: answer.notes } : {}),
      ...(answer.truncated ? { truncated: true } : {}),
    };
  }
}

export function sendCall(to: unknown, body: unknown, extra: Record<string, unknown> = {}): ToolCall {
  return { id: `call_${String(to)}`, name: 'send_message', arguments: { to, body, ...extra } };
}
