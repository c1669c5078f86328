import type { EngineOptions, RunOptions } from '../../src/engine/engine.js';
import type { EngineEvent } from '../../src/engine/events.js';
import { bootstrapOrg } from '../../src/org/bootstrap-org.js';
import type { ProviderRequest } from '../../src/providers/provider.js';
import type { ScriptedProvider } from '../helpers/scripted-provider.js';
import { DEFAULT_ORG, runEngine } from '../helpers/temp-org.js';
import { scratchDir } from './scratch.js';

/** The default org (manager, planner, hr, coder_01, janitor, human) in a scratch folder. */
export function defaultFaultOrg(): string {
  const root = scratchDir();
  bootstrapOrg(root, DEFAULT_ORG);
  return root;
}

export { humanSends, inboxOf, read as readText, write as writeFile, ofType as eventsOf } from '../helpers/temp-org.js';

export function requestsOf(provider: ScriptedProvider, agent: string): ProviderRequest[] {
  return provider.requests.filter((request) => request.agent === agent);
}

/** Open an engine on the scripted model, run it (to idle by default), close it; every event. */
export function runScripted(root: string, provider: ScriptedProvider, run: RunOptions = {}, options: Partial<EngineOptions> = {}): Promise<EngineEvent[]> {
  return runOrg(root, run, { providerFactory: () => provider, ...options });
}

/** Open an engine with these options and a fixed clock, run it (to idle by default), close it; every event. */
export function runOrg(root: string, run: RunOptions = {}, options: Partial<EngineOptions> = {}): Promise<EngineEvent[]> {
  return runEngine(root, run, { clock: () => new Date('2026-01-01T00:00:00.000Z'), ...options });
}
