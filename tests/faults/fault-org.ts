import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Engine, type EngineOptions, type RunOptions } from '../../src/engine/engine.js';
import type { EngineEvent } from '../../src/engine/events.js';
import { sendAsHuman } from '../../src/engine/send-as-human.js';
import { parseMessageMarkup, type InboxItemMarkup } from '../../src/mailbox/prompt-markup.js';
import { bootstrapOrg } from '../../src/org/bootstrap-org.js';
import { loadOrg } from '../../src/org/load-org.js';
import type { ProviderRequest } from '../../src/providers/provider.js';
import type { ScriptedProvider } from '../helpers/scripted-provider.js';
import { REPO_ROOT } from '../helpers/temp-org.js';
import { scratchDir } from './scratch.js';

/** The default org (manager, planner, hr, coder_01, janitor, human) in a scratch folder. */
export function defaultFaultOrg(): string {
  const root = scratchDir();
  bootstrapOrg(root, REPO_ROOT);
  return root;
}

export function humanSends(root: string, to: string, body: string, subject?: string): void {
  sendAsHuman(root, loadOrg(root).org, { to, body, ...(subject ? { subject } : {}) });
}

export function writeFile(root: string, file: string, content: string | Buffer): void {
  mkdirSync(dirname(join(root, file)), { recursive: true });
  writeFileSync(join(root, file), content);
}

export function readText(root: string, file: string): string {
  return readFileSync(join(root, file), 'utf8');
}

/** The mail an agent was shown in one request, as the engine rendered it. */
export function inboxOf(request: ProviderRequest | undefined): InboxItemMarkup[] {
  return parseMessageMarkup(request?.messages[0]?.content ?? '');
}

export function requestsOf(provider: ScriptedProvider, agent: string): ProviderRequest[] {
  return provider.requests.filter((request) => request.agent === agent);
}

/** Open an engine on the scripted model, run it (to idle by default), close it; every event. */
export function runScripted(root: string, provider: ScriptedProvider, run: RunOptions = {}, options: Partial<EngineOptions> = {}): Promise<EngineEvent[]> {
  return runOrg(root, run, { providerFactory: () => provider, ...options });
}

/** Open an engine with these options, run it (to idle by default), close it; every event. */
export async function runOrg(root: string, run: RunOptions = {}, options: Partial<EngineOptions> = {}): Promise<EngineEvent[]> {
  const engine = Engine.open({ root, clock: () => new Date('2026-01-01T00:00:00.000Z'), ...options });
  const events: EngineEvent[] = [];
  try {
    for await (const event of engine.run(run)) events.push(event);
  } finally {
    engine.close();
  }
  return events;
}

export function eventsOf<T extends EngineEvent['type']>(events: EngineEvent[], type: T): Array<Extract<EngineEvent, { type: T }>> {
  return events.filter((event): event is Extract<EngineEvent, { type: T }> => event.type === type);
}
