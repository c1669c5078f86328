import { formsText, heldText, HOLDER_WORDS, refusedText, type FormCounts, type RefusalCounts } from '../../format/mail-outcomes.js';
import { getJson } from './api.js';
import { showChartImage } from './chart-image.js';
import { credits, el, placeholder, show, tokens as showTokens } from './dom.js';
import { placeLine, type FeedLine } from './feed-order.js';
import { debounce, listenThenLoad, onLive } from './live.js';
import { stepTools, type StepTool } from './step-tools.js';
import type { EngineEvent, Status, TurnSpend, WebEvent } from './types.js';
import { previewOf } from '../../ui/shared/preview.js';
import { budgetStatusLine } from '../../format/format.js';

/** Feed lines kept across page changes, so coming back to the run shows what happened meanwhile; in turn order (feed-order.ts). */
const feed: FeedLine[] = [];

/** A line of the feed as an event says it: its turn, when it has one. */
type Said = { text: string; kind: string; turn?: number };

/**
 * What the feed has said already, so each message and each turn's end is said once and in turn
 * order. Under `lemming run --serve` the engine's own events say them as they happen (a message
 * delivered, the turn finished, then "idle"), and the dashboard's look at the files reports the
 * same messages and turn up to 400 ms later: after "idle", out of order. Whichever comes first is
 * shown; the other is dropped. With `lemming serve` alone only the look reports them.
 */
const saidMail = new Set<string>();
const saidTurns = new Set<number>();

/** Remember `key` in `said`; false when it was there already. Keeps the sets as short as the feed. */
function firstTime<T>(said: Set<T>, key: T): boolean {
  if (said.has(key)) return false;
  said.add(key);
  if (said.size > 2000) said.delete(said.values().next().value as T);
  return true;
}

/** A message as a line of the feed: its subject, or its body's first words without markdown. */
function mailLine(message: { id: string; turn: number; from: string; to: string; subject?: string; preview: string }): Said | undefined {
  if (!firstTime(saidMail, message.id)) return undefined;
  return { text: `[turn ${message.turn}] ${message.from} → ${message.to}: ${message.subject ?? previewOf(message.preview, 80)}`, kind: 'mail', turn: message.turn };
}

/** A turn's end, with what became of its mail as the run's line says it: readers by form, refusals and holds by cause. */
function turnLine(turn: number, stats?: { deliveries?: FormCounts; refusals?: RefusalCounts }): Said | undefined {
  const parts = stats?.refusals ? [refusedText(stats.refusals), ...(stats.deliveries ? [formsText(stats.deliveries)] : []), heldText(stats.refusals)].filter((part) => part !== '') : [];
  return firstTime(saidTurns, turn) ? { text: `turn ${turn} finished${parts.length > 0 ? `: ${parts.join('; ')}` : ''}`, kind: 'turn', turn } : undefined;
}

/** One live event as a line of the feed, or nothing for events that only move counters (or were said already). */
function describe(event: WebEvent): Said | undefined {
  if (event.kind === 'mail') return mailLine(event.message);
  if (event.kind === 'turn') return turnLine(event.turn);
  if (event.kind === 'proposals') return { text: `${event.pending} proposal(s) wait for your decision`, kind: 'turn' };
  if (event.kind !== 'engine') return undefined;
  const engine: EngineEvent = event.event;
  const line = describeEngine(engine);
  return line && line.turn === undefined && typeof engine.turn === 'number' ? { ...line, turn: engine.turn } : line;
}

/** One of the engine's own events (under `lemming run --serve`) as a line of the feed. */
function describeEngine(engine: EngineEvent): Said | undefined {
  const turn = `[turn ${engine.turn ?? '?'}]`;
  switch (engine.type) {
    case 'message-delivered':
      return mailLine(engine.message as { id: string; turn: number; from: string; to: string; subject?: string; preview: string });
    case 'turn-finished':
      return turnLine(Number(engine.turn), engine.stats as { deliveries?: FormCounts; refusals?: RefusalCounts } | undefined);
    case 'turn-started':
      return { text: `${turn} started: ${(engine.agents as string[]).join(', ') || 'nobody to call'}`, kind: 'turn' };
    case 'agent-called':
      return { text: `${turn} ${engine.agent} thinking (${String(engine.model)}, ${engine.reason === 'meeting' ? 'meeting' : `${String(engine.inbox)} in inbox`})`, kind: 'call' };
    case 'message-refused':
      return { text: `${turn} refused ${String(engine.from)} → ${String(engine.to)}: ${String(engine.reason)}`, kind: 'refused' };
    case 'agent-error':
      return { text: `${turn} ${engine.agent} error: ${String(engine.message)}`, kind: 'error' };
    case 'agent-skipped':
      return { text: `${turn} ${engine.agent} skipped: ${String(engine.reason)}`, kind: 'refused' };
    case 'agent-step':
      return { text: `${turn} ${engine.agent} step ${String(engine.step)}: ${stepTools(engine.tools as StepTool[])}`, kind: 'call' };
    case 'credits-charged':
      return { text: `${turn} ${engine.agent} charged ${credits(Number(engine.credits))} credits`, kind: 'charge' };
    case 'queue-notice':
      return { text: `queue: ${String(engine.message)}`, kind: engine.notice === 'unserved' || engine.notice === 'workers-unseen' ? 'error' : 'turn' };
    case 'run-finished':
      return { text: `run finished: ${String(engine.reason)}`, kind: 'turn' };
    case 'run-waiting':
      return { text: engine.state === 'waiting' ? 'idle: waiting for mail' : 'the run has ended; no more turns run', kind: 'turn' };
    default:
      return undefined;
  }
}

