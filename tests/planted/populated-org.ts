import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import type { PlantedActivationRule, PlantedAgent, PlantedStudy } from './plan.js';
import { activationLines, PLAN_FILE, planText, REPOSITORY, SEAT_PROGRAM } from './write-study.js';

/*
 * A planted study on an org `lemming populate` made, by the path a user takes: a template whose
 * org.yaml registers the scripted seat (the spec's roles name it), populate, then the user's own edits
 * (activation rules in org.yaml, a line of the chart), and the plan written once populate has named the
 * people. What the truths need of the org is read back from its files as a person reads them (YAML),
 * with nothing of lemming's.
 */

/** The default org's settings and registry (templates/software-team), as a user copies them to start a template of their own. */
const DEFAULT_ORG_YAML = join(REPOSITORY, 'templates', 'software-team', 'org', 'org.yaml');

/**
 * A template folder (`populate --template FOLDER`) whose org.yaml is the default org's with the
 * scripted seat added to its registry: `seat`, a `provider: command` entry running seats/scripted-seat.mjs
 * on the plan at `planFile` (absolute, so an experiment's runs, which copy org.yaml, read the same plan).
 * The template's per-turn cap is the default's (5). Returns the folder.
 */
export function writeSeatTemplate(folder: string, planFile: string, seat: { pricePerCall: number }): string {
  const entry = [
    '  seat:                       # the scripted seat of a planted study (tests/planted/seats/scripted-seat.mjs)',
    '    provider: command',
    `    command: ${JSON.stringify(process.execPath)}`,
    `    args: [${JSON.stringify(SEAT_PROGRAM)}, ${JSON.stringify(planFile)}]`,
    '    prompt: json',
    '    reply: json',
    '    input_price: 0',
    '    output_price: 0',
    `    price_per_call: ${seat.pricePerCall}`,
    '    context_window: 32000',
    '    max_retries: 0',
  ];
  const orgYaml = readFileSync(DEFAULT_ORG_YAML, 'utf8').replace(/^models:\n/m, `models:\n${entry.join('\n')}\n`);
  mkdirSync(join(folder, 'org'), { recursive: true });
  writeFileSync(join(folder, 'org', 'org.yaml'), orgYaml);
  return folder;
}

/** Each agent of a populated org's chart (the human left out) with its resume's title, role, department and credits, as its files say them. */
export function readPopulated(root: string): PlantedAgent[] {
  const chart = parse(readFileSync(join(root, 'org', 'chart.yaml'), 'utf8')) as { agents: Record<string, { reports_to: string | null; send_to: string[] }> };
  return Object.entries(chart.agents)
    .filter(([name]) => name !== 'human')
    .map(([name, entry]) => {
      const resume = readFileSync(join(root, 'agents', name, 'resume.md'), 'utf8');
      const front = parse(resume.split(/^---$/m)[1] ?? '') as { title: string; role?: string; credits: number; persona?: { department?: string } };
      return { name, title: front.title, ...(front.role === undefined ? {} : { role: front.role }), department: String(front.persona?.department ?? ''), reportsTo: entry.reports_to ?? 'human', sendTo: entry.send_to, credits: front.credits };
    });
}

/** The most names one agent of a chart may write to: the cap a structure needs to hand a task to all its reports in one turn. */
export function largestSendTo(agents: readonly PlantedAgent[]): number {
  return Math.max(...agents.map((agent) => agent.sendTo.length));
}

/** org.yaml's `engine.max_messages_per_turn`, as the file says it. */
export function orgYamlCap(root: string): number {
  return (parse(readFileSync(join(root, 'org', 'org.yaml'), 'utf8')) as { engine: { max_messages_per_turn: number } }).engine.max_messages_per_turn;
}

/**
 * The user's edits after populate: `rules` under org.yaml's `engine:` (`engine.activation`, seed 7, as
 * docs/people.md shows them), and the heads of the chart allowed to write to each other (each added to
 * the other's `send_to` and `read_from`, the lines edited in place).
 */
export function editPopulatedOrg(root: string, rules: readonly PlantedActivationRule[]): void {
  const orgFile = join(root, 'org', 'org.yaml');
  writeFileSync(orgFile, readFileSync(orgFile, 'utf8').replace(/^engine:\n/m, `engine:\n  activation:\n    seed: 7\n    rules:\n${activationLines(rules).join('\n')}\n`));
  const chartFile = join(root, 'org', 'chart.yaml');
  let chart = readFileSync(chartFile, 'utf8');
  const heads = [...chart.matchAll(/^ {2}(\w+):\n {4}reports_to: human\n/gm)].map((match) => match[1] as string);
  for (const head of heads) {
    const others = heads.filter((other) => other !== head);
    chart = chart.replace(new RegExp(`^( {2}${head}:\\n {4}reports_to: human\\n {4}send_to: \\[)(.*)\\]\\n( {4}read_from: \\[)(.*)\\]$`, 'm'), (_whole, sendStart: string, sendTo: string, readStart: string, readFrom: string) => `${sendStart}${sendTo}, ${others.join(', ')}]\n${readStart}${readFrom}, ${others.join(', ')}]`);
  }
  writeFileSync(chartFile, chart);
}

/** The plan the seats play, where the template's seat entry reads it. */
export function writePlan(root: string, study: PlantedStudy): void {
  mkdirSync(dirname(join(root, PLAN_FILE)), { recursive: true });
  writeFileSync(join(root, PLAN_FILE), planText(study));
}
