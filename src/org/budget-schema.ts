import type { z as Zod } from 'zod';
import type { Problem } from '../errors.js';
import type { Agent } from './org.js';

/** What a loop breaker does when it sees a loop: tell the human and hold the agents in it, only tell, or nothing. */
export const LOOP_ACTIONS = ['pause', 'warn', 'off'] as const;

export type LoopAction = (typeof LOOP_ACTIONS)[number];

/** The loop breakers' counts when a setting names only what to do (`repeated_messages: warn`). */
export const LOOP_DEFAULTS = {
  ping_pong: { messages: 4 },
  repeated_messages: { times: 3, within: 10 },
  escalation_storm: { messages: 3, turns: 2 },
} as const;

/** The warning thresholds a ceiling has unless it says: half, four fifths, all of it. */
export const DEFAULT_WARN_AT: readonly number[] = [0.5, 0.8, 1];

/**
 * The parts of org.yaml about spending as a whole: `budget:` (a ceiling for the org and for each
 * department) and the loop breakers of `engine.breakers`. Built by schema.ts's `buildSchemas` with its
 * zod and its name-keyed records; kept here so that file stays one long list, not two. Comments on the
 * fields are what docs/org-files.md says of them (`npm run docs` reads this file too).
 */
export function buildBudgetSchemas(z: typeof Zod, nameKeyed: <Value extends Zod.ZodType>(value: Value) => Zod.ZodType<Record<string, Zod.output<Value>>, unknown>) {
  const positiveInt = z.number().int().min(1);
  /** Shares of a ceiling, each above 0 and at most 1: at each the human is told once; 1 (the ceiling itself) is always told. */
  const warnAt = z
    .array(z.number().gt(0).max(1, 'is a share of the ceiling: at most 1, for example 0.8 for 80 %'))
    .min(1)
    .max(10)
    .transform((shares) => [...new Set([...shares, 1])].sort((left, right) => left - right));
  /** A department's ceiling: the credits its lead and everyone who reports to it, at any depth, may spend together. */
  const departmentBudgetSchema = z.strictObject({
    /** Credits the department may spend in all, summed from the ledger's charges. */
    credits: z.number().positive().max(1e12),
    /** Shares of the ceiling at which the human is told, once each (the org's `budget.warn_at` when absent). */
    warn_at: warnAt.optional(),
  });
  const orgBudgetSchema = z.strictObject({
    /** Credits the whole org may spend (every charge in its ledger); absent: no ceiling for the org, only for the departments listed. */
    credits: z.number().positive().max(1e12).optional(),
    /** Shares of a ceiling at which the human (and the `notify:` webhooks listening for `budget`) is told, once each; at 1 no new model call starts. */
    warn_at: warnAt.default([...DEFAULT_WARN_AT]),
    /** Ceilings of departments, each keyed by its lead in org/chart.yaml: the lead and everyone whose `reports_to` leads to it. */
    departments: nameKeyed(departmentBudgetSchema).optional(),
  });

  const loopAction = z.enum(LOOP_ACTIONS);
  /** A ping-pong breaker: a count of messages (both agents are paused at it), `pause`, `warn` or `off` at the default count, or what to do and after how many messages. */
  const pingPongSchema = z.union([
    positiveInt.min(2).transform((messages) => ({ messages, on: 'pause' as LoopAction })),
    loopAction.transform((on) => ({ ...LOOP_DEFAULTS.ping_pong, on })),
    z.strictObject({
      /** Messages two agents send back and forth (taking turns or in the same turns), neither writing to anyone else nor making anything. */
      messages: positiveInt.min(2).default(LOOP_DEFAULTS.ping_pong.messages),
      /** `pause` holds both agents and tells the human, `warn` only tells, `off` counts nothing. */
      on: loopAction.default('pause'),
    }),
  ]);
  const repeatedMessagesSchema = z.union([
    loopAction.transform((on) => ({ ...LOOP_DEFAULTS.repeated_messages, on })),
    z.strictObject({
      /** Turns in which an agent wrote the same text (spacing and case aside; one text to several agents in one turn counts once). */
      times: positiveInt.min(2).max(1000).default(LOOP_DEFAULTS.repeated_messages.times),
      /** Only the last so many turns count: an answer given again a week later is no loop. */
      within: positiveInt.max(1000).default(LOOP_DEFAULTS.repeated_messages.within),
      /** `pause` holds the sender and tells the human, `warn` only tells, `off` counts nothing. */
      on: loopAction.default('pause'),
    }),
  ]);
  const escalationStormSchema = z.union([
    loopAction.transform((on) => ({ ...LOOP_DEFAULTS.escalation_storm, on })),
    z.strictObject({
      /** High or urgent messages to the agent's own manager (`reports_to`) reaching one manager… */
      messages: positiveInt.min(2).max(1000).default(LOOP_DEFAULTS.escalation_storm.messages),
      /** …within this many turns. */
      turns: positiveInt.max(1000).default(LOOP_DEFAULTS.escalation_storm.turns),
      /** `pause` holds the agents that escalated and tells the human, `warn` only tells, `off` counts nothing. */
      on: loopAction.default('pause'),
    }),
  ]);
  return { orgBudgetSchema, departmentBudgetSchema, pingPongSchema, repeatedMessagesSchema, escalationStormSchema };
}

type Built = ReturnType<typeof buildBudgetSchemas>;
/** A loop breaker's setting, as loaded: what to do, and its counts. */
export type PingPongSetting = Zod.infer<Built['pingPongSchema']>;
export type RepeatedMessagesSetting = Zod.infer<Built['repeatedMessagesSchema']>;
export type EscalationStormSetting = Zod.infer<Built['escalationStormSchema']>;

/** org.yaml `budget:`, as loaded. */
export type OrgBudget = Zod.infer<ReturnType<typeof buildBudgetSchemas>['orgBudgetSchema']>;

/**
 * What is wrong with org.yaml `budget:` against the org it belongs to: a department keyed by a name
 * that is no agent of the org, at its line of org.yaml when `lineOf` knows it. Pure.
 */
export function budgetProblems(budget: OrgBudget, agents: ReadonlyMap<string, Pick<Agent, 'name'>>, lineOf?: (path: Array<string | number>) => number | undefined): Problem[] {
  const at = (path: string[]): { line?: number } => {
    const line = lineOf?.(path);
    return line === undefined ? {} : { line };
  };
  const problems: Problem[] = [];
  for (const lead of Object.keys(budget.departments ?? {})) {
    if (agents.has(lead)) continue;
    const some = [...agents.keys()].find((name) => name !== 'human') ?? 'manager';
    problems.push({
      file: 'org/org.yaml',
      field: `budget.departments.${lead}`,
      ...at(['budget', 'departments', lead]),
      message: `names no agent of this org (there is no agents/${lead}/resume.md); a department is keyed by its lead in org/chart.yaml, for example \`departments: { ${some}: { credits: 5 } }\``,
      severity: 'error',
    });
  }
  if (budget.credits === undefined && Object.keys(budget.departments ?? {}).length === 0) {
    problems.push({ file: 'org/org.yaml', field: 'budget.credits', ...at(['budget']), message: 'a budget with no ceiling sets nothing: give the org one, for example `budget: { credits: 20 }`, or a department one under `departments:`', severity: 'error' });
  }
  return problems;
}