/** What the Run page's chart shows, in words (the image's alt text). */
function burnedAlt(byTurn: TurnSpend[]): string {
  const most = byTurn.reduce((top, turn) => (turn.credits > top.credits ? turn : top));
  return `Bar chart of the credits burned per turn up to turn ${byTurn.at(-1)?.turn ?? 0}, from 0 credits: the most ${credits(most.credits)} credits, in turn ${most.turn}`;
}

/** What the engine is doing, in words that are true now: the page's own engine's state, another engine's lock, or none. */
function engineState(status: Status): string {
  if (status.served === 'waiting') return 'idle: waiting for mail; the engine here starts the next turn when a message arrives';
  if (status.served === 'turns') return 'running turns';
  if (status.served === 'ended') return 'the run here has ended and runs no more turns';
  if (status.running) return `an engine is running (lemming ${status.running.command}, process ${status.running.pid})`;
  return 'no engine is running: turns show here while `lemming run` (or `lemming run --serve`) works the org';
}

/** Keep feeding lines while the page is open, whichever view shows. */
export function recordFeed(): void {
  onLive((event) => {
    const line = describe(event);
    if (!line) return;
    placeLine(feed, line);
    if (feed.length > 500) feed.splice(0, feed.length - 500);
  });
}

/** The run: turn, live feed, totals, credits per turn, and the agents in trouble; live. */
export async function runPage(main: HTMLElement): Promise<() => void> {
  const feedBox = el('div', { class: 'feed', id: 'feed' });
  const summary = el('div', { class: 'panel' }, placeholder('Reading the run…'));
  const chart = el('div', { class: 'panel chart-panel', id: 'credits-by-turn' }, placeholder('Drawing the credits burned per turn…'));
  const trouble = el('div', { class: 'panel' });
  show(main, el('h2', {}, 'Run'), el('div', { class: 'columns' }, el('div', {}, summary, chart, trouble), el('div', { class: 'panel' }, el('h3', {}, 'Live feed'), feedBox)));
  let engine = 'looking…';
  const drawFeed = (): void => show(feedBox, ...(feed.length === 0 ? [el('div', { class: 'muted' }, engine)] : feed.map((line) => el('div', { class: line.kind }, line.text))));
  const draw = async (): Promise<void> => {
    const [status, ledger] = await Promise.all([getJson<Status>('/status'), getJson<{ byTurn: TurnSpend[] }>('/ledger', { limit: 1 })]);
    const spent = ledger.byTurn.reduce((sum, turn) => sum + turn.credits, 0);
    const calls = ledger.byTurn.reduce((sum, turn) => sum + turn.calls, 0);
    const tokens = ledger.byTurn.reduce((sum, turn) => sum + turn.inputTokens + turn.outputTokens, 0);
    const cached = ledger.byTurn.reduce((sum, turn) => sum + (turn.cachedInputTokens ?? 0), 0);
    const written = ledger.byTurn.reduce((sum, turn) => sum + (turn.cacheWriteTokens ?? 0), 0);
    const cache = [cached > 0 ? `${showTokens(cached)} cached` : '', written > 0 ? `${showTokens(written)} written to the cache` : ''].filter(Boolean).join(', ');
    show(
      summary,
      el('h3', {}, `Turn ${status.turn}`),
      el('p', { id: 'engine-state' }, (engine = engineState(status))),
      el('p', { id: 'totals' }, `in all turns: ${showTokens(status.messages)} messages · ${showTokens(calls)} calls · ${showTokens(tokens)} tokens${cache ? ` (${cache})` : ''} · ${credits(spent)} credits spent (as the ledger has them; a run's summary counts that run's)`),
      ...(status.budget ?? []).map((ceiling) =>
        el(
          'p',
          { class: ceiling.state === 'stopped' ? 'error-text budget' : 'budget' },
          budgetStatusLine(ceiling),
        ),
      ),
      ...(status.breakerHeld ?? []).map((held) => el('p', { class: 'error-text' }, `${held.agent} is held by ${HOLDER_WORDS[held.by]} since turn ${held.turn} (${held.reason}); lemming retry ${held.agent} calls it again`)),
    );
    drawFeed();
    if (ledger.byTurn.length === 0) show(chart, el('h3', {}, 'Credits burned per turn'), el('p', { class: 'muted' }, 'no turn has been charged yet'));
    else void showChartImage(chart, '/charts/credits-by-turn.svg', burnedAlt(ledger.byTurn));
    const inTrouble = status.agents.filter((agent) => agent.lastError || (!agent.isHuman && agent.balance <= 0));
    show(
      trouble,
      el('h3', {}, 'Errors and refusals'),
      ...(inTrouble.length === 0 ? [el('p', { class: 'muted' }, 'no agent has an error or is out of credits')] : inTrouble.map((agent) => el('p', { class: 'error-text' }, el('a', { href: `#/agent/${agent.name}` }, agent.name), agent.lastError ? ` (turn ${agent.lastError.turn}): ${agent.lastError.message}` : ' is out of credits'))),
      ...feed.filter((line) => line.kind === 'refused' || line.kind === 'error').slice(-20).map((line) => el('p', { class: 'error-text' }, line.text)),
    );
  };
  drawFeed();
  const redraw = debounce(() => void draw(), 500);
  return listenThenLoad((event) => {
    drawFeed();
    feedBox.scrollTop = feedBox.scrollHeight;
    if (event.kind === 'turn' || event.kind === 'reset' || (event.kind === 'engine' && ['turn-finished', 'run-started', 'run-waiting', 'run-finished'].includes(event.event.type))) redraw();
  }, draw);
}
