import { join } from 'node:path';
import { loadEditedFile, MAX_ORG_YAML_BYTES } from '../../editable/edited-file.js';
import { withExample, type Problem } from '../../errors.js';
import { PRIORITIES } from '../../mailbox/message.js';
import { HUMAN, ROUTING_FILE } from '../names.js';
import type { Org } from '../org.js';
import { checkEdge } from '../permissions.js';
import { parseYamlSource, type YamlSource } from '../../editable/yaml-source.js';
import { ROUTING_EXAMPLE, type ForwardRule, type RoutingRules } from './routing-rules.js';
import { quoteName } from '../../mailbox/message-text.js';

/** What loading `org/routing.yaml` gives: the rules when the file is valid (none when it is absent), and every problem. */
export interface LoadedRouting {
  rules?: RoutingRules;
  problems: Problem[];
}

const RULE_FIELDS = ['name', 'mail_to', 'from', 'about', 'forward_to'];
const ESCALATE_FIELDS = ['after_turns', 'priorities'];

/**
 * Read and check `org/routing.yaml` against the org: every name an agent of the org, every forward
 * along an edge the chart allows at both ends (the recipient may send to the target, the target
 * reads from the recipient), or the rule is refused with the chart's reason. A missing file is no
 * rules. Problems name the file, the line and the field, with a valid example.
 */
export function loadRouting(root: string, org: Org): LoadedRouting {
  const loaded = loadEditedFile(join(root, ROUTING_FILE), ROUTING_FILE, MAX_ORG_YAML_BYTES, (text) => parseRouting(text, org), root);
  if ('missing' in loaded) return { rules: { forward: [] }, problems: [] };
  return loaded;
}

/** Check the text of `org/routing.yaml` against the org. Pure. */
export function parseRouting(text: string, org: Org): LoadedRouting {
  const { source, problems } = parseYamlSource(text, ROUTING_FILE);
  if (!source) return { problems };
  const checker = new Checker(source);
  const rules = checker.check(source.value ?? {}, org);
  return checker.problems.length > 0 ? { problems: checker.problems } : { rules, problems: [] };
}

class Checker {
  readonly problems: Problem[] = [];
  constructor(private readonly source: YamlSource) {}

  problem(path: ReadonlyArray<string | number>, message: string): void {
    const line = this.source.lineOf(path);
    this.problems.push({
      file: ROUTING_FILE,
      ...(path.length > 0 ? { field: path.join('.') } : {}),
      ...(line === undefined ? {} : { line }),
      // The example once, with the first problem: a file with five mistakes is not answered with five copies of it.
      message: this.problems.length === 0 ? withExample(message, 'file', ROUTING_EXAMPLE) : message,
      severity: 'error',
    });
  }

  check(value: unknown, org: Org): RoutingRules {
    const rules: RoutingRules = { forward: [] };
    if (!isRecord(value)) {
      this.problem([], 'must be a map with `forward:` and `escalate:`');
      return rules;
    }
    for (const key of Object.keys(value)) if (key !== 'forward' && key !== 'escalate') this.problem([key], `unknown field ${quoteName(key)}; the fields are forward and escalate`);
    if (value.forward !== undefined && value.forward !== null) {
      if (!Array.isArray(value.forward)) this.problem(['forward'], 'must be a list of rules');
      else value.forward.forEach((rule, index) => {
        const checked = this.rule(rule, index, org);
        if (checked) rules.forward.push(checked);
      });
    }
    if (value.escalate !== undefined && value.escalate !== null) this.escalate(value.escalate, rules);
    return rules;
  }

