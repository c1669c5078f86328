import type { z as Zod } from 'zod';
import type { Problem } from '../errors.js';
import { zod } from '../lazy-modules.js';

/*
 * One task row of MultiAgentBench (MARBLE, github.com/MultiagentBench/MARBLE): a line of its
 * `multiagentbench/<scenario>/<scenario>_main.jsonl`. The fields and their meaning are MARBLE's
 * (marble/configs/config.py reads them; multiagentbench/jsonl2yaml.py fills the empty ones):
 *
 *   scenario          "research", "coding", "database", "bargaining", …
 *   task_id           the row's number within its scenario
 *   agents            [{ agent_id, profile, type }]: each agent's id, its persona, its class
 *   relationships     [[source, target, kind]]: "collaborate with"; "parent" (source is target's parent) in trees
 *   coordinate_mode   "star" | "graph" | "tree" | "chain"; "" is jsonl2yaml.py's default, graph
 *   task              { content, output_format }: what the team is asked, and what the answer must hold
 *   environment       { type, name, max_iterations, workspace_dir }
 *   engine_planner    { initial_progress }: MARBLE's planner's opening note
 *   metrics           { evaluate_llm, <metric>: true, … }: what MARBLE's LLM evaluator scores
 *   llm, memory, output: the model, memory and output file MARBLE runs with (not used here)
 *
 * MARBLE scores milestones with its evaluator from the run's output; rows carry no milestones of
 * their own. A row may carry `milestones: [text, …]` (a lemming extension): each becomes an item
 * of the judge's rubric.
 */

/** MARBLE's coordination modes (marble/engine/engine.py `start`). */
export const COORDINATION_MODES = ['star', 'graph', 'tree', 'chain'] as const;
export type CoordinationMode = (typeof COORDINATION_MODES)[number];

/** A MARBLE row, checked: the fields lemming uses, with MARBLE's defaults filled in. */
export interface MarbleRow {
  /** The line of the file the row was on (from 1). */
  line: number;
  scenario: string;
  taskId: string;
  agents: Array<{ id: string; profile: string; type: string }>;
  relationships: Array<{ source: string; target: string; kind: string }>;
  mode: CoordinationMode;
  task: { content: string; outputFormat: string };
  /** environment.max_iterations, when a number. */
  maxIterations?: number;
  /** engine_planner.initial_progress, when given. */
  initialProgress?: string;
  /** The metrics MARBLE's evaluator scores (those set true), in the row's order. */
  metrics: string[];
  /** The row's milestones, when it carries any. */
  milestones: string[];
}

function buildSchema(z: typeof Zod) {
  const text = z.string();
  return z.looseObject({
    scenario: text.min(1, 'is empty; MARBLE names the scenario, for example "research"'),
    task_id: z.union([z.number(), z.string().min(1)]),
    agents: z
      .array(
        z.looseObject({
          agent_id: text.min(1, 'is empty; every MARBLE agent has an id, for example "agent1"'),
          profile: text,
          type: text.optional(),
        }),
      )
      .min(1, 'has no agent; a MARBLE row lists its agents as [{ "agent_id": "agent1", "profile": "…" }]'),
    relationships: z.array(z.tuple([text, text, text], { error: 'is not a [source, target, kind] triple, for example ["agent1", "agent2", "collaborate with"]' })).default([]),
    coordinate_mode: z.union([z.enum(COORDINATION_MODES), z.literal('')], { error: `is not a MARBLE coordination mode; use one of ${COORDINATION_MODES.join(', ')} (or "" for graph)` }).default(''),
    task: z.looseObject({ content: text.min(1, 'is empty; the task is what the team is asked'), output_format: text.optional() }),
    environment: z.looseObject({ max_iterations: z.union([z.number(), z.string()]).optional() }).optional(),
    engine_planner: z.looseObject({ initial_progress: text.optional() }).optional(),
    metrics: z.record(z.string(), z.unknown()).optional(),
    milestones: z.array(text.min(1)).optional(),
  });
}

let schema: ReturnType<typeof buildSchema> | undefined;

/** A zod path as the docs and MARBLE's own files write it: `agents[1].agent_id`. */
function fieldOf(path: ReadonlyArray<PropertyKey>): string {
  return path.map((part, index) => (typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`)).join('') || '(the row)';
}

/**
 * Read one line of a MARBLE JSONL file. Every problem names the file, the line and the field;
 * a row is refused when an id is used twice or a relationship names an agent the row lacks. Pure.
 */
export function parseMarbleRow(text: string, file: string, line: number): { row?: MarbleRow; problems: Problem[] } {
  const problem = (field: string | undefined, message: string): Problem => ({ file, line, ...(field ? { field } : {}), message, severity: 'error' });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { problems: [problem(undefined, `is not JSON (${error instanceof Error ? error.message : String(error)}); a MARBLE task file holds one JSON object a line`)] };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { problems: [problem(undefined, 'is not a JSON object; a MARBLE row is { "scenario": …, "task_id": …, "agents": […], "task": { "content": … } }')] };
  schema ??= buildSchema(zod().z);
  const parsed = schema.safeParse(value);
  if (!parsed.success) return { problems: parsed.error.issues.map((issue) => problem(fieldOf(issue.path), issue.message)) };
  const data = parsed.data;
  const problems: Problem[] = [];
  const ids = new Set<string>();
  data.agents.forEach((agent, index) => {
    if (ids.has(agent.agent_id)) problems.push(problem(`agents[${index}].agent_id`, `${JSON.stringify(agent.agent_id)} is used twice; each agent of a row has its own id`));
    ids.add(agent.agent_id);
  });
  data.relationships.forEach(([source, target], index) => {
    if (!ids.has(source)) problems.push(problem(`relationships[${index}][0]`, `${JSON.stringify(source)} is not an agent of this row; use one of ${[...ids].join(', ')}`));
    if (!ids.has(target)) problems.push(problem(`relationships[${index}][1]`, `${JSON.stringify(target)} is not an agent of this row; use one of ${[...ids].join(', ')}`));
  });
  if (problems.length > 0) return { problems };
  const iterations = data.environment?.max_iterations;
  const metrics = Object.entries(data.metrics ?? {}).filter(([, on]) => on === true).map(([name]) => name);
  return {
    problems: [],
    row: {
      line,
      scenario: data.scenario,
      taskId: String(data.task_id),
      agents: data.agents.map((agent) => ({ id: agent.agent_id, profile: agent.profile, type: agent.type ?? '' })),
      relationships: data.relationships.map(([source, target, kind]) => ({ source, target, kind })),
      mode: data.coordinate_mode === '' ? 'graph' : data.coordinate_mode,
      task: { content: data.task.content, outputFormat: data.task.output_format ?? '' },
      ...(typeof iterations === 'number' ? { maxIterations: iterations } : {}),
      ...(data.engine_planner?.initial_progress ? { initialProgress: data.engine_planner.initial_progress } : {}),
      metrics,
      milestones: data.milestones ?? [],
    },
  };
}
