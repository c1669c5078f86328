import { Engine, type EngineOptions, type RunOptions } from '../../src/engine/engine.js';
import type { EngineEvent } from '../../src/engine/events.js';
import { sendAsHuman } from '../../src/engine/human/send-as-human.js';
import { parseMessageMarkup, type InboxItemMarkup } from '../../src/mailbox/prompt-markup.js';
import { bootstrapOrg } from '../../src/org/bootstrap-org.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import type { ProviderRequest } from '../../src/providers/provider.js';
import { DEFAULT_ORG, read, tempDir, write } from './org-files.js';

/** The helpers that need no engine (org-files.ts), and those that run lemming's modules in this process. */
export { DEFAULT_ORG, listOutbox, read, REPO_ROOT, resume, setKeepHistory, tempDir, write } from './org-files.js';

/** A temporary org root holding the default org. */
export function defaultOrg(): string {
  const root = tempDir();
  bootstrapOrg(root, DEFAULT_ORG);
  return root;
}

/** Open an engine, run it, close it; return every event. */
export async function runEngine(root: string, run: RunOptions = {}, options: Partial<EngineOptions> = {}): Promise<EngineEvent[]> {
  const engine = Engine.open({ root, ...options });
  const events: EngineEvent[] = [];
  try {
    for await (const event of engine.run(run)) events.push(event);
  } finally {
    await engine.close();
  }
  return events;
}

export function ofType<T extends EngineEvent['type']>(events: EngineEvent[], type: T): Array<Extract<EngineEvent, { type: T }>> {
  return events.filter((event): event is Extract<EngineEvent, { type: T }> => event.type === type);
}

/** The default org in which the human may also write to hr, and hr reads from the human: a copy to hr passes the chart, one to the planner does not. */
export function defaultOrgHumanToHr(): string {
  const root = defaultOrg();
  const chart = read(root, 'org/chart.yaml')
    .replace('  human:\n    reports_to: null\n    send_to: [manager]', '  human:\n    reports_to: null\n    send_to: [manager, hr]')
    .replace('  hr:\n    reports_to: manager\n    send_to: [manager]\n    read_from: [manager]', '  hr:\n    reports_to: manager\n    send_to: [manager]\n    read_from: [manager, human]');
  write(root, 'org/chart.yaml', chart);
  return root;
}

/** The human writes to an agent, as `lemming send` does. */
export function humanSends(root: string, to: string, body: string, subject?: string): void {
  sendAsHuman(root, loadOrg(root).org, { to, body, ...(subject ? { subject } : {}) });
}

/** The mail an agent was shown in one request, as the engine rendered it. */
export function inboxOf(request: ProviderRequest | undefined): InboxItemMarkup[] {
  return parseMessageMarkup(request?.messages[0]?.content ?? '');
}
