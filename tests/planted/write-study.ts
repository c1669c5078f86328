import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ACTIVATION_FIELDS, type PlantedActivationRule, type PlantedStudy } from './plan.js';

/** The repository: the folder above this file that holds package.json (from tests/planted, or the bench's dist-bench/tests/planted). */
function repositoryFolder(): string {
  let folder = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(folder, 'package.json')) && dirname(folder) !== folder) folder = dirname(folder);
  return folder;
}

/** The repository's folder (where the templates and the seat program are). */
export const REPOSITORY = repositoryFolder();

/** The scripted seat's program: every seat of a study is this program reading the plan (plain JavaScript, run as it is). */
export const SEAT_PROGRAM = join(REPOSITORY, 'tests', 'planted', 'seats', 'scripted-seat.mjs');

/** Where a study's plan lies in its org, for its seats to read (LEMMING_ORG_ROOT/planted/plan.json). */
export const PLAN_FILE = join('planted', 'plan.json');

/** The plan the seats read (PLAN_FILE): the study's name, the usage every answer reports, and the script. */
export function planText(study: PlantedStudy): string {
  return `${JSON.stringify({ study: study.name, usage: study.usage, script: study.script }, null, 2)}\n`;
}

/** org.yaml's lines under `engine.activation.rules:`, a rule a line as a person writes it: `- { match: { role: member, department: lab }, probability: 1, at_most: 4 }`. */
export function activationLines(rules: readonly PlantedActivationRule[]): string[] {
  return rules.map((rule) => {
    const match = ACTIVATION_FIELDS.flatMap((field) => (rule[field] === undefined ? [] : [`${field}: ${JSON.stringify(rule[field])}`])).join(', ');
    return `      - { match: { ${match} }, probability: 1${rule.atMost === undefined ? '' : `, at_most: ${rule.atMost}`} }`;
  });
}

function write(root: string, path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

const list = (names: readonly string[]): string => `[${names.join(', ')}]`;

/** Who may write to `name`: the human's read_from and every agent's are the mirror of send_to. */
function writersOf(study: PlantedStudy, name: string, humanSendsTo: readonly string[]): string[] {
  const writers = study.agents.filter((agent) => agent.sendTo.includes(name)).map((agent) => agent.name);
  return humanSendsTo.includes(name) ? ['human', ...writers] : writers;
}

/**
 * Write a study as a person writes an org by hand: org.yaml (the seat's registry entry, the cap,
 * activation, the breaker, the ceilings), chart.yaml, a resume per agent, the lists, the meetings,
 * and the plan the seats read. No lemming code writes any of it, so the org is the user's, not a
 * template's. `humanSendsTo`: whom the human may write to (the agents and lists of the opening).
 */
export function writeStudy(root: string, study: PlantedStudy): void {
  const humanSendsTo = [...new Set(study.opening.flatMap((send) => [...send.to, ...(send.cc ?? [])]))];
  const activation = activationLines(study.activation);
  const ceilings = Object.entries(study.ceilings).map(([lead, credits]) => `    ${lead}: { credits: ${credits} }`);
  write(
    root,
    'org/org.yaml',
    [
      `name: ${study.name}`,
      'engine:',
      `  max_turns: ${study.turns}`,
      `  max_messages_per_turn: ${study.cap}`,
      '  concurrency: 4',
      '  activation:',
      '    seed: 1',
      '    rules:',
      ...activation,
      ...(study.repeatTimes === undefined ? [] : ['  breakers:', `    repeated_messages: { times: ${study.repeatTimes}, within: 10, on: pause }`]),
      'history: { keep: false }',
      'budget:',
      '  departments:',
      ...ceilings,
      'models:',
      '  seat:',
      '    provider: command',
      `    command: ${JSON.stringify(process.execPath)}`,
      `    args: [${JSON.stringify(SEAT_PROGRAM)}, ${JSON.stringify(join(root, PLAN_FILE))}]`,
      '    prompt: json',
      '    reply: json',
      '    input_price: 0',
      '    output_price: 0',
      `    price_per_call: ${study.pricePerCall}`,
      '    context_window: 32000',
      '    max_retries: 0',
      '',
    ].join('\n'),
  );
  const chart = ['agents:', '  human:', '    reports_to: null', `    send_to: ${list(humanSendsTo)}`, `    read_from: ${list(writersOf(study, 'human', humanSendsTo))}`];
  for (const agent of study.agents) {
    chart.push(`  ${agent.name}:`, `    reports_to: ${agent.reportsTo}`, `    send_to: ${list(agent.sendTo)}`, `    read_from: ${list(writersOf(study, agent.name, humanSendsTo))}`);
  }
  write(root, 'org/chart.yaml', `${chart.join('\n')}\n`);
  write(root, 'agents/human/resume.md', '---\ntitle: The person running the clinic\nmodel: human\n---\nThis is you.\n');
  for (const agent of study.agents) {
    write(
      root,
      `agents/${agent.name}/resume.md`,
      `---\ntitle: ${agent.title}\nmodel: seat\ncredits: ${agent.credits}\ntools: [send_message, remember]\npersona:\n  department: ${agent.department}\n---\nA scripted seat of the planted study ${study.name}.\n`,
    );
  }
  for (const each of study.lists) write(root, `org/lists/${each.name}.yaml`, `members: ${list(each.members)}\nmay_post: ${list(each.mayPost)}\n`);
  for (const meeting of study.meetings) {
    write(root, `org/meetings/${meeting.name}.yaml`, `attendees: ${list(meeting.attendees)}\nrounds: 1\nagenda: ${JSON.stringify(meeting.agenda)}\nturn: ${meeting.turn}\n`);
  }
  write(root, PLAN_FILE, planText(study));
}
