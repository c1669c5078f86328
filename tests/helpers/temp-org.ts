import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Engine, type EngineOptions, type RunOptions } from '../../src/engine/engine.js';
import type { EngineEvent } from '../../src/engine/events.js';
import { sendAsHuman } from '../../src/engine/human/send-as-human.js';
import { parseMessageMarkup, type InboxItemMarkup } from '../../src/mailbox/prompt-markup.js';
import { bootstrapOrg } from '../../src/org/bootstrap-org.js';
import { loadOrg } from '../../src/org/load-org.js';
import type { ProviderRequest } from '../../src/providers/provider.js';
import { tempDir } from './temp-dirs.js';

export { tempDir };

export const REPO_ROOT = resolve(import.meta.dirname, '../..');
/** The default org's template (what `lemming bootstrap` writes), in the repository. */
export const DEFAULT_ORG = join(REPO_ROOT, 'templates', 'software-team');

/** A temporary org root holding the default org. */
export function defaultOrg(): string {
  const root = tempDir();
  bootstrapOrg(root, DEFAULT_ORG);
  return root;
}

export function write(root: string, file: string, content: string | Buffer): void {
  mkdirSync(dirname(join(root, file)), { recursive: true });
  writeFileSync(join(root, file), content);
}

export function read(root: string, file: string): string {
  return readFileSync(join(root, file), 'utf8');
}

export function listOutbox(root: string, agent: string): string[] {
  try {
    return readdirSync(join(root, 'agents', agent, 'outbox')).sort();
  } catch {
    return [];
  }
}

export function resume(front: Record<string, string>, body = 'Do your job.'): string {
  return `---\n${Object.entries(front)
    .map(([key, value]) => `${key}: ${value}`)
    .join('\n')}\n---\n${body}\n`;
}

/** Open an engine, run it, close it; return every event. */
export async function runEngine(root: string, run: RunOptions = {}, options: Partial<EngineOptions> = {}): Promise<EngineEvent[]> {
  const engine = Engine.open({ root, ...options });
  const events: EngineEvent[] = [];
  try {
    for await (const event of engine.run(run)) events.push(event);
  } finally {
    engine.close();
  }
  return events;
}

export function ofType<T extends EngineEvent['type']>(events: EngineEvent[], type: T): Array<Extract<EngineEvent, { type: T }>> {
  return events.filter((event): event is Extract<EngineEvent, { type: T }> => event.type === type);
}

/** The human writes to an agent, as `lemming send` does. */
export function humanSends(root: string, to: string, body: string, subject?: string): void {
  sendAsHuman(root, loadOrg(root).org, { to, body, ...(subject ? { subject } : {}) });
}

/** The mail an agent was shown in one request, as the engine rendered it. */
export function inboxOf(request: ProviderRequest | undefined): InboxItemMarkup[] {
  return parseMessageMarkup(request?.messages[0]?.content ?? '');
}