  private rule(value: unknown, index: number, org: Org): ForwardRule | undefined {
    const at = (field?: string): Array<string | number> => (field === undefined ? ['forward', index] : ['forward', index, field]);
    if (!isRecord(value)) {
      this.problem(at(), 'must be a map with mail_to, forward_to and from or about');
      return undefined;
    }
    const before = this.problems.length;
    for (const key of Object.keys(value)) if (!RULE_FIELDS.includes(key)) this.problem(at(key), `unknown field ${quoteName(key)}; a rule has ${RULE_FIELDS.join(', ')}`);
    const name = value.name === undefined ? `forward.${index}` : this.text(value.name, at('name'), 'a short name, for example `name: refunds`');
    const mailTo = this.agent(value.mail_to, at('mail_to'), org, 'whose mail the rule reads, for example `mail_to: support`');
    const forwardTo = this.agent(value.forward_to, at('forward_to'), org, 'who gets the copy, for example `forward_to: billing`');
    const from = value.from === undefined ? undefined : this.agent(value.from, at('from'), org, 'a sender, for example `from: human`');
    const about = value.about === undefined ? undefined : this.words(value.about, at('about'));
    if (value.from === undefined && value.about === undefined) this.problem(at(), 'says neither `from:` nor `about:`, so it would forward all mail; give one of them');
    if (mailTo !== undefined && org.agents.get(mailTo)?.isHuman) this.problem(at('mail_to'), `${mailTo} is a person: lemming never holds a person's mail, so it cannot forward it`);
    if (mailTo !== undefined && forwardTo !== undefined && mailTo === forwardTo) this.problem(at('forward_to'), `is ${mailTo}, whose mail the rule reads`);
    else if (mailTo !== undefined && forwardTo !== undefined) {
      // The copy goes out from mail_to's outbox: the chart must let mail_to write to forward_to, at both ends.
      const verdict = checkEdge(org, mailTo, forwardTo);
      if (!verdict.allowed) this.problem(at('forward_to'), `this rule is refused: ${verdict.reason}, and a forward goes from ${mailTo} to ${forwardTo}`);
    }
    if (this.problems.length > before || name === undefined || mailTo === undefined || forwardTo === undefined) return undefined;
    return { name, mailTo, forwardTo, ...(from === undefined ? {} : { from }), ...(about === undefined ? {} : { about }) };
  }

  private escalate(value: unknown, rules: RoutingRules): void {
    if (!isRecord(value)) {
      this.problem(['escalate'], 'must be a map, for example `escalate: { after_turns: 3 }`');
      return;
    }
    const before = this.problems.length;
    for (const key of Object.keys(value)) if (!ESCALATE_FIELDS.includes(key)) this.problem(['escalate', key], `unknown field ${quoteName(key)}; escalate has ${ESCALATE_FIELDS.join(', ')}`);
    const turns = value.after_turns;
    if (typeof turns !== 'number' || !Number.isInteger(turns) || turns < 1 || turns > 10_000) {
      this.problem(['escalate', 'after_turns'], `must be a whole number of turns from 1 to 10000, for example \`after_turns: 3\`${turns === undefined ? ' (it is missing)' : ''}`);
    }
    let priorities: string[] | undefined;
    if (value.priorities !== undefined) {
      const list = Array.isArray(value.priorities) ? value.priorities : [value.priorities];
      const wrong = list.filter((item) => !(PRIORITIES as readonly unknown[]).includes(item));
      if (wrong.length > 0 || list.length === 0) this.problem(['escalate', 'priorities'], `must list priorities among ${PRIORITIES.join(', ')}, for example \`priorities: [urgent, high]\``);
      else priorities = list as string[];
    }
    if (this.problems.length > before || typeof turns !== 'number') return;
    rules.escalate = { afterTurns: turns, ...(priorities ? { priorities } : {}) };
  }

  private text(value: unknown, path: Array<string | number>, example: string): string | undefined {
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
    this.problem(path, `must be text: ${example}`);
    return undefined;
  }

  private agent(value: unknown, path: Array<string | number>, org: Org, example: string): string | undefined {
    if (value === undefined) {
      this.problem(path, `is required: ${example}`);
      return undefined;
    }
    const name = this.text(value, path, example);
    if (name === undefined) return undefined;
    if (!org.agents.has(name) && name !== HUMAN) {
      this.problem(path, `${quoteName(name)} is not an agent of this org (agents: ${[...org.agents.keys()].join(', ')})`);
      return undefined;
    }
    return name;
  }

  private words(value: unknown, path: Array<string | number>): string[] | undefined {
    const list = Array.isArray(value) ? value : [value];
    const words = list.map((item) => (typeof item === 'number' ? String(item) : item));
    if (words.length === 0 || !words.every((word): word is string => typeof word === 'string' && word.trim() !== '')) {
      this.problem(path, 'must be a word or a list of words and phrases, for example `about: [refund, invoice]`');
      return undefined;
    }
    return words.map((word) => word.trim());
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
