import { yaml } from '../lazy-modules.js';
import { agentNameFrom, ENGINE_SENDER, HUMAN } from '../org/names.js';
import { chartFor, COORDINATOR } from './marble-chart.js';
import { COORDINATION_MODES, type MarbleRow } from './marble-row.js';

/** The experiment file written beside each imported org. */
export const MARBLE_EXPERIMENT_FILE = 'marble-experiment.yaml';

/** A MARBLE agent id that is not a safe agent name, and the name it got. */
export interface Renamed {
  id: string;
  name: string;
}

/** The org a row becomes: its files by path (relative to the org root), the opening message, and what was renamed. */
export interface MarbleOrg {
  /** The org's name, also the experiment's: `marble-<scenario>-<task_id>`. */
  name: string;
  files: Map<string, string>;
  message: { to: string; subject: string; body: string };
  renamed: Renamed[];
  /** The experiment's variants: the row's own mode first, then each other mode that gives this row another chart. */
  variants: string[];
}

/** A role's label per MARBLE scenario: every agent of a row shares it, so a lead may split a task among them. */
const LABELS: Record<string, { one: string; many: string }> = { research: { one: 'Researcher', many: 'researchers' }, coding: { one: 'Developer', many: 'developers' } };
const MEMBER = { one: 'Team member', many: 'team members' };

/** The most of a profile's first sentence a title carries. */
const TITLE_CHARS = 120;

/** Lowercase letters, digits and `-` only, for names built from a row's scenario and task id. */
function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'x';
}

/**
 * A row's words as they go into a YAML comment or a subject: one line, control characters and
 * all, so a scenario holding a newline cannot add a key to the file it is written in.
 */
function oneLine(text: string): string {
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\s]+/g, ' ').trim();
  return flat.length <= 80 ? flat : `${flat.slice(0, 79)}…`;
}

/** The org's (and its experiment's) name: `marble-research-1`. */
export function marbleOrgName(row: Pick<MarbleRow, 'scenario' | 'taskId'>): string {
  return `marble-${slug(row.scenario)}-${slug(row.taskId)}`;
}

/** Text without the indentation all its lines share (MARBLE's tasks are indented Python strings), trimmed. */
function dedent(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const indents = lines.filter((line) => line.trim() !== '').map((line) => /^[ \t]*/.exec(line)?.[0].length ?? 0);
  // The first line often starts right after the opening quote, unindented: it does not set the cut.
  const cut = Math.min(...(indents.length > 1 ? indents.slice(1) : indents), Infinity);
  return lines.map((line, index) => (index === 0 ? line.trimStart() : line.slice(Math.min(cut, /^[ \t]*/.exec(line)?.[0].length ?? 0)))).join('\n').trim();
}

/** A profile's first sentence on one line, cut at a word: the title after the role's label. */
function titleOf(label: string, profile: string): string {
  const flat = profile.replace(/\s+/g, ' ').trim();
  const sentence = /^(.+?[.!?])(\s|$)/.exec(flat)?.[1] ?? flat;
  const cut = sentence.length <= TITLE_CHARS ? sentence : `${sentence.slice(0, TITLE_CHARS).replace(/\s+\S*$/, '')}…`;
  return `${label}: ${cut || 'a member of the team'}`;
}

/** YAML as a person writes a chart: each list of names on one line (`send_to: [coordinator, agent2]`). */
function yamlText(value: unknown): string {
  const { Document, isScalar, visit } = yaml();
  const document = new Document(value);
  visit(document, {
    Seq: (_, node) => {
      if (node.items.every((item) => isScalar(item) && typeof item.value === 'string' && item.value.length < 40 && !item.value.includes('\n'))) node.flow = true;
    },
  });
  return document.toString({ lineWidth: 0 });
}

function frontMatter(fields: Record<string, unknown>, body: string): string {
  return `---\n${yamlText(fields)}---\n${body.trim()}\n`;
}

