import { basename } from 'node:path';
import { isScalar, parseDocument, type YAMLMap } from 'yaml';
import { yamlString } from '../mailbox/front-matter-fast.js';
import { HUMAN } from '../org/names.js';
import type { PersonaValue } from '../org/schema.js';
import type { Arrangement, Position } from './arrange-people.js';
import { fillTemplate } from './persona-text.js';
import type { PopulationSpec, RoleSpec } from './population-types.js';

/**
 * A population as the files of an org: a resume per agent (its role's title, its role by name, model,
 * budget and tools; its attributes as `persona:`; the persona's text and the role's instructions as its
 * body), the human's resume, and org/chart.yaml. Deterministic text, built by hand line by line
 * in the plain form the loader reads without its YAML parser (org/plain-org-files.ts): at 10,000
 * agents the files are made, and read back, in well under a second each, and the same population
 * gives the same bytes. Pure.
 */

/** A YAML scalar as it stands after `key: `: bare when YAML reads it back as written, else JSON-quoted (plain-org-files.ts reads both fast). */
function scalar(value: PersonaValue): string {
  return typeof value === 'string' ? yamlString(value) : String(value);
}

/** A list on one line: `[send_message, remember]`. */
function flowList(items: readonly string[]): string {
  return `[${items.map(scalar).join(', ')}]`;
}

/** The front matter lines a role gives every agent of it besides the title: the same for all, made once. */
function roleLines(role: RoleSpec): string[] {
  const lines = [`model: ${typeof role.model === 'string' ? scalar(role.model) : flowList(role.model)}`, `credits: ${role.credits}`];
  if (role.schedule) lines.push(`schedule: { every: ${role.schedule.every}, offset: ${role.schedule.offset} }`);
  if (role.tools) lines.push(`tools: ${flowList(role.tools)}`);
  if (role.shared_workspace) lines.push(`shared_workspace: ${role.shared_workspace}`);
  return lines;
}

/** What a position's templates fill in: its attributes, then its name, role, team and manager. */
function templateValues(position: Position): Record<string, PersonaValue> {
  return { ...position.person, name: position.name, role: position.role, team: position.team ?? '', manager: position.reportsTo };
}

/** The text of a biography (`--enrich`) as it sits in a resume: under its own heading, after the instructions. */
export const BIOGRAPHY_HEADING = '## Biography';

/** Writes the resumes of one population, keeping what every resume of a role shares and each title made. */
export class ResumeWriter {
  private readonly roles = new Map<RoleSpec, string[]>();
  private readonly titles = new Map<string, string>();

  constructor(private readonly spec: PopulationSpec) {}

  /** An agent's resume; with a biography, that under its heading at the end. */
  resume(position: Position, biography?: string): string {
    const role = this.spec.roles[position.role] as RoleSpec;
    let shared = this.roles.get(role);
    if (shared === undefined) {
      shared = roleLines(role);
      this.roles.set(role, shared);
    }
    const values = templateValues(position);
    const title = fillTemplate(role.title, values);
    let titleLine = this.titles.get(title);
    if (titleLine === undefined) {
      titleLine = `title: ${scalar(title)}`;
      this.titles.set(title, titleLine);
    }
    // Its role by name (head, lead, member): what activation rules match (`match: { role: lead }`).
    const lines = ['---', titleLine, `role: ${position.role}`, ...shared];
    if (this.spec.attributes.length > 0) {
      lines.push('persona:');
      for (const attribute of this.spec.attributes) lines.push(`  ${attribute.name}: ${scalar(position.person[attribute.name] as PersonaValue)}`);
    }
    lines.push('---');
    const body = [fillTemplate(this.spec.persona, values).trim(), fillTemplate(role.instructions, values).trim(), biography === undefined ? '' : `${BIOGRAPHY_HEADING}\n\n${biography.trim()}`].filter((part) => part !== '');
    return `${lines.join('\n')}\n${body.join('\n\n')}\n`;
  }
}

/** The human's resume, as every template writes it. */
export const HUMAN_RESUME = '---\ntitle: The person running this organisation\nmodel: human\n---\nThis is you. The engine never calls this agent: you write as `human` with\n`lemming send` or `lemming chat`, and read what comes back with `lemming inbox`.\n';

/** A list of names as a chart writes it: `[agent_00001, agent_00002]` (names are plain scalars by the name rule). */
function nameList(names: readonly string[]): string {
  return `[${names.join(', ')}]`;
}

/** The chart's first line: what wrote it. */
function chartHeading(header: string): string {
  return `# ${header}: who reports to whom, and who may write to and read whom.`;
}

