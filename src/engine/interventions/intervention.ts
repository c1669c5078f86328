import type { z as Zod } from 'zod';
import { AGENT_NAME_HINT, AGENT_NAME_PATTERN } from '../../org/names.js';
import { showCredits, showGiven } from '../../format/format.js';
import { topUpProblem } from '../money/top-up.js';

/** A chart edge: `from` may send to `to`, and `to` reads from `from`. */
export interface Edge {
  from: string;
  to: string;
}

/**
 * One change made to an org while it runs, before turn `turn` (so that turn sees it): written
 * in `org/interventions.yaml` (an experiment's variant writes it from its `interventions:`), carried
 * out by the engine between turns through the same mechanisms a person's edits use, and journaled.
 * Exactly one action per entry.
 */
export type Intervention = { turn: number } & (
  | { send: { to: string; body: string; subject?: string; from: string } }
  | { resume: { agent: string; set?: Record<string, unknown>; body?: string } }
  | { credits: { agent: string; top_up?: number; set?: number } }
  | { chart: { add?: Edge; remove?: Edge } }
  | { hold: string }
  | { retire: string }
);

/** The action keys of an intervention, in the order the docs list them. */
export const INTERVENTION_ACTIONS = ['send', 'resume', 'credits', 'chart', 'hold', 'retire'] as const;
/** One of INTERVENTION_ACTIONS. */
export type InterventionKind = (typeof INTERVENTION_ACTIONS)[number];

/** What an intervention does, by its one action key. */
export function kindOf(intervention: Intervention): InterventionKind {
  return INTERVENTION_ACTIONS.find((key) => key in intervention) as InterventionKind;
}

/** Valid examples of each action, shown by the errors about them. */
export const INTERVENTION_EXAMPLES: Record<InterventionKind, string> = {
  send: '{ turn: 2, send: { to: manager, body: "Drop the report; fix the login bug first", from: human } }',
  resume: '{ turn: 3, resume: { agent: coder_01, set: { title: Senior engineer }, body: "You review every change." } }',
  credits: '{ turn: 2, credits: { agent: coder_01, top_up: 0.5 } }',
  chart: '{ turn: 2, chart: { add: { from: manager, to: coder_01 } } }',
  hold: '{ turn: 4, hold: planner }',
  retire: '{ turn: 4, retire: planner }',
};

/** The schema of one intervention (zod), shared by experiment files and `org/interventions.yaml`. */
export function interventionSchema(z: typeof Zod) {
  const name = z.string().regex(AGENT_NAME_PATTERN, AGENT_NAME_HINT);
  const edge = z.strictObject({ from: name, to: name });
  return z
    .strictObject({
      turn: z.number().int().min(1),
      send: z.strictObject({ to: name, body: z.string().min(1), subject: z.string().min(1).optional(), from: name.default('human') }).optional(),
      resume: z
        .strictObject({ agent: name, set: z.record(z.string(), z.unknown()).optional(), body: z.string().min(1).optional() })
        .refine((value) => value.set !== undefined || value.body !== undefined, `says nothing to change: give \`set:\` (front matter fields) or \`body:\`, for example ${INTERVENTION_EXAMPLES.resume}`)
        .optional(),
      credits: z
        .strictObject({
          agent: name,
          // The rule every top-up answers to (top-up.ts): one the ledger would refuse mid-run is refused here, before any run.
          top_up: z
            .number()
            .superRefine((credits, context) => {
              const problem = topUpProblem(credits);
              if (problem !== undefined) context.addIssue({ code: 'custom', message: `${problem} (got ${showGiven(credits)})` });
            })
            .optional(),
          set: z.number().min(0).optional(),
        })
        .refine((value) => (value.top_up === undefined) !== (value.set === undefined), `needs exactly one of \`top_up:\` or \`set:\`, for example ${INTERVENTION_EXAMPLES.credits}`)
        .optional(),
      chart: z
        .strictObject({ add: edge.optional(), remove: edge.optional() })
        .refine((value) => (value.add === undefined) !== (value.remove === undefined), `needs exactly one of \`add:\` or \`remove:\`, for example ${INTERVENTION_EXAMPLES.chart}`)
        .optional(),
      hold: name.optional(),
      retire: name.optional(),
    })
    .refine((value) => INTERVENTION_ACTIONS.filter((key) => value[key] !== undefined).length === 1, `needs exactly one action (${INTERVENTION_ACTIONS.join(', ')}), for example ${INTERVENTION_EXAMPLES.send}`);
}

/** An intervention as the schema leaves it: defaults filled in, unset actions absent. */
export function normaliseIntervention(value: { turn: number } & Partial<Record<InterventionKind, unknown>>): Intervention {
  const kind = INTERVENTION_ACTIONS.find((key) => value[key] !== undefined) as InterventionKind;
  return { turn: value.turn, [kind]: value[kind] } as Intervention;
}

/** One line for the log and the event stream: what the intervention does. Pure. */
export function describeIntervention(intervention: Intervention): string {
  if ('send' in intervention) {
    const { from, to, subject, body } = intervention.send;
    return `${from} sends ${to} a message: ${subject ?? body.split('\n')[0]?.slice(0, 80)}`;
  }
  if ('resume' in intervention) {
    const { agent, set, body } = intervention.resume;
    const parts = [...(set ? [`sets ${Object.keys(set).join(', ')}`] : []), ...(body !== undefined ? ['replaces its instructions'] : [])];
    return `${agent}'s resume: ${parts.join(' and ')}`;
  }
  if ('credits' in intervention) {
    const { agent, top_up: topUp, set } = intervention.credits;
    return topUp !== undefined ? `${agent} is topped up by ${showCredits(topUp)} credits` : `${agent}'s budget is set to ${showCredits(set ?? 0)} credits`;
  }
  if ('chart' in intervention) {
    const edge = intervention.chart.add ?? intervention.chart.remove;
    return `${intervention.chart.add ? 'adds' : 'removes'} the chart edge ${edge?.from} → ${edge?.to}`;
  }
  if ('hold' in intervention) return `${intervention.hold} is held (not called until \`lemming retry ${intervention.hold}\`)`;
  return `${intervention.retire} retires`;
}

/** The agent whose log shows the intervention: the one it changes (a message's recipient). */
export function agentOf(intervention: Intervention): string {
  if ('send' in intervention) return intervention.send.to;
  if ('resume' in intervention) return intervention.resume.agent;
  if ('credits' in intervention) return intervention.credits.agent;
  if ('chart' in intervention) return (intervention.chart.add ?? intervention.chart.remove)?.from ?? '';
  if ('hold' in intervention) return intervention.hold;
  return intervention.retire;
}