/** The rubric a judge scores the answer by: the parts the output format asks for, the files it names, MARBLE's metrics, the row's milestones. */
export function rubricOf(row: MarbleRow): string[] {
  const format = row.task.outputFormat;
  const headings = [...format.matchAll(/\*\*(?:\[[^\]]*\]\s*-\s*)?([^*\n]+?)\*\*/g)].map((match) => (match[1] ?? '').trim());
  const metrics = row.metrics.map((metric) => metric.replace(/_/g, ' '));
  return [...new Set([...headings, ...deliverablesOf(row), ...metrics, ...row.milestones].filter((item) => item !== ''))];
}

/** Files the output format says the deliverable holds ("The final deliverable should include: solution.py"). */
export function deliverablesOf(row: MarbleRow): string[] {
  return [...new Set([...row.task.outputFormat.matchAll(/(?<![\w.-])([A-Za-z0-9_-]+\.(?:py|js|ts|java|cpp|c|go|rs|rb|md|txt|json|html|css|sql))\b/g)].map((match) => match[1] as string))];
}

function orgYaml(name: string, row: MarbleRow, source: string): string {
  const header = [
    `# MultiAgentBench (MARBLE) ${oneLine(row.scenario)} task ${oneLine(row.taskId)}, imported by \`lemming import-marble\` from ${oneLine(source)}, line ${row.line}.`,
    `# MARBLE runs it with coordinate_mode ${row.mode}${row.maxIterations === undefined ? '' : ` and ${row.maxIterations} iteration(s)`}; docs/experiments.md says how the row became this org.`,
  ];
  const settings = {
    name,
    engine: { max_turns: 30, concurrency: 8, max_messages_per_turn: 5, max_body_chars: 50_000, context: { max_messages: 20, max_tokens: 16_000, max_memory_chars: 4000 }, traces: { keep: 50 } },
    models: {
      offline: { provider: 'offline', model: 'offline-1', input_price: 2.5, output_price: 10, context_window: 32_000 },
      'gpt-4o-mini': { provider: 'openai', model: 'gpt-4o-mini', api_key_env: 'OPENAI_API_KEY', input_price: 0.15, cached_input_price: 0.075, output_price: 0.6, context_window: 128_000 },
    },
  };
  return `${header.join('\n')}\n${yaml().stringify(settings)}`;
}

/**
 * The org a MARBLE row becomes (see marble-chart.ts for the chart): a resume per MARBLE agent
 * (its profile the instructions, its first sentence the title), the coordinator in MARBLE's
 * planner's place, the row's task as the human's first message to the coordinator, and an
 * experiment file that runs the row's coordination mode against the others, scored by the
 * row's output format and metrics. Agent ids that are not safe agent names are renamed by the
 * one name rule (org/names.ts) and the renames returned. Pure.
 */