/** org/chart.yaml of an arrangement: the human at the top, writing to the agents who report to it and reading everyone. `header` says what wrote it. */
export function chartText(spec: Pick<PopulationSpec, 'file' | 'seed'>, arrangement: Arrangement, header = chartHeader(spec)): string {
  const lines = [chartHeading(header), 'agents:', `  ${HUMAN}:`, '    reports_to: null', `    send_to: ${nameList(arrangement.top)}`, '    read_from: ["*"]'];
  for (const position of arrangement.positions) {
    const contacts = nameList(position.contacts);
    lines.push(`  ${position.name}:`, `    reports_to: ${position.reportsTo}`, `    send_to: ${contacts}`, `    read_from: ${position.readFrom === undefined ? contacts : nameList(position.readFrom)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** What `lemming populate` says wrote a chart. */
export function chartHeader(spec: Pick<PopulationSpec, 'file' | 'seed'>): string {
  return `Written by \`lemming populate\` from ${basename(spec.file)} (seed ${spec.seed})`;
}

/** A list of names by its length and characters: what its bytes in a chart are known by, without the list. */
export interface NameListSize {
  count: number;
  chars: number;
}

/** A list's bytes as nameList writes it (names are ASCII by the name rule). */
function nameListBytes(list: NameListSize): number {
  return 2 + list.chars + 2 * Math.max(0, list.count - 1);
}

/**
 * The bytes chartText writes for one agent, from the lengths of its name and manager's and the sizes
 * of its lists: what a writer checks against the loader's limit before it builds the lists or the
 * text (a chart of 10,000 people whose teams of 1,000 all list each other is 260 MB). Pure.
 */
export function chartEntryBytes(name: number, reportsTo: number, sendTo: NameListSize, readFrom: NameListSize = sendTo): number {
  return `  :\n    reports_to: \n    send_to: \n    read_from: \n`.length + name + reportsTo + nameListBytes(sendTo) + nameListBytes(readFrom);
}

/** The bytes chartText writes before the first agent: its heading and the human's entry. */
export function chartHeadBytes(header: string, top: NameListSize): number {
  return Buffer.byteLength(chartHeading(header)) + `\nagents:\n  ${HUMAN}:\n    reports_to: null\n    send_to: \n    read_from: ["*"]\n`.length + nameListBytes(top);
}

/** The size of a list of names that are all written out. */
export function listSize(names: readonly string[]): NameListSize {
  let chars = 0;
  for (const name of names) chars += name.length;
  return { count: names.length, chars };
}

/** The bytes chartText writes for an arrangement, without writing it. Pure. */
export function chartBytes(arrangement: Arrangement, header: string): number {
  let bytes = chartHeadBytes(header, listSize(arrangement.top));
  for (const position of arrangement.positions) bytes += chartEntryBytes(position.name.length, position.reportsTo.length, listSize(position.contacts), position.readFrom === undefined ? undefined : listSize(position.readFrom));
  return bytes;
}

/** The org's settings: the given org.yaml's text (the default org's, or an experiment's base) with the population's name. */
export function orgYamlText(base: string, name: string): string {
  const named = base.replace(/^name:.*$/m, `name: ${name}`);
  return named === base && !/^name:/m.test(base) ? `name: ${name}\n${base}` : named;
}

/** The line a template's org.yaml keeps its history by, with the comment above it. */
const KEPT_HISTORY = /^(?:#[^\n]*\n)*history: \{ keep: true \}[^\n]*$/m;

/**
 * A template's org.yaml for an org of generated people (`populate`, `import-network`): its history
 * off, said where the template turned it on. Each run's first entry of a history walks every agent's
 * folder (a `run-once` at 10,000 people took 2.6 s with it against 0.6 s without), and past some
 * 12,000 people (on a machine with the usual inotify limits) the watch that spares later entries that
 * walk is out of reach, so every turn would pay it.
 */
export function populationOrgYaml(template: string): string {
  const said = [
    "An org of generated people keeps no history unless asked: each run's first entry would walk every",
    "agent's folder (docs/history.md). Set keep: true to show or fork its turns.",
  ];
  // The built-in templates' line, replaced as it is written.
  if (KEPT_HISTORY.test(template)) return template.replace(KEPT_HISTORY, [...said.map((line) => `# ${line}`), 'history: { keep: false }'].join('\n'));
  // Any other way of keeping one (a block mapping, a --template folder's own org.yaml): the parsed document, edited, its comments kept.
  const document = parseDocument(template);
  if (document.getIn(['history', 'keep']) !== true) return template;
  document.setIn(['history', 'keep'], false);
  const history = document.get('history', true) as { commentBefore?: string | null } | undefined;
  const pair = (document.contents as YAMLMap | null)?.items.find((item) => isScalar(item.key) && item.key.value === 'history');
  if (pair && isScalar(pair.key)) pair.key.commentBefore = said.map((line) => ` ${line}`).join('\n');
  else if (history) history.commentBefore = said.map((line) => ` ${line}`).join('\n');
  return document.toString();
}

