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
    /** First one tool step (write a file, read one, or run a command in the sandbox), then send. */
    private readonly stepTool?: 'write_file' | 'read_file' | 'run_command',
    /** Each agent posts to its mailing list instead (bench section `list-turns`): agent to list. */
    private readonly lists?: ReadonlyMap<string, string>,
  ) {
    agents.forEach((agent, index) => this.next.set(agent, agents[(index + 1) % agents.length] as string));
  }

  async generate(request: ProviderRequest): Promise<ProviderResponse> {
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    const to = this.lists?.get(request.agent) ?? (this.next.get(request.agent) as string);
    if (this.stepTool && request.messages.length === 1) {
      const content = `Turn ${request.turn}: notes of ${request.agent} before passing the work to ${to}.\n`;
      const args =
        this.stepTool === 'write_file'
          ? { path: `notes/turn-${request.turn}.md`, content }
          : this.stepTool === 'read_file'
            ? { path: 'notes.md' }
            : { command: 'cat notes.md' };
      return {
        text: '',
        toolCalls: [{ id: 'call_1', name: this.stepTool, arguments: args }],
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

/**
 * A model whose changed call starts a loop (bench section `blame-loop`): under its registry entry's own
 * seed, `a` answers the human at once; under any other seed (a blame's changed call) it hands the work to
 * `b`, and the two hand it back and forth, one call a turn, until a turn cap stops them. Every answer
 * reports `tokens`.
 */
export class HandOffLoopProvider implements Provider {
  constructor(
    private readonly seed: number | undefined,
    private readonly originalSeed: number,
    private readonly tokens: { inputTokens: number; outputTokens: number },
  ) {}

  async generate(request: ProviderRequest): Promise<ProviderResponse> {
    const inbox = request.messages.map((message) => (typeof message.content === 'string' ? message.content : '')).join('\n');
    const to = !inbox.includes('LOOP') && this.seed === this.originalSeed ? 'human' : request.agent === 'a' ? 'b' : 'a';
    const body = to === 'human' ? 'Done at once.' : 'LOOP: back to you.';
    return {
      text: '',
      toolCalls: [{ id: 'call_1', name: 'send_message', arguments: { to, subject: `Turn ${request.turn}`, body } }],
      usage: { ...this.tokens, estimated: false },
      modelKey: request.modelKey,
    };
  }
}
