import type { EngineEvent, MessageSummary, RunTotals } from '../../../src/engine/events.js';
import { emptyStats, emptyTotals } from '../../../src/engine/run-totals.js';

/** Small builders for scripted engine events. */
export function message(turn: number, from: string, to: string, subject: string, seq = 1): MessageSummary {
  return {
    id: `${String(turn).padStart(6, '0')}-${from}-${String(seq).padStart(3, '0')}`,
    from,
    to,
    turn,
    subject,
    priority: 'normal',
    preview: subject,
    file: `agents/${from}/outbox/${String(turn).padStart(6, '0')}-${String(seq).padStart(3, '0')}-${to}.md`,
  };
}

export function delivered(turn: number, from: string, to: string, subject: string): EngineEvent {
  return { type: 'message-delivered', turn, message: message(turn, from, to, subject) };
}

export function turnFinished(turn: number): EngineEvent {
  return { type: 'turn-finished', turn, stats: { ...emptyStats(), called: 1, delivered: 1, inputTokens: 100, outputTokens: 20, credits: 0.001, durationMs: 3 } };
}

export function runFinished(turns: number, reason: 'idle' | 'turn-cap' | 'stopped' | 'models-failing' = 'idle'): EngineEvent {
  const totals: RunTotals = { ...emptyTotals(), turns };
  return { type: 'run-finished', reason, turns, lastTurn: turns, totals, stranded: [], failing: [] };
}

/** One quiet turn in which `agent` reads its mail and sends one message. */
export function simpleTurn(turn: number, agent: string, to: string, subject: string): EngineEvent[] {
  return [
    { type: 'turn-started', turn, agents: [agent], recovering: false },
    { type: 'agent-called', turn, agent, model: 'offline', reason: 'mail', inbox: 1, deferred: 0 },
    delivered(turn, agent, to, subject),
    { type: 'credits-charged', turn, agent, model: 'offline', inputTokens: 100, outputTokens: 20, credits: 0.001, balance: 0.4, estimated: true },
    { type: 'agent-done', turn, agent, sent: 1, refused: 0 },
    turnFinished(turn),
  ];
}
