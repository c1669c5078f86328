import { breakerHolds } from '../../engine/breakers/hold-by-breakers.js';
import { loadState } from '../../engine/record/state-store.js';
import { FailingAgents, type HeldFor } from '../../engine/turn/failing-agents.js';
import { statePaths } from '../../engine/record/state-paths.js';
import type { Dashboard } from '../dashboard.js';
import type { Metric, Sample } from './prometheus.js';

/** A hold's reason as a Prometheus label value. */
const HELD_LABEL: Record<HeldFor, string> = { key: 'key', answer: 'answer', 'failed-turns': 'failed_turns' };

/** Everything `/metrics` reports, read from the ledger, the logs, the engine's state and the index. */
export function collectMetrics(dashboard: Dashboard): Metric[] {
  const calls = new Map<string, { agent: string; model: string; calls: number; input: number; output: number; credits: number }>();
  for (const entry of dashboard.ledger.all()) {
    if (entry.type !== 'charge') continue;
    const key = `${entry.agent}\n${entry.model}`;
    let line = calls.get(key);
    if (!line) {
      line = { agent: entry.agent, model: entry.model, calls: 0, input: 0, output: 0, credits: 0 };
      calls.set(key, line);
    }
    line.calls += 1;
    line.input += entry.input_tokens;
    line.output += entry.output_tokens;
    line.credits += entry.credits;
  }
  const lines = [...calls.values()];
  const state = loadState(statePaths(dashboard.root).state);
  const waiting = new Set(state.pending.map((item) => item.to));
  const activity = dashboard.activity.counts();
  const org = dashboard.org();
  // The holds `lemming status` shows (engine/human/org-status.ts): failing models' by their one rule (isHeld), the circuit breakers' and the interventions'.
  const holds = breakerHolds(org);
  const held: Record<string, number> = { key: 0, answer: 0, failed_turns: 0, breaker: holds.filter((hold) => hold.by === 'breaker').length, intervention: holds.filter((hold) => hold.by === 'intervention').length };
  for (const each of FailingAgents.load(dashboard.root).heldAgents(org)) held[HELD_LABEL[each.heldFor]] = (held[HELD_LABEL[each.heldFor]] ?? 0) + 1;
  const byKind = (counts: Record<string, number>): Sample[] => Object.entries(counts).map(([kind, value]) => ({ labels: { kind }, value }));
  return [
    { name: 'lemming_turn', help: 'The last turn that finished.', type: 'gauge', samples: [{ value: state.turn }] },
    { name: 'lemming_calls_total', help: 'Model calls charged, by agent and model.', type: 'counter', samples: lines.map((line) => ({ labels: { agent: line.agent, model: line.model }, value: line.calls })) },
    {
      name: 'lemming_steps_total',
      help: 'Steps of model calls charged, by agent and model (each charged answer is one step).',
      type: 'counter',
      samples: lines.map((line) => ({ labels: { agent: line.agent, model: line.model }, value: line.calls })),
    },
    {
      name: 'lemming_tokens_total',
      help: 'Tokens charged, by agent, model and direction.',
      type: 'counter',
      samples: lines.flatMap((line) => [
        { labels: { agent: line.agent, model: line.model, direction: 'input' }, value: line.input },
        { labels: { agent: line.agent, model: line.model, direction: 'output' }, value: line.output },
      ]),
    },
    { name: 'lemming_credits_total', help: 'Credits charged, by agent and model.', type: 'counter', samples: lines.map((line) => ({ labels: { agent: line.agent, model: line.model }, value: line.credits })) },
    { name: 'lemming_errors_total', help: 'Errors in the activity logs, by kind.', type: 'counter', samples: byKind(activity.errors) },
    {
      name: 'lemming_refusals_total',
      help: 'Refused sends in the activity logs, by cause (chart, cap) and the rule that refused them.',
      type: 'counter',
      samples: Object.entries(activity.refusals).map(([key, value]) => {
        const [cause = 'chart', kind = 'other'] = key.split(' ');
        return { labels: { cause, kind }, value };
      }),
    },
    { name: 'lemming_turn_duration_seconds', help: 'How long turns run by this process took.', type: 'histogram', samples: dashboard.turnDurations.samples() },
    {
      name: 'lemming_agents_held',
      help: 'Agents held and not called, by reason: a refused key, an answer refused unread, engine.max_failed_turns failed turns in a row, a circuit breaker.',
      type: 'gauge',
      samples: Object.entries(held).map(([reason, value]) => ({ labels: { reason }, value })),
    },
    { name: 'lemming_agents_with_mail', help: 'Agents with mail waiting to be read.', type: 'gauge', samples: [{ value: waiting.size }] },
    { name: 'lemming_messages', help: 'Message files in all outboxes.', type: 'gauge', samples: [{ value: dashboard.watch.size }] },
  ];
}
