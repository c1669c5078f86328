import type { Provider, ProviderRequest, ProviderResponse } from '../src/providers/provider.js';

/**
 * Benchmark-only models. The instant one answers at once with one send_message to
 * the next agent, so every turn keeps every agent busy; the slow one waits first.
 */
export class NextAgentProvider implements Provider {
  private readonly next = new Map<string, string>();

  constructor(
    agents: readonly string[],
    private readonly delayMs = 0,
  ) {
    agents.forEach((agent, index) => this.next.set(agent, agents[(index + 1) % agents.length] as string));
  }

  async generate(request: ProviderRequest): Promise<ProviderResponse> {
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    const to = this.next.get(request.agent) as string;
    return {
      text: '',
      toolCalls: [{ id: 'call_1', name: 'send_message', arguments: { to, subject: `Turn ${request.turn}`, body: `Over to you, ${to}: the next step is yours.` } }],
      usage: { inputTokens: 500, outputTokens: 40, estimated: false },
      modelKey: request.modelKey,
    };
  }
}
