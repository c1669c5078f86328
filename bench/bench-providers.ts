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
    /** First write a file with write_file (one tool step), then send. */
    private readonly toolStep = false,
  ) {
    agents.forEach((agent, index) => this.next.set(agent, agents[(index + 1) % agents.length] as string));
  }

  async generate(request: ProviderRequest): Promise<ProviderResponse> {
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    const to = this.next.get(request.agent) as string;
    if (this.toolStep && request.messages.length === 1) {
      const content = `Turn ${request.turn}: notes of ${request.agent} before passing the work to ${to}.\n`;
      return {
        text: '',
        toolCalls: [{ id: 'call_1', name: 'write_file', arguments: { path: `notes/turn-${request.turn}.md`, content } }],
        usage: { inputTokens: 500, outputTokens: 40, estimated: false },
        modelKey: request.modelKey,
      };
    }
    return {
      text: '',
      toolCalls: [{ id: 'call_1', name: 'send_message', arguments: { to, subject: `Turn ${request.turn}`, body: `Over to you, ${to}: the next step is yours.` } }],
      usage: { inputTokens: 500, outputTokens: 40, estimated: false },
      modelKey: request.modelKey,
    };
  }
}
