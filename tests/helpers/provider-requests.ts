import { createProviderFactory } from '../../src/providers/create-provider.js';
import { TOOL_DEFINITIONS } from '../../src/engine/turn/tools.js';
import type { ModelEntry } from '../../src/org/schema.js';
import type { ProviderRequest } from '../../src/providers/provider.js';

/** A request as the engine builds one, for a manager with both tools. */
export function engineRequest(overrides: Partial<ProviderRequest> = {}): ProviderRequest {
  return {
    modelKey: 'main',
    model: 'test-model',
    system: 'You are manager, Engineering manager, in the organisation "test".',
    messages: [{ role: 'user', content: 'Turn 1. You have 1 new message(s).\n\n<message id="000000-human-001" from="human" turn="0">Plan the release</message>' }],
    tools: [TOOL_DEFINITIONS.send_message, TOOL_DEFINITIONS.remember],
    agent: 'manager',
    turn: 1,
    ...overrides,
  };
}

/** A registry entry with the fields every provider needs. */
export function modelEntry(overrides: Partial<ModelEntry> & Pick<ModelEntry, 'provider'>): ModelEntry {
  return { model: 'test-model', input_price: 1, output_price: 2, context_window: 32_000, ...overrides };
}

/** A sleep that returns at once and remembers how long it was asked to wait. */
export function recordingSleep(): { waits: number[]; sleep: (ms: number) => Promise<void> } {
  const waits: number[] = [];
  return { waits, sleep: async (ms) => void waits.push(ms) };
}

/** The provider `lemming run` builds for a registry entry (adapter, limits, retries), with instant, recorded sleeps. */
export function providerFromFactory(modelKey: string, entry: ModelEntry, env: Record<string, string>) {
  const { waits, sleep } = recordingSleep();
  const factory = createProviderFactory({ root: '/nonexistent', env, sleep });
  return { provider: factory(modelKey, entry), waits };
}