export function marbleOrg(row: MarbleRow, source: string): MarbleOrg {
  const taken = new Set<string>([HUMAN, ENGINE_SENDER, COORDINATOR]);
  const names = new Map<string, string>();
  const renamed: Renamed[] = [];
  for (const agent of row.agents) {
    const name = agentNameFrom(agent.id, taken);
    taken.add(name);
    names.set(agent.id, name);
    if (name !== agent.id) renamed.push({ id: agent.id, name });
  }
  const nameOf = (id: string): string => names.get(id) ?? id;
  // A scenario is the row's word ("constructor" included): only LABELS' own entries count.
  const label = (Object.hasOwn(LABELS, row.scenario) ? LABELS[row.scenario] : undefined) ?? MEMBER;
  const name = marbleOrgName(row);
  const files = new Map<string, string>();
  files.set('org/org.yaml', orgYaml(name, row, source));
  const chart = chartFor(row, row.mode, nameOf);
  files.set('org/chart.yaml', `# MARBLE coordinate_mode ${row.mode}: see docs/experiments.md for how each mode becomes a chart.\n${yamlText({ agents: chart })}`);
  files.set(`agents/${HUMAN}/resume.md`, frontMatter({ title: 'The person running this organisation', model: HUMAN }, 'This is you. The engine never calls this agent: you write as `human` with\n`lemming send` or `lemming chat`, and read what comes back with `lemming inbox`.'));
  const planner = [
    `You stand in for MultiAgentBench's engine planner: the person (\`${HUMAN}\`) gives you the team's task.`,
    `Split it between the ${label.many} who report to you, wait for every report, and send the person one answer that sums up the team's results in the form the task asks for.`,
    ...(row.initialProgress ? ['', `MARBLE's planner starts with this note: ${row.initialProgress}`] : []),
  ].join('\n');
  files.set(`agents/${COORDINATOR}/resume.md`, frontMatter({ title: "Coordinator: shares the team's task out and sums up its results", model: 'offline', credits: 0.5, tools: ['send_message', 'remember'] }, planner));
  const coding = row.scenario === 'coding' || row.agents.some((agent) => /coding/i.test(agent.type));
  for (const agent of row.agents) {
    const own = nameOf(agent.id);
    const related = row.relationships.filter((relationship) => relationship.source === agent.id || relationship.target === agent.id).map((relationship) => `${nameOf(relationship.source)} ${relationship.kind} ${nameOf(relationship.target)}`);
    const body = [
      `You are ${own}, a member of a MultiAgentBench (MARBLE) ${oneLine(row.scenario)} team${own === agent.id ? '' : ` (MARBLE's id for you: ${JSON.stringify(agent.id)})`}.`,
      '',
      'Your profile, as MARBLE gives it:',
      '',
      agent.profile.trim() || '(MARBLE gives no profile)',
      '',
      'When a task reaches you and others report to you, split it between them and report back to whoever asked once they have; when no one reports to you, do your part of the task yourself and report back what you found.',
      ...(related.length > 0 ? ['', `Your relationships in MARBLE: ${related.join('; ')}.`] : []),
    ].join('\n');
    const fields: Record<string, unknown> = { title: titleOf(label.one, agent.profile), model: 'offline', credits: 0.3, tools: coding ? ['send_message', 'remember', 'read_file', 'write_file', 'list_files'] : ['send_message', 'remember'] };
    if (coding) fields.shared_workspace = 'write';
    files.set(`agents/${own}/resume.md`, frontMatter(fields, body));
  }
  const format = dedent(row.task.outputFormat);
  const message = { to: COORDINATOR, subject: `MARBLE ${oneLine(row.scenario)} task ${oneLine(row.taskId)}`, body: [dedent(row.task.content), ...(format ? [format] : [])].join('\n\n') };

  // The row's mode first (the baseline), then each other mode whose chart for this row differs from every one before it.
  const variants: Array<{ mode: string; chart: Record<string, unknown> }> = [{ mode: row.mode, chart: chart }];
  for (const mode of COORDINATION_MODES) {
    const other = chartFor(row, mode, nameOf);
    if (variants.some((variant) => JSON.stringify(variant.chart) === JSON.stringify(other))) continue;
    variants.push({ mode, chart: other });
  }
  const rubric = rubricOf(row);
  const deliverables = deliverablesOf(row);
  const experiment = {
    name,
    turns: 30,
    repeats: 3,
    seed: 1,
    variability: 0.5,
    messages: [message],
    ...(deliverables.length > 0 ? { checks: deliverables.map((file) => ({ name: `has-${slug(file)}`, run: `find "$SHARED" -path '*/workspace/*' -name '${file}' -type f | grep -q .` })) } : {}),
    ...(rubric.length > 0 ? { judge: { model: 'offline', scale: 10, rubric } } : {}),
    variants: variants.map((variant, index) => {
      if (index === 0) return { name: variant.mode };
      // Every agent's whole entry, the human's left as it is: the variant's chart replaces the row's.
      const entries = Object.fromEntries(Object.entries(variant.chart).filter(([agent]) => agent !== HUMAN));
      return { name: variant.mode, chart: entries };
    }),
  };
  const header = [
    `# MultiAgentBench (MARBLE) ${oneLine(row.scenario)} task ${oneLine(row.taskId)} (${oneLine(source)}, line ${row.line}) as an experiment:`,
    `# does the coordination mode change the score, the credits and the time to answer? The first variant is the row's own mode.`,
    `# Run it in this folder: lemming experiment ${MARBLE_EXPERIMENT_FILE}. For a real model: swap_models: { offline: gpt-4o-mini } (in a variant) and judge.model.`,
  ];
  files.set(MARBLE_EXPERIMENT_FILE, `${header.join('\n')}\n${yamlText(experiment)}`);
  return { name, files, message, renamed, variants: variants.map((variant) => variant.mode) };
}
